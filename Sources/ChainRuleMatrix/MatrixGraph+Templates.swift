import ChainRuleSyntax

extension MatrixGraph {
  /// A function's derivative template (from its ``FunctionDefinition``) applied entry by entry to
  /// matrix arguments: `1 − tanh(u)²` becomes the matrix 1 − tanh(A)^∘2.
  ///
  /// Arithmetic becomes elementwise arithmetic (products are ⊙, powers Hadamard powers); a power
  /// whose exponent is not a number becomes exp(v ⊙ log u).
  public func instantiate(_ template: FormulaTemplate, arguments: [MatrixNodeID]) throws(MatrixShapeError)
    -> MatrixNodeID
  {
    switch template {
    case .argument(let k): return k < arguments.count ? arguments[k] : constant(0)
    case .number(let value): return constant(value)
    case .call(let f, let inner):
      var values: [MatrixNodeID] = []
      for part in inner { values.append(try instantiate(part, arguments: arguments)) }
      return try function(f, values)
    case .add(let a, let b):
      return try add(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .subtract(let a, let b):
      return try subtract(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .multiply(let a, let b):
      return try multiply(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .divide(let a, let b):
      return try divide(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .negate(let a): return negate(try instantiate(a, arguments: arguments))
    case .power(let a, let b):
      let base = try instantiate(a, arguments: arguments)
      let exponent = try instantiate(b, arguments: arguments)
      if let p = constantValue(exponent) { return power(base, p) }
      return try function(.exp, [try multiply(exponent, try function(.log, [base]))])
    }
  }
}
