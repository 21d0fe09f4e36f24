import ChainRuleSyntax

extension CanonicalForm {
  /// Sums and products this small (in tree operations) are tried in other arrangements.
  static let tidyLimit = 40
  /// Products this small have a minus taken into a sum, −(t − o)·o → (o − t)·o: the size of a
  /// step's local derivative (∂E/∂o = o − t), small enough that the many intermediate products
  /// of a large derivative are left alone (flipping them costs more than it saves).
  static let signFlipLimit = 12
  /// The most terms an expansion may have before it is given up.
  static let expansionLimit = 24

  /// The shortest of a few arrangements of a small canonical sum or product, the one kept when
  /// it has fewer operations: multiplied out where factors then cancel, and with a common
  /// factor taken out.
  ///
  /// The chain rule leaves products of sums whose parts cancel once multiplied out: for a
  /// sigmoid with binary cross-entropy, p·(1 − p)·x·((1 − y)/(1 − p) − y/p) is x·(p − y), and
  /// softmax's (1/s − 1/e^z)·e^z is e^z/s − 1. Multiplying out one sum, each term's factors
  /// cancel as like factors; multiplying out a sum's terms, like terms cancel; taking out a
  /// factor every term has (`x·p − x·y` → `x·(p − y)`) shortens the rest. Only expressions of at
  /// most ``tidyLimit`` operations are tried, so deep formulas stay linear.
  mutating func tidy(_ id: NodeID) -> NodeID {
    // Cheap looks first: most sums and products have nothing to rearrange.
    let kind = graph.kind(id)
    let expandable: Bool
    switch kind {
    case .product:
      let negative = (graph.numberValue(graph.operand(of: id, at: 0)) ?? 1) < 0
      expandable = graph.operandSlots(id).contains {
        let factor = graph.operand(atSlot: $0)
        return graph.kind(factor) == .sum && ((negative && hasNegativeTerm(factor)) || mayCancel(id, factor))
      }
    case .sum: expandable = graph.operandSlots(id).contains { productHoldsSum(graph.operand(atSlot: $0)) }
    default: return id
    }
    let sharing = kind == .sum && termsShareAFactor(id)
    guard expandable || sharing, let size = treeOperations(id, cap: Self.tidyLimit) else { return id }
    var best = id
    var bestSize = size
    func consider(_ candidate: NodeID?) {
      guard let candidate, candidate != best, let candidateSize = treeOperations(candidate, cap: bestSize - 1) else {
        return
      }
      best = candidate
      bestSize = candidateSize
    }
    if kind == .product {
      for slot in graph.operandSlots(id) where graph.kind(graph.operand(atSlot: slot)) == .sum {
        consider(distribute(id, over: graph.operand(atSlot: slot)))
        if size <= Self.signFlipLimit { consider(signTakenIntoSum(id, graph.operand(atSlot: slot))) }
      }
    } else if expandable {
      consider(multipliedOut(id))
    }
    if graph.kind(best) == .sum && (best != id || sharing) { consider(commonFactorTakenOut(best)) }
    return best
  }

  /// Whether a term of `sum` has a factor that may cancel with another factor of `product`: the
  /// same base, or both exponentials. A cheap look before multiplying out.
  private func mayCancel(_ product: NodeID, _ sum: NodeID) -> Bool {
    func base(_ factor: NodeID) -> NodeID { graph.powerParts(factor)?.base ?? factor }
    func isReciprocal(_ factor: NodeID) -> Bool { graph.reciprocalExponent(factor) != nil }
    // Like factors cancel when one is under the bar and the other is not; exponentials may
    // cancel whatever their signs (exp(−u) is 1/exp(u)).
    func matches(_ a: NodeID, _ b: NodeID) -> Bool {
      (base(a) == base(b) && isReciprocal(a) != isReciprocal(b))
        || (graph.function(of: a) == .exp && graph.function(of: b) == .exp)
    }
    for slot in graph.operandSlots(product) {
      let other = graph.operand(atSlot: slot)
      guard other != sum, graph.numberValue(other) == nil else { continue }
      for termSlot in graph.operandSlots(sum) {
        let term = graph.operand(atSlot: termSlot)
        if graph.kind(term) == .product {
          for factorSlot in graph.operandSlots(term) where matches(graph.operand(atSlot: factorSlot), other) {
            return true
          }
        } else if matches(term, other) {
          return true
        }
      }
    }
    return false
  }

  /// A product with a negative coefficient written with the sign taken into one of its sums:
  /// −(t − o)·o is (o − t)·o. Nil when the coefficient is not negative.
  ///
  /// Only a sum with a negative term is tried: flipping an all-positive sum only moves the minus.
  private mutating func signTakenIntoSum(_ product: NodeID, _ sum: NodeID) -> NodeID? {
    guard let c = graph.numberValue(graph.operand(of: product, at: 0)), c < 0, hasNegativeTerm(sum) else {
      return nil
    }
    var factors = graph.operandSlots(product).map { graph.operand(atSlot: $0) }
    factors[0] = graph.number(-c)
    guard let position = factors.firstIndex(of: sum) else { return nil }
    factors[position] = canonicalSum(
      graph.operandSlots(sum).map { canonicalProduct([graph.number(-1), graph.operand(atSlot: $0)]) })
    return canonicalProduct(factors)
  }

