import ChainRuleSupport
import ChainRuleSyntax

extension ExpressionGraph {
  /// A term split into its sign and its magnitude: `−3·x` → (true, `3·x`), `−x` → (true, `x`),
  /// `−2` → (true, `2`), anything else → (false, itself).
  ///
  /// Printers write a sum's negative terms with `−` rather than `+ (−1)·…`.
  public func splitSign(_ term: NodeID) -> (negative: Bool, magnitude: NodeID) {
    switch kind(term) {
    case .number:
      guard let value = numberValue(term), value < 0 else { return (false, term) }
      return (true, number(-value))
    case .product:
      let slots = operandSlots(term)
      guard let c = numberValue(operand(atSlot: slots.lowerBound)), c < 0 else { return (false, term) }
      // An array, not a lazy view of the operand pool: interning appends to that pool.
      let rest = slots.dropFirst().map { self.operand(atSlot: $0) }
      if c == -1 { return (true, rest.count == 1 ? operand(atSlot: slots.lowerBound + 1) : intern(.product, rest)) }
      return (true, intern(.product, [number(-c)] + rest))
    default:
      return (false, term)
    }
  }
}
