import Foundation

/// Rewrites expressions into ChainRule's canonical, readable form.
///
/// Sums and products are flattened, constants folded and moved to the front, like terms
/// (`2x + 3x → 5x`) and like factors (`x·x² → x³`) collected, identities removed (`1·u`, `u + 0`,
/// `u¹`), and operands ordered by `CanonicalOrder`. Integer powers distribute over products and
/// nest (`(u·v)² → u²·v²`, `(u²)³ → u⁶`); fractional ones do not, since `(u²)^½ = |u|`.
/// Results are memoised per node, so shared subexpressions are rewritten once.
///
/// ```swift
/// var canonical = CanonicalForm(graph: graph)
/// let simple = canonical.simplify(id)
/// ```
public struct CanonicalForm {
  /// The graph that holds both the input and the rewritten nodes.
  public let graph: ExpressionGraph
  /// The rules that changed something, in the order they first applied.
  public private(set) var rulesApplied: [SimplificationRule] = []
  /// The canonical form of each node index already rewritten, −1 where not yet known.
  private var memo: [Int32] = []
  /// The stack that flattens nested sums and products, kept to reuse its storage.
  private var flattening: [NodeID] = []
  private var order: CanonicalOrder { CanonicalOrder(graph: graph) }

  /// Creates a rewriter over `graph`.
  public init(graph: ExpressionGraph) { self.graph = graph }

  /// The operands of a sum (or product) in canonical form, looking through nested sums
  /// (products) first: a chain `((a + b) + c) + …` built one `+` at a time is flattened once, not
  /// once per level, which would be quadratic in its length.
  private mutating func simplifiedOperands(_ direct: Operands, isSum: Bool) -> [NodeID] {
    var result: [NodeID] = []
    let nested: NodeKind = isSum ? .sum : .product
    if !direct.contains(where: { graph.kind($0) == nested }) {
      // Usually nothing is nested: the operands as stored.
      result.reserveCapacity(direct.count)
      for operand in direct { result.append(operand) }
    } else {
      note(.flattening)
      result.reserveCapacity(16)
      // Operands still to visit, the next one last.
      flattening.removeAll(keepingCapacity: true)
      for i in direct.indices.reversed() { flattening.append(direct[i]) }
      while let next = flattening.popLast() {
        guard graph.kind(next) == nested else {
          result.append(next)
          continue
        }
        let inner = graph.operands(next)
        for i in inner.indices.reversed() { flattening.append(inner[i]) }
      }
    }
    for i in result.indices { result[i] = simplify(result[i]) }
    return result
  }

  /// The canonical form of `id`: equal ids for expressions that differ only by the rules above.
  public mutating func simplify(_ id: NodeID) -> NodeID {
    let index = Int(id.index)
    if index < memo.count, memo[index] >= 0 { return NodeID(Int(memo[index])) }
    let result: NodeID
    switch graph[id] {
    case .number, .symbol: result = id
    case .sum(let terms):
      result = canonicalSum(simplifiedOperands(terms, isSum: true))
    case .product(let factors):
      result = canonicalProduct(simplifiedOperands(factors, isSum: false))
    case .power(let base, let exponent):
      result = canonicalPower(simplify(base), simplify(exponent))
    case .call(let function, let arguments):
      var canonicalArguments = Operands()
      switch arguments.count {
      case 1: canonicalArguments = Operands(simplify(arguments[0]))
      case 2: canonicalArguments = Operands(simplify(arguments[0]), simplify(arguments[1]))
      default: canonicalArguments = Operands(arguments.map { simplify($0) })
      }
      if canonicalArguments.allSatisfy({ graph.numberValue($0) != nil }),
        let folded = ExpressionGraph.foldCall(function, canonicalArguments.map { graph.numberValue($0) ?? 0 })
      {
        note(.constantFolding)
        result = graph.number(folded)
      } else {
        result = graph.intern(.call(function, canonicalArguments))
      }
    }
    remember(id, result)
    remember(result, result)
    return result
  }

  private mutating func remember(_ id: NodeID, _ result: NodeID) {
    let index = Int(id.index)
    if index >= memo.count {
      // The graph grows a node at a time while rewriting: grow the memo ahead of it.
      let size = Swift.max(graph.count, index + 1) + Swift.max(64, memo.count / 2)
      memo.append(contentsOf: repeatElement(-1, count: size - memo.count))
    }
    memo[index] = result.index
  }

