import ChainRuleSyntax

/// How an expression reads when it is written out, whatever the notation: which terms of a sum
/// carry a minus and which leads, what a product puts above and below the fraction bar.
///
/// Sums: `a + (−1)·b` is written `a − b`, and a sum leads with a positive term where it has one
/// (`b − a`, not `−a + b`). Products: factors with a negative constant exponent go under the
/// bar (`a·b⁻¹` → `a/b`), the numeric factors fold into one coefficient written once, above
/// the bar, or below it when it is 1/n (`0.5·x` → `x/2`), and a negative coefficient becomes a
/// leading minus. The printers of every notation and ``ExpressionGraph/printedOperationCount(_:)``
/// follow these decisions, so what is counted is what is printed. Nothing here adds a node to
/// the graph.
package struct ProductLayout {
  /// The product's factors are `graph.operand(atSlot:)` of these slots, or the single factor
  /// ``single`` (a reciprocal power `u⁻ⁿ` written as `1/uⁿ`).
  package let slots: Range<Int>
  package let single: NodeID?
  /// Whether the product is written after a minus sign.
  package let negative: Bool
  /// The coefficient written above the bar (never negative), if one is.
  package let coefficientAbove: Double?
  /// The whole number n of a coefficient 1/n written below the bar, if one is.
  package let coefficientBelow: Double?
  /// Whether numeric factors fold into the coefficient (false when their product overflows:
  /// they are then written one by one, as stored).
  package let foldsConstants: Bool
  /// Whether the first factor, a negative number, is written as its magnitude: the sign of a
  /// sum's term whose constants do not fold is its first factor's.
  package let flipsFirstFactor: Bool

  /// The number of factors.
  package var factorCount: Int { single == nil ? slots.count : 1 }

  /// The factor at `position`, from 0.
  @inline(__always)
  package func factor(_ position: Int, in graph: ExpressionGraph) -> NodeID {
    single ?? graph.operand(atSlot: slots.lowerBound + position)
  }

  /// Whether `factor` is written above the bar as itself.
  package func isNumerator(_ factor: NodeID, in graph: ExpressionGraph) -> Bool {
    (!foldsConstants || graph.numberValue(factor) == nil) && graph.reciprocalExponent(factor) == nil
  }
}

extension ExpressionGraph {
  /// For a power with a negative constant exponent `u⁻ⁿ`, its base and n: what it puts under a
  /// fraction bar (`u` for n = 1, `uⁿ` otherwise); nil for any other node.
  package func reciprocalExponent(_ factor: NodeID) -> (base: NodeID, exponent: Double)? {
    guard let (base, exponent) = powerParts(factor), let e = numberValue(exponent), e < 0 else { return nil }
    return (base, -e)
  }

  /// Whether a term is written with a leading minus: a negative number, or a product whose
  /// first factor is a negative number.
  package func isNegativeTerm(_ term: NodeID) -> Bool {
    if let value = numberValue(term) { return value < 0 }
    guard kind(term) == .product, let c = numberValue(operand(of: term, at: 0)) else { return false }
    return c < 0
  }

  /// The slot of the term a sum is written with first: the first positive one, if the first
  /// term is negative and there is a positive one.
  package func leadingTermSlot(ofSum id: NodeID) -> Int {
    let slots = operandSlots(id)
    if isNegativeTerm(operand(atSlot: slots.lowerBound)),
      let positive = slots.first(where: { !isNegativeTerm(operand(atSlot: $0)) })
    {
      return positive
    }
    return slots.lowerBound
  }

  /// The layout of a product, or of a reciprocal power written as one (`u⁻¹` → `1/u`), with
  /// its coefficient's sign flipped when `flipsSign` (a sum's term written after its minus).
  package func productLayout(_ id: NodeID, flipsSign: Bool = false) -> ProductLayout {
    let isProduct = kind(id) == .product
    let slots = isProduct ? operandSlots(id) : 0..<0
    let single: NodeID? = isProduct ? nil : id
    func forEachFactor(_ body: (NodeID) -> Void) {
      if isProduct { for slot in slots { body(operand(atSlot: slot)) } } else { body(id) }
    }
    var coefficient = flipsSign ? -1.0 : 1.0
    forEachFactor { if let value = numberValue($0) { coefficient *= value } }
    // Constants whose product overflows (kept apart by the graph) are written one by one.
    let foldsConstants = coefficient.isFinite
    if !foldsConstants { coefficient = 1 }
    var hasNumerator = false
    forEachFactor { factor in
      if (!foldsConstants || numberValue(factor) == nil) && reciprocalExponent(factor) == nil { hasNumerator = true }
    }
    let negative = coefficient < 0
    coefficient = Swift.abs(coefficient)
    let reciprocal = 1 / coefficient
    let below = coefficient < 1 && reciprocal == reciprocal.rounded() && reciprocal < 1e15
    let above = !below && (coefficient != 1 || !hasNumerator)
    return ProductLayout(
      slots: slots, single: single, negative: negative, coefficientAbove: above ? coefficient : nil,
      coefficientBelow: below ? reciprocal : nil, foldsConstants: foldsConstants,
      flipsFirstFactor: flipsSign && !foldsConstants)
  }