  /// `sum` with each term that has a negative coefficient and a sum among its factors tidied:
  /// such terms appear when a negated sum, −(a + (t − o)·q), is taken apart into its parent, and
  /// they read as the same terms written alone (so canonical text is a fixed point).
  mutating func negatedTermsTidied(_ sum: NodeID) -> NodeID {
    guard graph.kind(sum) == .sum else { return sum }
    var terms = graph.operandSlots(sum).map { graph.operand(atSlot: $0) }
    var changed = false
    for i in terms.indices where graph.kind(terms[i]) == .product {
      guard (graph.numberValue(graph.operand(of: terms[i], at: 0)) ?? 1) < 0, productHoldsSum(terms[i]) else {
        continue
      }
      let tidied = tidy(terms[i])
      if tidied != terms[i] {
        terms[i] = tidied
        changed = true
      }
    }
    return changed ? canonicalSum(terms) : sum
  }

  /// Whether `term` is a number written as a fraction, `p·q⁻¹`.
  private func wholeReciprocalTerm(_ term: NodeID) -> Bool {
    if graph.reciprocalExponent(term).map({ graph.numberValue($0.base) != nil }) == true { return true }
    guard graph.kind(term) == .product else { return false }
    return graph.operandSlots(term).allSatisfy { slot in
      let factor = graph.operand(atSlot: slot)
      return graph.numberValue(factor) != nil
        || graph.reciprocalExponent(factor).map { graph.numberValue($0.base) != nil } == true
    }
  }

  /// Whether a term of `sum` is written after a minus sign.
  private func hasNegativeTerm(_ sum: NodeID) -> Bool {
    graph.operandSlots(sum).contains { graph.isNegativeTerm(graph.operand(atSlot: $0)) }
  }

  /// Whether `term` is a product with a sum among its factors.
  private func productHoldsSum(_ term: NodeID) -> Bool {
    graph.kind(term) == .product && graph.operandSlots(term).contains { graph.kind(graph.operand(atSlot: $0)) == .sum }
  }

  /// Whether the first two terms of a sum have a non-numeric factor in common (by base).
  private func termsShareAFactor(_ sum: NodeID) -> Bool {
    let slots = graph.operandSlots(sum)
    guard slots.count >= 2 else { return false }
    let (first, second) = (graph.operand(atSlot: slots.lowerBound), graph.operand(atSlot: slots.lowerBound + 1))
    func base(_ factor: NodeID) -> NodeID { graph.powerParts(factor)?.base ?? factor }
    func forEachFactor(_ term: NodeID, _ body: (NodeID) -> Bool) -> Bool {
      if graph.kind(term) == .product {
        for slot in graph.operandSlots(term) where body(graph.operand(atSlot: slot)) { return true }
        return false
      }
      return body(term)
    }
    return forEachFactor(first) { a in
      graph.numberValue(a) == nil && forEachFactor(second) { b in base(b) == base(a) || b == a }
    }
  }

  /// The operations of `id` as a tree, or nil when there are more than `cap` (or `cap` < 0).
  private mutating func treeOperations(_ id: NodeID, cap: Int) -> Int? {
    let size = cappedTreeOperations(id)
    return size <= cap ? size : nil
  }

  /// `id`'s tree operations (a shared subexpression counted at each use), or ``tidyLimit`` + 1
  /// for anything larger; remembered per node, so each node is counted once. The walk stops as
  /// soon as the count passes the limit, and every level adds at least one, so it recurses at
  /// most ``tidyLimit`` + 1 levels whatever the depth of the formula.
  private mutating func cappedTreeOperations(_ id: NodeID) -> Int {
    let limit = Self.tidyLimit + 1
    let index = Int(id.index)
    if index < treeSizes.count, treeSizes[index] > 0 { return Int(treeSizes[index]) - 1 }
    let slots = graph.operandSlots(id)
    var total: Int
    switch graph.kind(id) {
    case .number, .symbol: return 0
    case .sum, .product: total = slots.count - 1
    case .power, .call: total = 1
    }
    for slot in slots where total < limit {
      total = Swift.min(limit, total + cappedTreeOperations(graph.operand(atSlot: slot)))
    }
    total = Swift.min(limit, total)
    if index >= treeSizes.count {
      treeSizes.append(
        contentsOf: repeatElement(0, count: index + 1 - treeSizes.count + Swift.max(64, treeSizes.count / 2)))
    }
    treeSizes[index] = UInt8(total + 1)
    return total
  }

