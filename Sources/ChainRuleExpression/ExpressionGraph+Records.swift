import ChainRuleSupport
import ChainRuleSyntax

/// Reading a node through its record: kind, operands, function, name. None of these copies a
/// ``Node`` or touches a reference count, so the passes that visit every node (canonical form,
/// ordering, printer, sweep, tape, evaluator) use them rather than `graph[id]`.
extension ExpressionGraph {
  /// The kind of the node at `id`.
  @inline(__always)
  package func kind(_ id: NodeID) -> NodeKind { records[Int(id.index)].kind }

  /// The positions of `id`'s operands in the operand pool, for ``operand(atSlot:)``: a sum's
  /// terms, a product's factors, a call's arguments, a power's base then exponent.
  @inline(__always)
  package func operandSlots(_ id: NodeID) -> Range<Int> {
    let record = records[Int(id.index)]
    return Int(record.operandStart)..<Int(record.operandEnd)
  }

  /// The operand at `slot` of the operand pool (see ``operandSlots(_:)``).
  @inline(__always)
  package func operand(atSlot slot: Int) -> NodeID { operandPool[slot] }

  /// The number of operands of `id`.
  @inline(__always)
  package func operandCount(_ id: NodeID) -> Int {
    let record = records[Int(id.index)]
    return Int(record.operandEnd - record.operandStart)
  }

  /// The operand at position `k` of `id`, without copying the node.
  @inline(__always)
  package func operand(of id: NodeID, at k: Int) -> NodeID { operandPool[Int(records[Int(id.index)].operandStart) + k] }

  /// The value a number node holds, read from its record (NaN for other nodes).
  @inline(__always)
  package func constant(of id: NodeID) -> Double { records[Int(id.index)].constant }

  /// The function a call node applies, nil for other nodes.
  @inline(__always)
  package func function(of id: NodeID) -> Function? {
    let record = records[Int(id.index)]
    return record.kind == .call ? record.function : nil
  }

  /// The name of a symbol node, nil for other nodes.
  package func symbolName(_ id: NodeID) -> String? {
    let record = records[Int(id.index)]
    return record.kind == .symbol ? symbolList[Int(record.symbol)].name : nil
  }

  /// A power's base and exponent, nil for other nodes; copies no node.
  @inline(__always)
  package func powerParts(_ id: NodeID) -> (base: NodeID, exponent: NodeID)? {
    let record = records[Int(id.index)]
    guard record.kind == .power else { return nil }
    let start = Int(record.operandStart)
    return (operandPool[start], operandPool[start + 1])
  }

  /// The operands of a sum, product or call at `id` (none for other nodes), without copying the
  /// rest of the node.
  package func operands(_ id: NodeID) -> Operands {
    switch kind(id) {
    case .sum, .product, .call: Operands(operandPool[operandSlots(id)])
    default: Operands()
    }
  }
}
