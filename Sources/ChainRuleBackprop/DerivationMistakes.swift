import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// The derivative a ``Derivation``'s lines assemble to, with one line changed by a slip: the
/// candidates an answer is compared with to find where it departs.
///
/// Assembly follows the derivation's own: each d(target)/dx is its line's result with every
/// derivative in it worked out by the line for that part, and the inner-function names
/// `u₁, u₂, …` are replaced by what they stand for.
struct DerivationMistakes {
  let derivation: Derivation
  private var graph: ExpressionGraph { derivation.graph }
  private var innerExpression: [String: NodeID] = [:]
  private var lineOf: [NodeID: Int] = [:]

  init(derivation: Derivation) {
    self.derivation = derivation
    for inner in derivation.innerFunctions { innerExpression[inner.name] = inner.expression }
    for (i, line) in derivation.lines.enumerated() where lineOf[line.target] == nil { lineOf[line.target] = i }
  }

  /// Every slip the lines allow, outermost line first, each with the derivative it gives.
  func candidates() -> [Departure] {
    guard let root = derivation.lines.first?.target else { return [] }
    var out: [Departure] = []
    for (index, line) in derivation.lines.enumerated() {
      for (mistake, term) in slips(line) {
        let mutated = assemble(root, replacing: index, with: term)
        out.append(Departure(lineIndex: index, mistake: mistake, mutated: mutated))
      }
    }
    return out
  }

  /// d(id)/dx in the formula's variables, as the lines give it (no slip).
  func derivative(of id: NodeID) -> NodeID {
    var memo: [NodeID: NodeID] = [:]
    return substituteNames(derivativeNode(id, nil, &memo))
  }

  /// The expression an inner-function name stands for, in the formula's variables.
  func expanded(_ id: NodeID) -> NodeID { substituteNames(id) }

  // MARK: Assembly

  private func assemble(_ root: NodeID, replacing index: Int, with term: DerivativeTerm) -> NodeID {
    var memo: [NodeID: NodeID] = [:]
    return substituteNames(derivativeNode(root, (index, term), &memo))
  }

  private func build(
    _ term: DerivativeTerm, _ change: (Int, DerivativeTerm)?, _ memo: inout [NodeID: NodeID]
  ) -> NodeID {
    switch term {
    case .expression(let id): return id
    case .derivative(let id): return derivativeNode(id, change, &memo)
    case .sum(let parts):
      var terms: [NodeID] = []
      for part in parts {
        let built = build(part.term, change, &memo)
        terms.append(part.negative ? graph.negate(built) : built)
      }
      return graph.sum(terms)
    case .product(let parts):
      var factors: [NodeID] = []
      for part in parts { factors.append(build(part, change, &memo)) }
      return graph.product(factors)
    case .quotient(let top, let bottom):
      let t = build(top, change, &memo)
      return graph.divide(t, build(bottom, change, &memo))
    }
  }

  private func derivativeNode(
    _ id: NodeID, _ change: (Int, DerivativeTerm)?, _ memo: inout [NodeID: NodeID]
  ) -> NodeID {
    if let done = memo[id] { return done }
    var result = graph.number(0)
    if case .symbol(let name) = graph[id], let inner = innerExpression[name] {
      result = derivativeNode(inner, change, &memo)
    } else if let index = lineOf[id] {
      let term = change?.0 == index ? change?.1 ?? derivation.lines[index].result : derivation.lines[index].result
      result = build(term, change, &memo)
    }
    memo[id] = result
    return result
  }

  /// `id` with the inner-function names replaced by their expressions, recursively.
  private func substituteNames(_ id: NodeID) -> NodeID {
    var memo: [NodeID: NodeID] = [:]
    func visit(_ id: NodeID) -> NodeID {
      if let done = memo[id] { return done }
      let node = graph[id]
      var result = id
      if case .symbol(let name) = node, let inner = innerExpression[name] {
        result = visit(inner)
      } else {
        let children = node.children
        let replaced = children.map(visit)
        if !replaced.elementsEqual(children) {
          switch node {
          case .sum: result = graph.sum(replaced)
          case .product: result = graph.product(replaced)
          case .power: result = graph.power(replaced[0], replaced[1])
          case .call(let function, _): result = graph.call(function, replaced)
          case .number, .symbol: break
          }
        }
      }
      memo[id] = result
      return result
    }
    return visit(id)
  }

