import ChainRuleSyntax

/// The storage of an ``ExpressionGraph``: one plain record per node, one pool of operand ids
/// and the intern table. Every storage trick of the graph lives here and nowhere else.
///
/// - Records, not `Node`s: reading a node's kind or operands copies no enum and touches no
///   reference count, and finding an existing node compares ids. ``ExpressionGraph/subscript(_:)``
///   builds a `Node` from a record when a pass wants to pattern-match.
/// - Sentinels, kept inside: a record's `constant` is NaN unless it is a number (numbers are
///   never NaN), and `functionID` is ``NodeRecord/noFunction`` unless it is a call. The
///   accessors turn them into optionals (``constant(of:)`` for numbers only, ``function(of:)``).
/// - Interning is open addressing (linear probing, at most half full) keyed by ``NodeHash``.
/// - A graph is used from one thread at a time and never hands out `inout` access to this
///   storage, so the graph keeps it with `@exclusivity(unchecked)`: no runtime exclusivity
///   check on the hot paths.
///
/// Ids ascend in creation order and a node's operands exist before it, so ascending ids are a
/// forward pass and descending ids a backward pass.
@usableFromInline
package struct NodeStore {
  /// Each node's record, children before parents.
  @usableFromInline package private(set) var records: [NodeRecord] = []
  /// Every node's operands (a power's base then exponent), one node's after another.
  @usableFromInline package private(set) var operandPool: [NodeID] = []
  /// Open addressing: node index + 1 in each used bucket, 0 in an empty one.
  private var table: [Int32]

  init(capacity: Int) {
    records.reserveCapacity(capacity)
    operandPool.reserveCapacity(capacity * 2)
    table = [Int32](repeating: 0, count: capacity * 2)
  }

  /// The number of nodes.
  @inlinable package var count: Int { records.count }

  // MARK: Reading

  @inlinable @inline(__always)
  package func kind(_ id: NodeID) -> NodeKind { records[Int(id.index)].kind }

  /// The positions of `id`'s operands in the pool.
  @inlinable @inline(__always)
  package func operandSlots(_ id: NodeID) -> Range<Int> {
    let record = records[Int(id.index)]
    return Int(record.operandStart)..<Int(record.operandEnd)
  }

  @inlinable @inline(__always)
  package func operand(atSlot slot: Int) -> NodeID { operandPool[slot] }

  /// The value of a number node, nil for any other node.
  @inlinable @inline(__always)
  package func constant(of id: NodeID) -> Double? {
    let value = records[Int(id.index)].constant
    return value.isNaN ? nil : value
  }

  /// The function of a call node, nil for any other node.
  @inlinable @inline(__always)
  package func function(of id: NodeID) -> Function? {
    let record = records[Int(id.index)]
    return record.functionID == NodeRecord.noFunction ? nil : Function(id: record.functionID)
  }

  @inlinable @inline(__always)
  package func depth(_ id: NodeID) -> Int { Int(records[Int(id.index)].depth) }

  /// The position of a symbol node in the graph's list of names.
  @inlinable @inline(__always)
  package func symbolOrdinal(_ id: NodeID) -> Int? {
    let record = records[Int(id.index)]
    return record.kind == .symbol ? Int(record.symbol) : nil
  }

  // MARK: Interning

  /// The number `value`, stored unless it exists (0 and −0 stay apart: their hashes differ).
  mutating func internNumber(_ value: Double) -> NodeID {
    let hash = NodeHash.number(value)
    switch probe(hash, matching: { records[$0].kind == .number && records[$0].constant == value }) {
    case .found(let id): return id
    case .missing(let bucket):
      var record = NodeRecord(hash: hash, operandStart: Int32(operandPool.count))
      record.constant = value
      return file(append(record), bucket: bucket)
    }
  }

  /// A sum or product of `operands`, stored unless an equal one exists; compares ids with the
  /// stored operand lists, so finding it allocates nothing.
  mutating func intern<C: Collection>(_ kind: NodeKind, _ operands: C) -> NodeID where C.Element == NodeID {
    let hash = NodeHash.list(kind, operands)
    let lookup = probe(hash) { index in
      records[index].kind == kind && operandSlots(NodeID(index)).elementsEqual(operands) { operandPool[$0] == $1 }
    }
    switch lookup {
    case .found(let id): return id
    case .missing(let bucket): return file(appendNode(kind, operands, hash: hash), bucket: bucket)
    }
  }

  /// `base ^ exponent`, stored unless it exists.
  mutating func internPower(_ base: NodeID, _ exponent: NodeID) -> NodeID {
    let hash = NodeHash.power(base, exponent)
    let lookup = probe(hash) { index in
      let start = Int(records[index].operandStart)
      return records[index].kind == .power && operandPool[start] == base && operandPool[start + 1] == exponent
    }
    switch lookup {
    case .found(let id): return id
    case .missing(let bucket): return file(appendNode(.power, Operands(base, exponent), hash: hash), bucket: bucket)
    }
  }

  /// `function(arguments)`, stored unless it exists.
  mutating func internCall(_ function: Function, _ arguments: Operands) -> NodeID {
    let hash = NodeHash.call(function, arguments)
    let lookup = probe(hash) { index in
      records[index].kind == .call && records[index].functionID == function.id
        && operandSlots(NodeID(index)).elementsEqual(arguments) { operandPool[$0] == $1 }
    }
    switch lookup {
    case .found(let id): return id
    case .missing(let bucket):
      return file(appendNode(.call, arguments, hash: hash, function: function.id), bucket: bucket)
    }
  }

  /// A symbol node for the name at `ordinal` of the graph's list (symbols have their own table
  /// in the graph, by name).
  mutating func appendSymbol(ordinal: Int) -> NodeID {
    var record = NodeRecord(hash: 0, operandStart: Int32(operandPool.count))
    record.kind = .symbol
    record.symbol = Int32(ordinal)
    return append(record)
  }

  /// Where a node is in the table: its id, or the empty bucket where it would go.
  private enum Lookup {
    case found(NodeID)
    case missing(bucket: Int)
  }

  /// Follows the probe sequence of `hash` to the stored node with that hash that `matches`
  /// (given its index), or to the first empty bucket.
  private func probe(_ hash: UInt32, matching matches: (Int) -> Bool) -> Lookup {
    let mask = table.count - 1
    var bucket = Int(hash) & mask
    while true {
      let entry = table[bucket]
      if entry == 0 { return .missing(bucket: bucket) }
      let index = Int(entry) - 1
      if records[index].hash == hash && matches(index) { return .found(NodeID(index)) }
      bucket = (bucket + 1) & mask
    }
  }

  /// Files the new node `id` in the table at the empty `bucket` (growing the table if needed).
  private mutating func file(_ id: NodeID, bucket: Int) -> NodeID {
    table[bucket] = Int32(id.index) + 1
    if records.count * 2 > table.count { grow() }
    return id
  }

  /// Appends a node of `kind` with `operands` (a power's are its base and exponent).
  private mutating func appendNode<C: Collection>(
    _ kind: NodeKind, _ operands: C, hash: UInt32, function: UInt16 = NodeRecord.noFunction
  ) -> NodeID where C.Element == NodeID {
    var record = NodeRecord(hash: hash, operandStart: Int32(operandPool.count))
    var depth: Int32 = 0
    for operand in operands {
      depth = Swift.max(depth, records[Int(operand.index)].depth + 1)
      operandPool.append(operand)
    }
    record.depth = depth
    record.kind = kind
    record.functionID = function
    record.operandEnd = Int32(operandPool.count)
    return append(record)
  }

  private mutating func append(_ record: NodeRecord) -> NodeID {
    records.append(record)
    return NodeID(records.count - 1)
  }

  /// Doubles the table and reinserts every interned node.
  private mutating func grow() {
    var bigger = [Int32](repeating: 0, count: table.count * 2)
    let mask = bigger.count - 1
    for index in records.indices {
      if records[index].kind == .symbol { continue }
      var bucket = Int(records[index].hash) & mask
      while bigger[bucket] != 0 { bucket = (bucket + 1) & mask }
      bigger[bucket] = Int32(index) + 1
    }
    table = bigger
  }
}

/// The plain facts of one node, as ``NodeStore`` keeps it.
@usableFromInline
package struct NodeRecord {
  /// The `functionID` of a node that is not a call.
  @usableFromInline static let noFunction = UInt16.max

  /// The node's value if it is a number, NaN otherwise (numbers never are NaN).
  @usableFromInline var constant = Double.nan
  /// The hash the intern table files the node under.
  var hash: UInt32
  /// The nesting depth as a tree: 0 for a leaf, 1 + the deepest operand otherwise.
  @usableFromInline var depth: Int32 = 0
  /// The node's operands are `operandPool[operandStart..<operandEnd]`.
  @usableFromInline var operandStart: Int32
  @usableFromInline var operandEnd: Int32 = 0
  @usableFromInline var kind = NodeKind.number
  /// The function a call applies (``noFunction`` for other kinds).
  @usableFromInline var functionID = NodeRecord.noFunction
  /// A symbol's position in the graph's list of names (−1 for other kinds).
  @usableFromInline var symbol: Int32 = -1

  init(hash: UInt32, operandStart: Int32) {
    self.hash = hash
    self.operandStart = operandStart
    self.operandEnd = operandStart
  }
}
