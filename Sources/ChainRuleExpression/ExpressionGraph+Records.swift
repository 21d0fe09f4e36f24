import ChainRuleSupport
import ChainRuleSyntax

/// Reading a node through its record: kind, operands, function, name. None of these copies a
/// ``Node`` or touches a reference count, so the passes that visit every node (canonical form,
/// ordering, printer, sweep, tape, evaluator) use them rather than `graph[id]`.
extension ExpressionGraph {
  /// The kind of the node at `id`.
  @inlinable @inline(__always)
  package func kind(_ id: NodeID) -> NodeKind { store.kind(id) }

  /// The positions of `id`'s operands in the operand pool, for ``operand(atSlot:)``: a sum's
  /// terms, a product's factors, a call's arguments, a power's base then exponent.
  @inlinable @inline(__always)
  package func operandSlots(_ id: NodeID) -> Range<Int> { store.operandSlots(id) }

  /// The operand at `slot` of the operand pool (see ``operandSlots(_:)``).
  @inlinable @inline(__always)
  package func operand(atSlot slot: Int) -> NodeID { store.operand(atSlot: slot) }

  /// The number of operands of `id`.
  @inlinable @inline(__always)
  package func operandCount(_ id: NodeID) -> Int { store.operandSlots(id).count }

  /// The operand at position `k` of `id`, without copying the node.
  @inlinable @inline(__always)
  package func operand(of id: NodeID, at k: Int) -> NodeID {
    store.operand(atSlot: store.operandSlots(id).lowerBound + k)
  }

  /// The value a number node holds (NaN for other nodes; ``numberValue(_:)`` says which).
  @inlinable @inline(__always)
  package func constant(of id: NodeID) -> Double { store.constant(of: id) ?? .nan }

  /// The function a call node applies, nil for other nodes.
  @inlinable @inline(__always)
  package func function(of id: NodeID) -> Function? { store.function(of: id) }

  /// The name of a symbol node, nil for other nodes.
  package func symbolName(_ id: NodeID) -> String? {
    store.symbolOrdinal(id).map { symbolList[$0].name }
  }

  /// A power's base and exponent, nil for other nodes; copies no node.
  @inlinable @inline(__always)
  package func powerParts(_ id: NodeID) -> (base: NodeID, exponent: NodeID)? {
    guard store.kind(id) == .power else { return nil }
    let start = store.operandSlots(id).lowerBound
    return (store.operand(atSlot: start), store.operand(atSlot: start + 1))
  }

  /// The operands of a sum, product or call at `id` (none for other nodes), without copying the
  /// rest of the node.
  package func operands(_ id: NodeID) -> Operands {
    switch kind(id) {
    case .sum, .product, .call: Operands(store.operandPool[operandSlots(id)])
    default: Operands()
    }
  }
}