  private mutating func note(_ rule: SimplificationRule) {
    if !rulesApplied.contains(rule) { rulesApplied.append(rule) }
  }

  // MARK: Sums

  /// Σ of canonical terms: flatten, collect like terms, fold constants, sort.
  ///
  /// A term is coefficient · rest, where the coefficient gathers the numeric factor and any
  /// reciprocals of whole numbers (`x/3` is (1/3)·x), so fractions add exactly:
  /// `x/3 + x/2 = 5x/6`, `1/2 + 1/3 = 5/6` (see ``Coefficient``).
  mutating func canonicalSum(_ terms: [NodeID]) -> NodeID {
    var constant = CoefficientSum()
    // Each term's rest (the term without its coefficient) with the sum of its coefficients.
    var rests = OrderedIndex<CoefficientSum>(capacity: terms.count * 2)
    var numberCount = 0
    var distributed = false
    func addTerm(_ term: NodeID, scale: Coefficient = .one) {
      var coefficient = scale
      var rest = term
      switch graph[term] {
      case .number(let value):
        constant.add(scale * Coefficient(value))
        numberCount += 1
        return
      case .power:
        if let reciprocal = wholeReciprocal(term) {
          constant.add(scale * reciprocal)
          numberCount += 1
          return
        }
      case .product(let factors):
        let c = graph.numberValue(factors[0])
        // c·(a + b) inside a sum is c·a + c·b, so `u − (u + v)` can cancel to `−v`.
        if let c, factors.count == 2, case .sum(let inner) = graph[factors[1]] {
          distributed = true
          for part in inner { addTerm(part, scale: scale * Coefficient(c)) }
          return
        }
        var own = Coefficient(c ?? 1)
        var others = c == nil ? factors : Operands(factors.dropFirst())
        // Whole reciprocals join the coefficient when it is an exact fraction too.
        if let exact = own.exact, others.contains(where: { wholeReciprocal($0) != nil }) {
          own = others.reduce(exact) { $0 * (wholeReciprocal($1) ?? .one) }
          others = Operands(others.filter { wholeReciprocal($0) == nil })
        }
        guard c != nil || others.count < factors.count else { break }
        coefficient = scale * own
        guard let first = others.first else {
          constant.add(coefficient)
          numberCount += 1
          return
        }
        rest = others.count == 1 ? first : graph.intern(.product(others))
      default: break
      }
      if let position = rests.position(of: rest) {
        rests[position].add(coefficient)
        note(.likeTerms)
      } else {
        var sum = CoefficientSum()
        sum.add(coefficient)
        rests.append(rest, sum)
      }
    }
    for term in terms {
      if case .sum(let inner) = graph[term] {
        note(.flattening)
        for part in inner { addTerm(part) }
      } else {
        addTerm(term)
      }
    }
    // Coefficients that overflow (1e200·(1e200·x + y)) cannot be written as numbers: keep the
    // terms as they came rather than print infinity.
    let finite = { (sum: CoefficientSum) in sum.parts.allSatisfy { $0.p.isFinite && $0.q.isFinite } }
    guard finite(constant) && rests.entries.allSatisfy({ finite($0.value) }) else {
      return terms.count == 1 ? terms[0] : graph.intern(.sum(Operands(terms)))
    }
    if distributed { note(.distribution) }
    if numberCount > 1 { note(.constantFolding) }
    if numberCount > 0 && constant.isZero { note(.additiveIdentity) }
    var result: [NodeID] = []
    result.reserveCapacity(rests.count + 2)
    for (rest, coefficients) in rests.entries {
      for coefficient in coefficients.parts {
        result.append(scaled(rest, by: coefficient))
      }
    }
    let order = self.order
    result.sort { order.compareTerms($0, $1) < 0 }
    // A positive constant leads (`1 − σ(u)`), a negative one trails (`y − 1`).
    var leading = 0
    for part in constant.parts {
      let node = part.q == 1 ? graph.number(part.p) : fraction(part)
      if part.p > 0 {
        result.insert(node, at: leading)
        leading += 1
      } else {
        result.append(node)
      }
    }
    switch result.count {
    case 0: return graph.number(0)
    case 1: return result[0]
    default: return graph.intern(.sum(Operands(result)))
    }
  }