  /// The number of operations in each of `ids` as written in plain text: each `+ − · / ^`, each
  /// leading minus and each function call, as SymPy's `count_ops` counts what a reader sees
  /// (`a − b` is one operation, `−a` one, `a/b` one). Shared parts are counted once per use,
  /// but computed once: one ascending pass over the nodes the ids need. Saturates at `Int.max`.
  public func printedOperationCounts(_ ids: [NodeID]) -> [Int] {
    var counter = PrintedOperationCounter(graph: self)
    return counter.counts(ids)
  }

  /// ``printedOperationCounts(_:)`` of one node.
  public func printedOperationCount(_ id: NodeID) -> Int { printedOperationCounts([id])[0] }
}

/// Counts operations as ``DisplayLayout``'s decisions write them, memoised per node.
package struct PrintedOperationCounter {
  package let graph: ExpressionGraph
  /// Each node's count by index, −1 where not counted yet.
  private var memo: [Int] = []

  package init(graph: ExpressionGraph) { self.graph = graph }

  /// The operations of each of `ids` as printed, counting what they need in one pass.
  package mutating func counts(_ ids: [NodeID]) -> [Int] {
    guard let top = ids.max() else { return [] }
    if memo.count <= Int(top.index) {
      memo.append(contentsOf: repeatElement(-1, count: Int(top.index) + 1 - memo.count))
    }
    let missing = ids.filter { memo[Int($0.index)] < 0 }
    for next in graph.reachable(from: missing) where memo[Int(next.index)] < 0 {
      memo[Int(next.index)] = own(next)
    }
    return ids.map { memo[Int($0.index)] }
  }

  /// The operations of `id` as printed.
  package mutating func count(_ id: NodeID) -> Int { counts([id])[0] }

  private func known(_ id: NodeID) -> Int { Swift.max(0, memo[Int(id.index)]) }

  private static func sum(_ a: Int, _ b: Int) -> Int {
    let (total, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : total
  }

  /// The count of a node whose operands are counted already.
  private func own(_ id: NodeID) -> Int {
    let graph = graph
    switch graph.kind(id) {
    case .number: return (graph.numberValue(id) ?? 0) < 0 ? 1 : 0
    case .symbol: return 0
    case .sum:
      let slots = graph.operandSlots(id)
      let lead = graph.leadingTermSlot(ofSum: id)
      var total = slots.count - 1
      if graph.isNegativeTerm(graph.operand(atSlot: lead)) { total += 1 }
      for slot in slots { total = Self.sum(total, magnitude(graph.operand(atSlot: slot))) }
      return total
    case .product: return product(id, flipsSign: false)
    case .power:
      if graph.reciprocalExponent(id) != nil { return product(id, flipsSign: false) }
      guard let (base, exponent) = graph.powerParts(id) else { return 0 }
      return Self.sum(1, Self.sum(known(base), known(exponent)))
    case .call:
      var total = 1
      for slot in graph.operandSlots(id) { total = Self.sum(total, known(graph.operand(atSlot: slot))) }
      return total
    }
  }

  /// A sum's term without its minus.
  private func magnitude(_ term: NodeID) -> Int {
    guard graph.isNegativeTerm(term) else { return known(term) }
    if graph.numberValue(term) != nil { return 0 }
    return product(term, flipsSign: true)
  }

  private func product(_ id: NodeID, flipsSign: Bool) -> Int {
    let graph = graph
    let layout = graph.productLayout(id, flipsSign: flipsSign)
    var above = layout.coefficientAbove == nil ? 0 : 1
    var below = layout.coefficientBelow == nil ? 0 : 1
    var total = layout.negative ? 1 : 0
    for position in 0..<layout.factorCount {
      let factor = layout.factor(position, in: graph)
      if layout.isNumerator(factor, in: graph) {
        above += 1
        // A flipped first factor is written without its minus.
        if !(position == 0 && layout.flipsFirstFactor) { total = Self.sum(total, known(factor)) }
      } else if let (base, exponent) = graph.reciprocalExponent(factor) {
        below += 1
        total = Self.sum(total, Self.sum(known(base), exponent == 1 ? 0 : 1))
      }
    }
    total += Swift.max(above, 1) - 1
    if below > 0 { total += 1 + below - 1 }
    return total
  }
}