  // MARK: Slips

  /// The slips a line allows, each as the line's result rewritten.
  private func slips(_ line: DerivationLine) -> [(RuleMistake, DerivativeTerm)] {
    switch line.rule {
    case .constant, .variable: return []
    case .chainRule, .functionRule: return functionSlips(line)
    case .sumRule:
      guard case .sum(let parts) = line.result, parts.count > 1 else { return [] }
      var out: [(RuleMistake, DerivativeTerm)] = []
      for i in parts.indices {
        out.append((.droppedTerm(index: i), .sum(parts.enumerated().filter { $0.offset != i }.map(\.element))))
      }
      for (i, part) in parts.enumerated() where part.negative {
        var flipped = parts
        flipped[i].negative = false
        out.append((.flippedTermSign(index: i), .sum(flipped)))
      }
      return out
    case .constantFactor:
      guard case .product(let parts) = line.result, parts.count > 1, let last = parts.last else { return [] }
      let constants = parts.dropLast().compactMap { part -> NodeID? in
        if case .expression(let id) = part { return id }
        return nil
      }
      return [(.droppedConstantFactor(graph.product(constants)), last)]
    case .productRule: return productSlips(line)
    case .quotientRule: return quotientSlips(line)
    case .powerRule: return powerSlips(line)
    case .exponentialRule:
      guard case .product(let outer) = line.result, outer.count == 2, case .sum(let parts) = outer[1] else {
        return []
      }
      return parts.indices.map { i in
        (
          .droppedTerm(index: i),
          .product([outer[0], .sum(parts.enumerated().filter { $0.offset != i }.map(\.element))])
        )
      }
    }
  }

  private func functionSlips(_ line: DerivationLine) -> [(RuleMistake, DerivativeTerm)] {
    guard let rule = line.functionRule else { return [] }
    var out: [(RuleMistake, DerivativeTerm)] = []
    let local = rule.derivative
    switch line.result {
    case .product(let parts) where parts.count == 2:
      guard case .derivative(let inner) = parts[1] else { return [] }
      out.append((.droppedInnerDerivative(inner: inner), parts[0]))
      for deeper in innerNames(directlyIn: inner) {
        out.append((.skippedInnerFunction(inner: inner, deeper: deeper), .product([parts[0], .derivative(deeper)])))
      }
      out.append((.functionForDerivative, .product([.expression(line.target), parts[1]])))
    case .expression:
      out.append((.functionForDerivative, .expression(line.target)))
    default:
      return []
    }
    if hasSign(local) { out.append((.flippedSign, .sum([(true, line.result)]))) }
    return out
  }

  private func productSlips(_ line: DerivationLine) -> [(RuleMistake, DerivativeTerm)] {
    guard case .sum(let parts) = line.result, parts.count > 1 else { return [] }
    var out: [(RuleMistake, DerivativeTerm)] = []
    for i in parts.indices {
      out.append((.droppedTerm(index: i), .sum(parts.enumerated().filter { $0.offset != i }.map(\.element))))
    }
    // u′·v − u·v′, the quotient rule's minus carried over.
    for i in parts.indices.dropFirst() {
      var flipped = parts
      flipped[i].negative.toggle()
      out.append((.flippedTermSign(index: i), .sum(flipped)))
    }
    // u′·v′: the derivatives of the factors, and the constants in front.
    var derivatives: [DerivativeTerm] = []
    var constants: [DerivativeTerm] = []
    if case .product(let first) = parts[0].term {
      for part in first {
        if case .expression(let id) = part, !parts.contains(where: { Self.differentiates($0.term, id) }) {
          constants.append(part)
        }
      }
    }
    for part in parts {
      guard case .product(let factors) = part.term else { continue }
      derivatives += factors.filter {
        if case .derivative = $0 { return true }
        return false
      }
    }
    out.append((.productOfDerivatives, .product(constants + derivatives)))
    return out
  }

