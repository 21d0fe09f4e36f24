import ChainRuleSupport
import ChainRuleSyntax

/// The deterministic order of factors in a product and terms in a sum.
///
/// Factors: the constant first, then sums, then symbols in natural order (`w2` before `w10`),
/// then function calls by name; a power sorts with its base. Terms compare by their factors
/// without the numeric coefficient, constant term first. For the toy model this gives the
/// textbook's `−2·(β₃ + ω₃·cos(…) − y)·ω₁·ω₂·ω₃·x·cos(…)·exp(…)·sin(…)`.
struct CanonicalOrder {
  let graph: ExpressionGraph

  /// Negative, zero or positive as `a` sorts before, with or after `b` among factors.
  func compareFactors(_ a: NodeID, _ b: NodeID) -> Int {
    if a == b { return 0 }
    let (baseA, exponentA) = splitPower(a)
    let (baseB, exponentB) = splitPower(b)
    if baseA != baseB { return compareBases(baseA, baseB) }
    switch (exponentA, exponentB) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case (let x?, let y?): return compareFactors(x, y)
    }
  }

  /// Negative, zero or positive as term `a` sorts before, with or after term `b` in a sum.
  func compareTerms(_ a: NodeID, _ b: NodeID) -> Int {
    if a == b { return 0 }
    let termA = Term(a, graph)
    let termB = Term(b, graph)
    let count = Swift.min(termA.count, termB.count)
    for i in 0..<count {
      let c = compareFactors(termA.factor(i, graph), termB.factor(i, graph))
      if c != 0 { return c }
    }
    if termA.count != termB.count { return termA.count < termB.count ? -1 : 1 }
    return termA.coefficient < termB.coefficient ? -1 : (termA.coefficient > termB.coefficient ? 1 : 0)
  }

  /// A term seen as its numeric coefficient and its other factors, without copying them.
  private struct Term {
    var coefficient = 1.0
    /// The factors after the coefficient are the graph's operand slots from `start`, or the
    /// term itself when it is a single factor.
    var start = -1
    var count = 1
    var single: NodeID

    init(_ id: NodeID, _ graph: ExpressionGraph) {
      single = id
      switch graph.kind(id) {
      case .number:
        coefficient = graph.constant(of: id)
        count = 0
      case .product:
        let slots = graph.operandSlots(id)
        start = slots.lowerBound
        if let c = graph.numberValue(graph.operand(atSlot: start)) {
          coefficient = c
          start += 1
        }
        count = slots.upperBound - start
      default: break
      }
    }

    /// The `i`th factor after the coefficient.
    func factor(_ i: Int, _ graph: ExpressionGraph) -> NodeID {
      start < 0 ? single : graph.operand(atSlot: start + i)
    }
  }

  /// A term split into its numeric coefficient and its other factors.
  func monomial(_ id: NodeID) -> (Double, [NodeID]) {
    switch graph[id] {
    case .number(let value): return (value, [])
    case .product(let factors):
      if let c = graph.numberValue(factors[0]) { return (c, Array(factors.dropFirst())) }
      return (1, factors.array)
    default: return (1, [id])
    }
  }

  private func splitPower(_ id: NodeID) -> (NodeID, NodeID?) {
    if let (base, exponent) = graph.powerParts(id) { return (base, exponent) }
    return (id, nil)
  }

  private func rank(_ kind: NodeKind) -> Int {
    switch kind {
    case .number: 0
    case .sum: 1
    case .symbol: 2
    case .power: 3
    case .product: 4
    case .call: 5
    }
  }

  private func compareBases(_ a: NodeID, _ b: NodeID) -> Int {
    let kindA = graph.kind(a)
    let kindB = graph.kind(b)
    if kindA != kindB { return rank(kindA) < rank(kindB) ? -1 : 1 }
    switch kindA {
    case .number:
      let x = graph.numberValue(a) ?? 0
      let y = graph.numberValue(b) ?? 0
      return x < y ? -1 : (x > y ? 1 : 0)
    case .symbol:
      if let keyA = graph.orderKey(of: a), let keyB = graph.orderKey(of: b),
        let order = SymbolOrderKey.compare(keyA, keyB)
      {
        return order
      }
      guard let spellingA = graph.spelling(of: a), let spellingB = graph.spelling(of: b) else { return 0 }
      return Self.compareSpellings(spellingA, spellingB)
    case .sum: return compareOperands(a, b, compareTerms)
    case .product: return compareOperands(a, b, compareFactors)
    case .power: return compareFactors(a, b)
    case .call:
      guard let f = graph.function(of: a), let g = graph.function(of: b) else { return 0 }
      if f != g { return f.sortsBefore(g) ? -1 : 1 }
      // The shallower call first: decides at once between cos(u₁) and cos(u₂) of a deep chain,
      // where comparing the arguments would walk the whole chain.
      let depthA = graph.treeDepth(a)
      let depthB = graph.treeDepth(b)
      if depthA != depthB { return depthA < depthB ? -1 : 1 }
      return compareOperands(a, b, compareFactors)
    }
  }

  /// Compares the operand lists of `a` and `b` element by element, then by length.
  private func compareOperands(_ a: NodeID, _ b: NodeID, _ compare: (NodeID, NodeID) -> Int) -> Int {
    let x = graph.operandSlots(a)
    let y = graph.operandSlots(b)
    for (i, j) in zip(x, y) {
      let c = compare(graph.operand(atSlot: i), graph.operand(atSlot: j))
      if c != 0 { return c }
    }
    return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
  }

  /// Natural order of canonical names, split into base and subscript: base alphabetically, then
  /// the subscript as a number.
  static func compareSpellings(_ x: SymbolSpelling, _ y: SymbolSpelling) -> Int {
    if x.base != y.base { return x.base < y.base ? -1 : 1 }
    let dx = x.subscriptDigits ?? ""
    let dy = y.subscriptDigits ?? ""
    if dx.count != dy.count { return dx.count < dy.count ? -1 : 1 }
    return dx == dy ? 0 : (dx < dy ? -1 : 1)
  }
}

extension Function {
  /// Whether this function sorts before `other` by name: `cos` before `exp` before `sin`.
  func sortsBefore(_ other: Function) -> Bool {
    let ranks = Self.standardNameRanks
    let (a, b) = (Int(id), Int(other.id))
    if a < ranks.count && b < ranks.count { return ranks[a] < ranks[b] }
    return name < other.name
  }

  /// The standard functions' positions when sorted by name, by id.
  private static let standardNameRanks: [Int] = {
    let standard = FunctionRegistry.standard.indices.map { Function(id: UInt16($0)) }
    var ranks = [Int](repeating: 0, count: standard.count)
    for (rank, function) in standard.sorted(by: { $0.name < $1.name }).enumerated() { ranks[Int(function.id)] = rank }
    return ranks
  }()
}
