extension ExpressionGraph {
  /// A term split into its sign and its magnitude: `−3·x` → (true, `3·x`), `−x` → (true, `x`),
  /// `−2` → (true, `2`), anything else → (false, itself).
  ///
  /// Printers write a sum's negative terms with `−` rather than `+ (−1)·…`.
  public func splitSign(_ term: NodeID) -> (negative: Bool, magnitude: NodeID) {
    switch self[term] {
    case .number(let value) where value < 0:
      return (true, number(-value))
    case .product(let factors):
      guard let c = numberValue(factors[0]), c < 0 else { return (false, term) }
      let rest = Array(factors.dropFirst())
      if c == -1 { return (true, rest.count == 1 ? rest[0] : intern(.product(Operands(rest)))) }
      return (true, intern(.product(Operands([number(-c)] + rest))))
    default:
      return (false, term)
    }
  }
}