  private func quotientSlips(_ line: DerivationLine) -> [(RuleMistake, DerivativeTerm)] {
    var constants: [DerivativeTerm] = []
    var quotient = line.result
    if case .product(let parts) = line.result, let last = parts.last {
      constants = Array(parts.dropLast())
      quotient = last
    }
    guard case .quotient(let top, let bottom) = quotient, case .sum(let parts) = top, parts.count == 2,
      case .expression(let squared) = bottom, case .power(let denominator, _) = graph[squared]
    else { return [] }
    func wrap(_ term: DerivativeTerm) -> DerivativeTerm { constants.isEmpty ? term : .product(constants + [term]) }
    var out: [(RuleMistake, DerivativeTerm)] = []
    var flipped = parts
    flipped[1].negative.toggle()
    out.append((.flippedTermSign(index: 1), wrap(.quotient(.sum(flipped), bottom))))
    out.append((.droppedTerm(index: 0), wrap(.quotient(.sum([parts[1]]), bottom))))
    out.append((.droppedTerm(index: 1), wrap(.quotient(.sum([parts[0]]), bottom))))
    out.append((.denominatorNotSquared, wrap(.quotient(top, .expression(denominator)))))
    // u′/v′: the derivative elements of the numerator's two products.
    let derivatives = parts.compactMap { part -> DerivativeTerm? in
      guard case .product(let factors) = part.term else { return nil }
      return factors.first {
        if case .derivative = $0 { return true }
        return false
      }
    }
    if derivatives.count == 2 {
      out.append((.quotientOfDerivatives, wrap(.quotient(derivatives[0], derivatives[1]))))
    }
    return out
  }

  private func powerSlips(_ line: DerivationLine) -> [(RuleMistake, DerivativeTerm)] {
    guard case .power(let base, let exponent) = graph[line.target], case .product(let parts) = line.result,
      !parts.isEmpty
    else { return [] }
    var out: [(RuleMistake, DerivativeTerm)] = []
    let rest = Array(parts.dropFirst())
    let lowered = graph.power(base, graph.subtract(exponent, graph.number(1)))
    out.append((.droppedExponent(exponent), .product([.expression(lowered)] + rest)))
    out.append((.exponentNotLowered, .product([.expression(graph.multiply(exponent, line.target))] + rest)))
    if case .derivative(let inner) = rest.first {
      out.append((.droppedInnerDerivative(inner: inner), .product([parts[0]])))
      for deeper in innerNames(directlyIn: inner) {
        out.append((.skippedInnerFunction(inner: inner, deeper: deeper), .product([parts[0], .derivative(deeper)])))
      }
    }
    return out
  }

  /// Whether `term` holds d(id)/dx.
  private static func differentiates(_ term: DerivativeTerm, _ id: NodeID) -> Bool {
    switch term {
    case .derivative(let d): d == id
    case .expression: false
    case .sum(let parts): parts.contains { differentiates($0.term, id) }
    case .product(let parts): parts.contains { differentiates($0, id) }
    case .quotient(let a, let b): differentiates(a, id) || differentiates(b, id)
    }
  }

  /// The inner-function names that the expression of name `id` uses directly (`u₃` in
  /// `u₂ = β₂ + ω₂·exp(u₃)`).
  private func innerNames(directlyIn id: NodeID) -> [NodeID] {
    guard case .symbol(let name) = graph[id], let expression = innerExpression[name] else { return [] }
    return graph.symbols(in: expression).filter { innerExpression[$0] != nil }.map { graph.symbol($0) }
  }

  /// Whether a function's derivative carries a sign of its own (−sin u), which learners drop.
  private func hasSign(_ local: NodeID) -> Bool {
    var canonical = CanonicalForm(graph: graph)
    return graph.splitSign(canonical.simplify(local)).negative
  }
}