  /// 1/nᵏ for a power `n^−k` of a whole number n > 0 and whole k > 0, else nil.
  private func wholeReciprocal(_ id: NodeID) -> Coefficient? {
    guard case .power(let base, let exponent) = graph[id], let n = graph.numberValue(base),
      let e = graph.numberValue(exponent), e < 0, Coefficient.isWhole(n), n > 0, Coefficient.isWhole(e)
    else { return nil }
    return Coefficient.fraction(1, Foundation.pow(n, -e))
  }

  /// The canonical node of a fraction: a number when it is exact in decimal (`3/4` → 0.75),
  /// else `p · q⁻¹`.
  private mutating func fraction(_ coefficient: Coefficient) -> NodeID {
    canonicalProduct([graph.number(coefficient.p), graph.intern(.power(graph.number(coefficient.q), graph.number(-1)))])
  }

  /// `coefficient · rest` as a canonical product (rest has no numeric factor).
  private mutating func scaled(_ rest: NodeID, by coefficient: Coefficient) -> NodeID {
    if coefficient == .one { return rest }
    let factors: [NodeID]
    if case .product(let inner) = graph[rest] { factors = inner.array } else { factors = [rest] }
    guard coefficient.q != 1 else { return graph.intern(.product(Operands([graph.number(coefficient.p)] + factors))) }
    // A fraction: the product's own rules put the denominator under the bar (`5·x/6`).
    return canonicalProduct(
      [graph.number(coefficient.p)] + factors + [graph.intern(.power(graph.number(coefficient.q), graph.number(-1)))])
  }

  // MARK: Products

  /// Π of canonical factors: flatten, fold the coefficient, add exponents of equal bases, sort.
  mutating func canonicalProduct(_ factors: [NodeID]) -> NodeID {
    var coefficient = 1.0
    // Each base with its first exponent, and any further ones as (base position, exponent).
    var bases = OrderedIndex<NodeID>(capacity: factors.count + 4)
    var moreExponents: [(Int, NodeID)] = []
    var numberCount = 0
    let one = graph.number(1)
    func addFactor(_ factor: NodeID) {
      if let value = graph.numberValue(factor) {
        coefficient *= value
        numberCount += 1
        return
      }
      var base = factor
      var exponent = one
      if case .power(let b, let e) = graph[factor] {
        base = b
        exponent = e
      }
      if let position = bases.position(of: base) {
        moreExponents.append((position, exponent))
        note(.likeFactors)
      } else {
        bases.append(base, exponent)
      }
    }
    for factor in factors {
      if case .product(let inner) = graph[factor] {
        note(.flattening)
        inner.forEach(addFactor)
      } else {
        addFactor(factor)
      }
    }
    if numberCount > 1 { note(.constantFolding) }
    if !coefficient.isFinite {
      // Folding overflowed: keep the constants apart rather than print infinity.
      return graph.intern(.product(Operands(factors)))
    }
    if coefficient == 0 {
      note(.zeroProduct)
      return graph.number(0)
    }
    if numberCount > 0 && coefficient == 1 { note(.multiplicativeIdentity) }
    var result: [NodeID] = []
    result.reserveCapacity(bases.count + 4)
    for (position, (base, first)) in bases.entries.enumerated() {
      var exponent = first
      if !moreExponents.isEmpty {
        let list = [exponent] + moreExponents.lazy.filter { $0.0 == position }.map(\.1)
        if list.count > 1 { exponent = canonicalSum(list) }
      }
      let factor = canonicalPower(base, exponent)
      if let value = graph.numberValue(factor) {
        coefficient *= value
      } else if case .product(let inner) = graph[factor] {
        // A product can come back from (u·v)^n; merge its parts.
        for part in inner {
          if let value = graph.numberValue(part) { coefficient *= value } else { result.append(part) }
        }
      } else {
        result.append(factor)
      }
    }
    if coefficient == 0 { return graph.number(0) }
    (coefficient, result) = foldIntegerReciprocals(coefficient, result)
    if coefficient == 1 && result.isEmpty { return graph.number(1) }
    result = mergeRepeatedBases(result)
    let order = self.order
    result.sort { order.compareFactors($0, $1) < 0 }
    if coefficient != 1 { result.insert(graph.number(coefficient), at: 0) }
    switch result.count {
    case 0: return graph.number(coefficient)
    case 1: return result[0]
    default: return graph.intern(.product(Operands(result)))
    }
  }

