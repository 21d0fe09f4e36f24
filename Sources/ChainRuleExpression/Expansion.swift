import ChainRuleSupport
import ChainRuleSyntax

extension CanonicalForm {
  /// The canonical form of `id` with every product distributed over its sums:
  /// a·(b + c) = a·b + a·c, applied until no product holds a sum.
  ///
  /// Two expressions that differ only by the distributive law have equal expansions, which is how
  /// a derivation shows that its result and `diff`'s are the same expression. Powers of sums are
  /// left alone, so the size stays bounded by the product of the sums' lengths.
  public mutating func expand(_ id: NodeID) -> NodeID {
    var memo: [NodeID: NodeID] = [:]
    return expandCanonical(simplify(id), &memo)
  }

  private mutating func expandCanonical(_ id: NodeID, _ memo: inout [NodeID: NodeID]) -> NodeID {
    if let done = memo[id] { return done }
    let result: NodeID
    switch graph[id] {
    case .number, .symbol:
      result = id
    case .sum(let terms):
      result = canonicalSum(terms.map { expandCanonical($0, &memo) })
    case .product(let factors):
      var expandedTerms: [[NodeID]] = [[]]
      for factor in factors.map({ expandCanonical($0, &memo) }) {
        let alternatives: [NodeID]
        if case .sum(let terms) = graph[factor] { alternatives = terms.array } else { alternatives = [factor] }
        expandedTerms = expandedTerms.flatMap { prefix in alternatives.map { prefix + [$0] } }
      }
      result = canonicalSum(expandedTerms.map { canonicalProduct($0) })
    case .power(let base, let exponent):
      result = canonicalPower(expandCanonical(base, &memo), expandCanonical(exponent, &memo))
    case .call(let function, let arguments):
      result = simplify(graph.intern(.call(function, Operands(arguments.map { expandCanonical($0, &memo) }))))
    }
    memo[id] = result
    return result
  }
}