  /// A product multiplied out over one of its sum factors, each term's factors collected (so
  /// they may cancel), the resulting sum then multiplied out itself; nil when no term's factors
  /// cancel with the rest, where multiplying out only lengthens.
  private mutating func distribute(_ product: NodeID, over sum: NodeID) -> NodeID? {
    guard mayCancel(product, sum) else { return nil }
    let others = graph.operandSlots(product).map { graph.operand(atSlot: $0) }.filter { $0 != sum }
    let termSlots = graph.operandSlots(sum)
    guard termSlots.count <= 8 else { return nil }
    var terms: [NodeID] = []
    var cancels = false
    for slot in termSlots {
      let term = graph.operand(atSlot: slot)
      let parts = graph.kind(term) == .product ? graph.operandSlots(term).map { graph.operand(atSlot: $0) } : [term]
      let combined = canonicalProduct(others + parts)
      let combinedCount = graph.kind(combined) == .product ? graph.operandCount(combined) : 1
      if combinedCount < others.count + parts.count { cancels = true }
      terms.append(combined)
    }
    guard cancels else { return nil }
    note(.expansion)
    let sum = canonicalSum(terms)
    return graph.kind(sum) == .sum ? (multipliedOut(sum) ?? sum) : sum
  }

  /// A sum with every term multiplied out, like terms collected; nil when no term is a product
  /// holding a sum, or when it would have more than ``expansionLimit`` terms.
  private mutating func multipliedOut(_ sum: NodeID) -> NodeID? {
    let slots = graph.operandSlots(sum)
    var expandedTerms: [NodeID] = []
    var anyExpanded = false
    for slot in slots {
      let term = graph.operand(atSlot: slot)
      guard graph.kind(term) == .product,
        graph.operandSlots(term).contains(where: { graph.kind(graph.operand(atSlot: $0)) == .sum })
      else {
        expandedTerms.append(term)
        continue
      }
      // The term's factors, each sum as its list of terms.
      var products: [[NodeID]] = [[]]
      for factorSlot in graph.operandSlots(term) {
        let factor = graph.operand(atSlot: factorSlot)
        let alternatives =
          graph.kind(factor) == .sum ? graph.operandSlots(factor).map { graph.operand(atSlot: $0) } : [factor]
        products = products.flatMap { prefix in alternatives.map { prefix + [$0] } }
        if products.count + expandedTerms.count > Self.expansionLimit { return nil }
      }
      anyExpanded = true
      for factors in products { expandedTerms.append(canonicalProduct(factors)) }
    }
    guard anyExpanded else { return nil }
    note(.expansion)
    return canonicalSum(expandedTerms)
  }

  /// `u·(a + b)` for a sum `a·u + b·u` whose terms all have the factor u (powers of it with
  /// whole exponents: the smallest is taken out), or nil when they share none.
  private mutating func commonFactorTakenOut(_ sum: NodeID) -> NodeID? {
    let terms = graph.operandSlots(sum).map { graph.operand(atSlot: $0) }
    func factors(_ term: NodeID) -> [NodeID] {
      graph.kind(term) == .product ? graph.operandSlots(term).map { graph.operand(atSlot: $0) } : [term]
    }
    func split(_ factor: NodeID) -> (base: NodeID, exponent: Double)? {
      if graph.numberValue(factor) != nil { return nil }
      // A whole positive power is its base to that power; any other power is a factor as it is.
      if let (base, exponent) = graph.powerParts(factor), let e = graph.numberValue(exponent) {
        return Coefficient.isWhole(e) && e > 0 ? (base, e) : (e > 0 ? (factor, 1) : nil)
      }
      return (factor, 1)
    }
    // The factors of the first term that every other term has with the same exponent: a factor
    // in common, not a polynomial's powers (x²/2 − x/3 stays, x·p − x·y is x·(p − y)).
    var common: [(base: NodeID, exponent: Double)] = factors(terms[0]).compactMap(split)
    for term in terms.dropFirst() {
      let parts = factors(term).compactMap(split)
      common = common.filter { candidate in
        parts.contains { $0.base == candidate.base && $0.exponent == candidate.exponent }
      }
      if common.isEmpty { return nil }
    }
    guard !common.isEmpty else { return nil }
    let taken = common.map { $0.exponent == 1 ? $0.base : canonicalPower($0.base, graph.number($0.exponent)) }
    // Each term without the common factors: their exponents lowered, or the factor removed.
    let rest = terms.map { term -> NodeID in
      var remaining = factors(term)
      for (base, exponent) in common {
        guard let position = remaining.firstIndex(where: { split($0)?.base == base }),
          let (_, own) = split(remaining[position])
        else { continue }
        if own == exponent {
          remaining.remove(at: position)
        } else {
          remaining[position] = canonicalPower(base, graph.number(own - exponent))
        }
      }
      return remaining.isEmpty ? graph.number(1) : canonicalProduct(remaining)
    }
    // Coefficients kept apart on purpose (they overflow, or mix a decimal with a fraction) stay so.
    if rest.allSatisfy({ graph.numberValue($0) != nil || wholeReciprocalTerm($0) }) { return nil }
    note(.commonFactor)
    return canonicalProduct(taken + [canonicalSum(rest)])
  }
}