  /// Folds `c · n⁻ᵏ` for whole numbers into one reduced fraction: `x/8/65` → `x/520`,
  /// `10/10` → `1`, `6/4` → `3/2` (as `3·2⁻¹`, printed `3/2`).
  private mutating func foldIntegerReciprocals(_ coefficient: Double, _ factors: [NodeID]) -> (Double, [NodeID]) {
    let isWhole = Coefficient.isWhole
    var numerator = coefficient
    var denominator = 1.0
    if !isWhole(numerator) {
      let reciprocal = 1 / numerator
      guard isWhole(reciprocal) else { return (coefficient, factors) }
      numerator = reciprocal < 0 ? -1 : 1
      denominator = Swift.abs(reciprocal)
    }
    // Usually there is nothing to fold: no whole reciprocal, no fractional coefficient.
    if denominator == 1 && !factors.contains(where: { wholeReciprocal($0) != nil }) {
      return (coefficient, factors)
    }
    var rest: [NodeID] = []
    rest.reserveCapacity(factors.count + 1)
    var folded = 0
    for factor in factors {
      if let reciprocal = wholeReciprocal(factor), isWhole(denominator * reciprocal.q) {
        denominator *= reciprocal.q
        folded += 1
        continue
      }
      rest.append(factor)
    }
    guard folded > 0 || denominator != 1 else { return (coefficient, factors) }
    // Reduce the fraction.
    let a = Coefficient.gcd(Swift.abs(numerator), denominator)
    if a > 1 {
      numerator /= a
      denominator /= a
    }
    if folded > 0 { note(.constantFolding) }
    let value = numerator / denominator
    if ExpressionGraph.isExactlyPrintable(value) { return (value, rest) }
    // 1/3 has no exact decimal: keep the denominator as a reciprocal factor.
    return (numerator, rest + [graph.intern(.power(graph.number(denominator), graph.number(-1)))])
  }

  /// After distributing powers, two factors may share a base again: multiply them once more.
  private mutating func mergeRepeatedBases(_ factors: [NodeID]) -> [NodeID] {
    func base(_ factor: NodeID) -> NodeID {
      if case .power(let b, _) = graph[factor] { return b }
      return factor
    }
    // Few factors: compare each pair rather than build an index.
    var repeated = false
    if factors.count <= 16 {
      var i = 1
      while i < factors.count && !repeated {
        let b = base(factors[i])
        for j in 0..<i where base(factors[j]) == b { repeated = true }
        i += 1
      }
    } else {
      var seen = Set<NodeID>()
      for factor in factors where !seen.insert(base(factor)).inserted { repeated = true }
    }
    guard repeated else { return factors }
    let merged = canonicalProduct(factors)
    if case .product(let inner) = graph[merged] { return inner.array }
    return [merged]
  }

  // MARK: Powers

  /// `base ^ exponent` for canonical operands.
  mutating func canonicalPower(_ base: NodeID, _ exponent: NodeID) -> NodeID {
    let e = graph.numberValue(exponent)
    if e == 1 {
      return base
    }
    if e == 0 {
      note(.zeroExponent)
      return graph.number(1)
    }
    if graph.numberValue(base) == 1 { return base }
    if let b = graph.numberValue(base), let e, let folded = ExpressionGraph.foldPower(b, e) {
      note(.constantFolding)
      return graph.number(folded)
    }
    if let e, e == e.rounded() {
      switch graph[base] {
      case .power(let innerBase, let innerExponent):
        note(.powerOfPower)
        let product = canonicalProduct([innerExponent, exponent])
        return canonicalPower(innerBase, product)
      case .product(let factors):
        note(.powerOfProduct)
        var powered: [NodeID] = []
        for factor in factors { powered.append(canonicalPower(factor, exponent)) }
        return canonicalProduct(powered)
      default: break
      }
    }
    return graph.intern(.power(base, exponent))
  }
}
