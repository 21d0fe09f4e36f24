import ChainRuleSupport
import ChainRuleSyntax
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
  /// Each node's tree operations, capped at ``tidyLimit`` + 1, plus one (0: not yet counted);
  /// see ``treeOperations(_:cap:)``.
  var treeSizes: [UInt8] = []
  /// The stack that flattens nested sums and products, kept to reuse its storage.
  private var flattening: [NodeID] = []
  private var order: CanonicalOrder { CanonicalOrder(graph: graph) }

  /// Creates a rewriter over `graph`.
  public init(graph: ExpressionGraph) { self.graph = graph }

  /// The operands of a sum (or product) in canonical form, looking through nested sums
  /// (products) first: a chain `((a + b) + c) + …` built one `+` at a time is flattened once, not
  /// once per level, which would be quadratic in its length.
  private mutating func simplifiedOperands(of id: NodeID, isSum: Bool) -> [NodeID] {
    var result: [NodeID] = []
    let nested: NodeKind = isSum ? .sum : .product
    let slots = graph.operandSlots(id)
    if !slots.contains(where: { graph.kind(graph.operand(atSlot: $0)) == nested }) {
      // Usually nothing is nested: the operands as stored.
      result.reserveCapacity(slots.count)
      for slot in slots { result.append(graph.operand(atSlot: slot)) }
    } else {
      note(.flattening)
      result.reserveCapacity(16)
      // Operands still to visit, the next one on top: `flattening[..<top]` (the array keeps
      // its storage and only grows).
      var top = 0
      func push(_ slots: Range<Int>) {
        for slot in slots.reversed() {
          let operand = graph.operand(atSlot: slot)
          if top < flattening.count { flattening[top] = operand } else { flattening.append(operand) }
          top += 1
        }
      }
      push(slots)
      while top > 0 {
        top -= 1
        let next = flattening[top]
        if graph.kind(next) == nested { push(graph.operandSlots(next)) } else { result.append(next) }
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
    switch graph.kind(id) {
    case .number, .symbol: result = id
    case .sum: result = tidy(negatedTermsTidied(canonicalSum(simplifiedOperands(of: id, isSum: true))))
    case .product: result = tidy(canonicalProduct(simplifiedOperands(of: id, isSum: false)))
    case .power:
      let slots = graph.operandSlots(id)
      let base = simplify(graph.operand(atSlot: slots.lowerBound))
      result = canonicalPower(base, simplify(graph.operand(atSlot: slots.lowerBound + 1)))
    case .call:
      guard let function = graph.function(of: id) else { return id }
      let arguments = graph.operands(id)
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
      } else if function == .log, canonicalArguments.count == 1, graph.function(of: canonicalArguments[0]) == .exp {
        // log(exp(u)) = u for every u (exp(log(u)) = u only for u > 0, so it stays).
        note(.logarithmOfExponential)
        result = graph.operand(of: canonicalArguments[0], at: 0)
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

  mutating func note(_ rule: SimplificationRule) {
    if !rulesApplied.contains(rule) { rulesApplied.append(rule) }
  }

  // MARK: Sums

  /// Σ of canonical terms: flatten, collect like terms, fold constants, sort.
  ///
  /// Each term is coefficient · rest (``splitCoefficient(_:)``); terms with the same rest add
  /// their coefficients (`2x + 3x = 5x`), and numbers add into one constant. The coefficient
  /// gathers the numeric factor and any reciprocals of whole numbers (`x/3` is (1/3)·x), so
  /// fractions add exactly: `x/3 + x/2 = 5x/6`, `1/2 + 1/3 = 5/6` (see ``Coefficient``). A
  /// constant times a sum is distributed (`u − (u + v) = −v` can then cancel).
  mutating func canonicalSum(_ terms: [NodeID]) -> NodeID {
    var collected = TermCollection(capacity: terms.count * 2)
    for term in terms {
      if graph.kind(term) == .sum {
        note(.flattening)
        for slot in graph.operandSlots(term) { collect(graph.operand(atSlot: slot), scale: .one, into: &collected) }
      } else {
        collect(term, scale: .one, into: &collected)
      }
    }
    // Coefficients that overflow (1e200·(1e200·x + y)) cannot be written as numbers, nor a sum
    // in which a number is lost in a much larger one (2⁶³ − 1): keep the terms as they came
    // rather than print infinity or the wrong number.
    guard collected.isFinite, !collected.absorbed else {
      return terms.count == 1 ? terms[0] : graph.intern(.sum(Operands(terms)))
    }
    if collected.distributed { note(.distribution) }
    if collected.numberCount > 1 { note(.constantFolding) }
    if collected.numberCount > 0 && collected.constant.isZero { note(.additiveIdentity) }
    return assemble(collected)
  }

  /// Adds `scale · term` to `collected`: to the constant, to the like terms of its rest, or,
  /// for a constant times a sum, term by term.
  private mutating func collect(_ term: NodeID, scale: Coefficient, into collected: inout TermCollection) {
    if let (c, inner) = constantTimesSum(term) {
      collected.distributed = true
      for slot in graph.operandSlots(inner) { collect(graph.operand(atSlot: slot), scale: scale * c, into: &collected) }
      return
    }
    let (coefficient, rest) = splitCoefficient(term)
    guard let rest else {
      collected.addConstant(scale * coefficient)
      return
    }
    if collected.add(scale * coefficient, toTermsOf: rest) { note(.likeTerms) }
  }

  /// `c·(a + b)` as (c, the sum), for a product of a number and a sum; nil for any other term.
  private func constantTimesSum(_ term: NodeID) -> (Coefficient, NodeID)? {
    guard graph.kind(term) == .product, graph.operandCount(term) == 2,
      let c = graph.numberValue(graph.operand(of: term, at: 0))
    else { return nil }
    let inner = graph.operand(of: term, at: 1)
    return graph.kind(inner) == .sum ? (Coefficient(c), inner) : nil
  }

  /// A term as coefficient · rest; the rest is nil for a number (or a whole reciprocal).
  ///
  /// A product's numeric factor is its coefficient, and its whole reciprocals join it when the
  /// coefficient is an exact fraction (`3·x/4` is (3/4)·x); the other factors are the rest.
  private func splitCoefficient(_ term: NodeID) -> (Coefficient, rest: NodeID?) {
    let g = graph
    switch g.kind(term) {
    case .number: return (Coefficient(g.constant(of: term)), nil)
    case .power: return wholeReciprocal(term).map { ($0, nil) } ?? (.one, term)
    case .product:
      let slots = g.operandSlots(term)
      let c = g.numberValue(g.operand(atSlot: slots.lowerBound))
      var coefficient = Coefficient(c ?? 1)
      let otherSlots = c == nil ? slots : slots.dropFirst()
      let others = otherSlots.lazy.map { g.operand(atSlot: $0) }
      // Whole reciprocals join the coefficient when it is an exact fraction too.
      var kept: [NodeID]? = nil
      if let exact = coefficient.exact, others.contains(where: { wholeReciprocal($0) != nil }) {
        coefficient = others.reduce(exact) { $0 * (wholeReciprocal($1) ?? .one) }
        kept = others.filter { wholeReciprocal($0) == nil }
      }
      let keptCount = kept?.count ?? otherSlots.count
      if c == nil && keptCount == slots.count { return (.one, term) }
      if keptCount == 0 { return (coefficient, nil) }
      func product<Factors: Collection<NodeID>>(_ factors: Factors) -> NodeID {
        factors.count == 1 ? factors[factors.startIndex] : g.intern(.product, factors)
      }
      // An array, not the lazy view: interning appends to the operand pool the view reads from.
      return (coefficient, kept.map(product) ?? product(Array(others)))
    default: return (.one, term)
    }
  }

  /// The sum of what was collected, ordered: like terms by ``CanonicalOrder``, a positive
  /// constant first (`1 − σ(u)`) and a negative one last (`y − 1`).
  private mutating func assemble(_ collected: TermCollection) -> NodeID {
    var result: [NodeID] = []
    result.reserveCapacity(collected.rests.count + 2)
    for (rest, coefficients) in collected.rests.entries {
      for coefficient in coefficients.parts { result.append(scaled(rest, by: coefficient)) }
    }
    let order = self.order
    sortStably(&result) { order.compareTerms($0, $1) < 0 }
    var leading = 0
    for part in collected.constant.parts {
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
    default: return graph.intern(.sum, result)
    }
  }

  /// 1/nᵏ for a power `n^−k` of a whole number n > 0 and whole k > 0, else nil.
  private func wholeReciprocal(_ id: NodeID) -> Coefficient? {
    guard let (base, exponent) = graph.powerParts(id), let n = graph.numberValue(base),
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
    let isProduct = graph.kind(rest) == .product
    if coefficient.q == 1 && !isProduct { return graph.intern(.product(Operands(graph.number(coefficient.p), rest))) }
    let factors = isProduct ? graph.operands(rest).array : [rest]
    guard coefficient.q != 1 else { return graph.intern(.product, [graph.number(coefficient.p)] + factors) }
    // A fraction: the product's own rules put the denominator under the bar (`5·x/6`).
    return canonicalProduct(
      [graph.number(coefficient.p)] + factors + [graph.intern(.power(graph.number(coefficient.q), graph.number(-1)))])
  }

  // MARK: Products

  /// Π of canonical factors: flatten, fold the coefficient, add exponents of equal bases, sort.
  mutating func canonicalProduct(_ factors: [NodeID]) -> NodeID {
    let factors = mergingExponentials(factors)
    var collected = FactorCollection(capacity: factors.count + 4)
    for factor in factors {
      if graph.kind(factor) == .product {
        note(.flattening)
        for slot in graph.operandSlots(factor) { collected.add(graph.operand(atSlot: slot), in: graph) }
      } else {
        collected.add(factor, in: graph)
      }
      // Rules are noted in the order they first apply.
      if !collected.moreExponents.isEmpty { note(.likeFactors) }
    }
    var coefficient = collected.coefficient
    let numberCount = collected.numberCount
    let bases = collected.bases
    let moreExponents = collected.moreExponents
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
    var basesChanged = false
    for (position, (base, first)) in bases.entries.enumerated() {
      var exponent = first
      if !moreExponents.isEmpty {
        let one = graph.number(1)
        let list = [first ?? one] + moreExponents.lazy.filter { $0.0 == position }.map { $0.1 ?? one }
        if list.count > 1 {
          let combined = canonicalSum(list)
          if addingExponentsWidensDomain(of: base, list, to: combined) {
            // x^½·x^½ is undefined for x < 0, x is not: the powers stay apart.
            for part in list { result.append(canonicalPower(base, part)) }
            continue
          }
          exponent = combined
        }
      }
      let factor = exponent.map { canonicalPower(base, $0) } ?? base
      if let value = graph.numberValue(factor) {
        coefficient *= value
      } else if graph.kind(factor) == .product {
        // A product can come back from (u·v)^n; merge its parts.
        basesChanged = true
        for slot in graph.operandSlots(factor) {
          let part = graph.operand(atSlot: slot)
          if let value = graph.numberValue(part) { coefficient *= value } else { result.append(part) }
        }
      } else {
        // (u²)^½ keeps its base; a power of a power may not.
        if (graph.powerParts(factor)?.base ?? factor) != base { basesChanged = true }
        result.append(factor)
      }
    }
    if coefficient == 0 { return graph.number(0) }
    let addedReciprocal: Bool
    (coefficient, result, addedReciprocal) = foldIntegerReciprocals(coefficient, result)
    if coefficient == 1 && result.isEmpty { return graph.number(1) }
    // The bases collected are distinct; only a changed base or a new factor can repeat one.
    if basesChanged || addedReciprocal { result = mergeRepeatedBases(result) }
    let order = self.order
    sortStably(&result) { order.compareFactors($0, $1) < 0 }
    if coefficient != 1 { result.insert(graph.number(coefficient), at: 0) }
    switch result.count {
    case 0: return graph.number(coefficient)
    case 1: return result[0]
    default: return graph.intern(.product, result)
    }
  }

  /// Factors with every exponential merged into one: exp(a)·exp(b)·u = exp(a + b)·u (looking
  /// into nested products, whose other factors are kept).
  private mutating func mergingExponentials(_ factors: [NodeID]) -> [NodeID] {
    var count = 0
    for factor in factors {
      if graph.function(of: factor) == .exp { count += 1 }
      if graph.kind(factor) == .product {
        for slot in graph.operandSlots(factor) where graph.function(of: graph.operand(atSlot: slot)) == .exp {
          count += 1
        }
      }
    }
    guard count > 1 else { return factors }
    note(.exponentials)
    var kept: [NodeID] = []
    var exponents: [NodeID] = []
    func take(_ factor: NodeID) {
      if graph.function(of: factor) == .exp {
        exponents.append(graph.operand(of: factor, at: 0))
      } else {
        kept.append(factor)
      }
    }
    for factor in factors {
      if graph.kind(factor) == .product {
        for slot in graph.operandSlots(factor) { take(graph.operand(atSlot: slot)) }
      } else {
        take(factor)
      }
    }
    return kept + [exponential(of: canonicalSum(exponents))]
  }

  /// exp(u) for a canonical u, folded when u is a number it folds at (exp(0) = 1).
  private mutating func exponential(of argument: NodeID) -> NodeID {
    let argument = tidy(argument)
    if let value = graph.numberValue(argument), let folded = ExpressionGraph.foldCall(.exp, [value]) {
      return graph.number(folded)
    }
    return graph.intern(.call(.exp, Operands(argument)))
  }

  /// Whether `base^combined` would have a value where the product of `base^eᵢ` has none: a
  /// power of a base that may be negative needs a whole exponent, so combining powers with
  /// fractional or symbolic exponents into a whole one (x^½·x^½ → x, x^1.5/x^0.5 → x) would
  /// give −8 at x = −8 where the formula has no value. Bases that are always positive combine
  /// freely.
  private func addingExponentsWidensDomain(of base: NodeID, _ exponents: [NodeID], to combined: NodeID) -> Bool {
    guard !isPositive(base), let total = graph.numberValue(combined), Coefficient.isWhole(total) else { return false }
    return exponents.contains { graph.numberValue($0).map { !Coefficient.isWhole($0) } ?? true }
  }

  /// Whether `id` is positive wherever it has a value: a positive number or a call of a
  /// function whose values are all positive (exp, cosh, σ, softplus).
  private func isPositive(_ id: NodeID) -> Bool {
    if let value = graph.numberValue(id) { return value > 0 }
    return graph.function(of: id)?.definition.isPositive ?? false
  }

  /// Folds `c · n⁻ᵏ` for whole numbers into one reduced fraction: `x/8/65` → `x/520`,
  /// `10/10` → `1`, `6/4` → `3/2` (as `3·2⁻¹`, printed `3/2`).
  private mutating func foldIntegerReciprocals(
    _ coefficient: Double, _ factors: [NodeID]
  ) -> (Double, [NodeID], addedReciprocal: Bool) {
    let isWhole = Coefficient.isWhole
    var numerator = coefficient
    var denominator = 1.0
    if !isWhole(numerator) {
      let reciprocal = 1 / numerator
      guard isWhole(reciprocal) else { return (coefficient, factors, false) }
      numerator = reciprocal < 0 ? -1 : 1
      denominator = Swift.abs(reciprocal)
    }
    // Usually there is nothing to fold: no whole reciprocal, no fractional coefficient.
    if denominator == 1 && !factors.contains(where: { wholeReciprocal($0) != nil }) {
      return (coefficient, factors, false)
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
    guard folded > 0 || denominator != 1 else { return (coefficient, factors, false) }
    // Reduce the fraction.
    let a = Coefficient.gcd(Swift.abs(numerator), denominator)
    if a > 1 {
      numerator /= a
      denominator /= a
    }
    if folded > 0 { note(.constantFolding) }
    let value = numerator / denominator
    if ExpressionGraph.isExactlyPrintable(value) { return (value, rest, false) }
    // 1/3 has no exact decimal: keep the denominator as a reciprocal factor.
    return (numerator, rest + [graph.intern(.power(graph.number(denominator), graph.number(-1)))], true)
  }

  /// Sorts `list` stably: by insertion while short (a sum or product seldom has more than a
  /// dozen operands), by the standard sort otherwise.
  private func sortStably(_ list: inout [NodeID], by areInIncreasingOrder: (NodeID, NodeID) -> Bool) {
    guard list.count <= 16 else {
      list.sort(by: areInIncreasingOrder)
      return
    }
    for i in list.indices.dropFirst() {
      let item = list[i]
      var j = i
      while j > 0 && areInIncreasingOrder(item, list[j - 1]) {
        list[j] = list[j - 1]
        j -= 1
      }
      list[j] = item
    }
  }

  /// After distributing powers, two factors may share a base again: multiply them once more.
  private mutating func mergeRepeatedBases(_ factors: [NodeID]) -> [NodeID] {
    func base(_ factor: NodeID) -> NodeID { graph.powerParts(factor)?.base ?? factor }
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
    if graph.kind(merged) == .product { return graph.operandSlots(merged).map { graph.operand(atSlot: $0) } }
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
    if graph.function(of: base) == .exp {
      // (eᵘ)ⁿ = e^(n·u) for every u and n: e to any power is positive.
      note(.exponentials)
      return exponential(of: canonicalProduct([exponent, graph.operand(of: base, at: 0)]))
    }
    if let e, e == e.rounded() {
      if let (innerBase, innerExponent) = graph.powerParts(base) {
        let product = canonicalProduct([innerExponent, exponent])
        // (x^½)² is undefined for x < 0 and x is not: such a power of a power stays.
        if !addingExponentsWidensDomain(of: innerBase, [innerExponent], to: product) {
          note(.powerOfPower)
          return canonicalPower(innerBase, product)
        }
        return graph.intern(.power(base, exponent))
      }
      if graph.kind(base) == .product {
        note(.powerOfProduct)
        var powered: [NodeID] = []
        for slot in graph.operandSlots(base) { powered.append(canonicalPower(graph.operand(atSlot: slot), exponent)) }
        return canonicalProduct(powered)
      }
    }
    return graph.intern(.power(base, exponent))
  }
}

/// The factors of a product gathered for ``CanonicalForm/canonicalProduct(_:)``: numbers
/// multiplied into one coefficient, the others by base with their exponents (nil for 1).
private struct FactorCollection {
  var coefficient = 1.0
  var numberCount = 0
  /// Each base with its first exponent.
  var bases: OrderedIndex<NodeID?>
  /// Further exponents of a base already seen, as (its position in `bases`, exponent).
  var moreExponents: [(Int, NodeID?)] = []

  init(capacity: Int) { bases = OrderedIndex(capacity: capacity) }

  mutating func add(_ factor: NodeID, in graph: ExpressionGraph) {
    if let value = graph.numberValue(factor) {
      coefficient *= value
      numberCount += 1
      return
    }
    var base = factor
    var exponent: NodeID? = nil
    if let parts = graph.powerParts(factor) {
      base = parts.base
      exponent = parts.exponent
    }
    if let position = bases.position(of: base) {
      moreExponents.append((position, exponent))
    } else {
      bases.append(base, exponent)
    }
  }
}

/// The terms of a sum gathered for ``CanonicalForm/canonicalSum(_:)``: one constant, and each
/// distinct rest with the sum of its coefficients, in the order first met.
private struct TermCollection {
  var constant = CoefficientSum()
  var rests: OrderedIndex<CoefficientSum>
  /// How many terms were numbers (or whole reciprocals).
  var numberCount = 0
  /// Whether a constant times a sum was distributed.
  var distributed = false

  init(capacity: Int) { rests = OrderedIndex(capacity: capacity) }

  mutating func addConstant(_ c: Coefficient) {
    constant.add(c)
    numberCount += 1
  }

  /// Adds `c·rest`; true when `rest` was met before (like terms collected).
  mutating func add(_ c: Coefficient, toTermsOf rest: NodeID) -> Bool {
    if let position = rests.position(of: rest) {
      rests[position].add(c)
      return true
    }
    var sum = CoefficientSum()
    sum.add(c)
    rests.append(rest, sum)
    return false
  }

  /// Whether a number was lost in a much larger one while adding up a coefficient.
  var absorbed: Bool { constant.absorbed || rests.entries.contains { $0.value.absorbed } }

  /// Whether every coefficient is a finite number.
  var isFinite: Bool {
    let finite = { (sum: CoefficientSum) in sum.parts.allSatisfy { $0.p.isFinite && $0.q.isFinite } }
    return finite(constant) && rests.entries.allSatisfy { finite($0.value) }
  }
}
