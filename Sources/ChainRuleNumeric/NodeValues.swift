import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// The values of graph nodes at one point, as ``Evaluator/values(of:at:)`` computed them.
///
/// Stored in ascending id order beside the ids, so a lookup is a binary search (or, when the
/// evaluated nodes fill most of the ids below the largest, a direct index): no hashing in the
/// evaluator's inner loop.
public struct NodeValues: Sendable {
  /// The evaluated ids, ascending.
  public let ids: [NodeID]
  /// `values[i]` is the value of `ids[i]`.
  public internal(set) var values: [Double]
  /// id index → position in ``ids`` + 1 (0: not evaluated); empty when lookups binary-search.
  let positions: [Int32]

  /// Storage for `ids`, with values to be filled in ascending order.
  init(ids: [NodeID]) {
    self.ids = ids
    values = []
    values.reserveCapacity(ids.count)
    // A direct index pays off when the ids are dense below the largest.
    if let top = ids.last, ids.count * 8 > Int(top.index) {
      var positions = [Int32](repeating: 0, count: Int(top.index) + 1)
      for (position, id) in ids.enumerated() { positions[Int(id.index)] = Int32(position + 1) }
      self.positions = positions
    } else {
      positions = []
    }
  }

  /// The position of `id` in ``ids``, or nil if it was not evaluated.
  func position(of id: NodeID) -> Int? {
    let index = Int(id.index)
    if !positions.isEmpty {
      guard index < positions.count, positions[index] > 0 else { return nil }
      return Int(positions[index]) - 1
    }
    var low = 0
    var high = ids.count
    while low < high {
      let middle = (low + high) / 2
      if ids[middle].index < id.index { low = middle + 1 } else { high = middle }
    }
    return low < ids.count && ids[low] == id ? low : nil
  }

  /// The value of `id`, or nil if it was not evaluated.
  public subscript(id: NodeID) -> Double? {
    guard let position = position(of: id), position < values.count else { return nil }
    return values[position]
  }

  /// The largest magnitude among the values: the scale of the rounding errors made computing them.
  public var largestMagnitude: Double {
    values.reduce(0) { Swift.max($0, Swift.abs($1)) }
  }
}

extension NodeValues: Sequence {
  /// Each evaluated id with its value, ascending by id.
  public func makeIterator() -> Zip2Sequence<[NodeID], [Double]>.Iterator {
    zip(ids, values).makeIterator()
  }
}
