import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// A differentiation rule as a student names it.
public enum DerivativeRule: String, Sendable, CaseIterable {
  case constant = "constant"
  case variable = "variable"
  case sumRule = "sum rule"
  case constantFactor = "constant factor"
  case productRule = "product rule"
  case quotientRule = "quotient rule"
  case powerRule = "power rule"
  case exponentialRule = "power with a variable exponent"
  case chainRule = "chain rule"
  case functionRule = "function rule"
}

/// A derivative written the way a student writes it before simplifying: sums, products and
/// quotients of expressions and of derivatives still to be taken.
public indirect enum DerivativeTerm: Sendable {
  /// An expression of the graph (a named inner function `u₁` prints as its name).
  case expression(NodeID)
  /// d(expression)/dx, not yet worked out.
  case derivative(NodeID)
  /// A signed sum.
  case sum([(negative: Bool, term: DerivativeTerm)])
  /// A product.
  case product([DerivativeTerm])
  /// numerator / denominator.
  case quotient(DerivativeTerm, DerivativeTerm)
}

/// One line of a derivation: `d/dx[target] = result` by `rule`.
public struct DerivationLine: Sendable {
  public var rule: DerivativeRule
  /// The expression being differentiated.
  public var target: NodeID
  /// The rule applied, in terms of derivatives of the parts.
  public var result: DerivativeTerm
  /// For the chain rule: the function's own rule, e.g. (`sin`, `cos(u)`) for d/du sin u = cos u.
  public var functionRule: (function: Function, derivative: NodeID, inner: NodeID)?
}

/// The step-by-step derivation of ∂f/∂x, rule by rule, then the simplifications.
///
/// Compound arguments of functions and compound bases of powers are named `u₁, u₂, …`
/// (outermost first), so each line stays short: `d/dω₀ cos(u₂) = −sin(u₂)·du₂/dω₀`. The
/// derivative assembled from the lines, simplified with the named ``SimplificationRule``s, is
/// the derivative `diff` prints.
///
/// ```swift
/// let derivation = Derivation(formula: formula, variable: "omega0")
/// derivation.lines.first?.rule   // .powerRule
/// ```
public struct Derivation {
  /// The graph holding the formula, the named inner functions and the result.
  public let graph: ExpressionGraph
  /// The variable differentiated by.
  public let variable: String
  /// The function differentiated (canonical form).
  public let function: NodeID
  /// Inner functions by name (`u1` → its expression in terms of later names), outermost first.
  public private(set) var innerFunctions: [(name: String, expression: NodeID)] = []
  /// The lines, outermost first, each part derived once.
  public private(set) var lines: [DerivationLine] = []
  /// The derivative as the rules produce it, before simplification (with names substituted back).
  public private(set) var assembled: NodeID
  /// The simplifications applied to reach ``result``.
  public private(set) var simplifications: [SimplificationRule] = []
  /// The simplified derivative; what `diff` prints when ``matchesDiff`` is true.
  public private(set) var result: NodeID
  /// Whether ``result`` was rewritten into `diff`'s arrangement by the distributive law
  /// (the rules can leave a·(b + c) where `diff`'s backward sweep gives a·b + a·c).
  public private(set) var rearranged = false
  /// Whether ``result`` is the node `diff` prints for this derivative.
  public private(set) var matchesDiff = false
  /// `diff`'s form of the derivative, when the rules end in a different arrangement that the
  /// distributive law alone does not reconcile (e.g. over a common denominator).
  public private(set) var diffForm: NodeID? = nil
  /// The variables of the formula, for comparing ``result`` and ``diffForm`` at points.
  public let variables: [String]

  private var nameOf: [NodeID: NodeID] = [:]
  private var prefix = "u"
  private var derived: Set<NodeID> = []

  /// Derives `formula`'s result with respect to `variable`, one rule per line.
  public init(formula: Formula, variable: String) {
    graph = formula.graph
    self.variable = variable
    variables = formula.variables
    var canonical = CanonicalForm(graph: graph)
    function = canonical.simplify(formula.root)
    assembled = graph.number(0)
    result = assembled
    let taken = Set(formula.variables)
    prefix = ["u", "v", "q", "r", "s"].first { p in !taken.contains { $0.hasPrefix(p) } } ?? "u_"
    nameInnerFunctions(function)
    let abbreviated = abbreviate(function)
    derive(abbreviated)
    let expanded = expand(build(.derivative(abbreviated)))
    assembled = expanded
    var simplifier = CanonicalForm(graph: graph)
    result = simplifier.simplify(expanded)
    simplifications = simplifier.rulesApplied
    let diffForm = formula.simplified(formula.gradient(withRespectTo: [variable])[0])
    if result == diffForm {
      matchesDiff = true
    } else {
      var expander = CanonicalForm(graph: graph)
      if expander.expand(result) == expander.expand(diffForm) {
        result = diffForm
        rearranged = true
        matchesDiff = true
      } else {
        self.diffForm = diffForm
      }
    }
  }

  // MARK: Naming inner functions

  private mutating func nameInnerFunctions(_ root: NodeID) {
    var queue = [root]
    var seen: Set<NodeID> = []
    while !queue.isEmpty {
      let id = queue.removeFirst()
      guard seen.insert(id).inserted else { continue }
      let node = graph[id]
      var inner: [NodeID] = []
      switch node {
      case .call(_, let arguments): inner = arguments.array
      case .power(let base, let exponent): inner = [base, exponent]
      default: break
      }
      for child in inner where isCompound(child) && nameOf[child] == nil {
        let name = "\(prefix)\(innerFunctions.count + 1)"
        nameOf[child] = graph.symbol(name)
        innerFunctions.append((name: name, expression: child))
      }
      queue.append(contentsOf: node.children)
    }
    innerFunctions = innerFunctions.map { ($0.name, abbreviate($0.expression, keepTop: true)) }
  }

  private func isCompound(_ id: NodeID) -> Bool {
    switch graph[id] {
    case .number, .symbol: false
    default: true
    }
  }

  /// `id` with named inner functions replaced by their names (not the top itself if asked).
  private func abbreviate(_ id: NodeID, keepTop: Bool = false) -> NodeID {
    if !keepTop, let name = nameOf[id] { return name }
    let node = graph[id]
    let children = node.children
    guard !children.isEmpty else { return id }
    let replaced = Operands(children.map { abbreviate($0) })
    if replaced == children { return id }
    switch node {
    case .sum: return graph.intern(.sum(replaced))
    case .product: return graph.intern(.product(replaced))
    case .power: return graph.intern(.power(replaced[0], replaced[1]))
    case .call(let function, _): return graph.intern(.call(function, replaced))
    case .number, .symbol: return id
    }
  }

  /// The expression a name stands for (abbreviated), or nil for an ordinary symbol.
  private func definition(of id: NodeID) -> NodeID? {
    guard case .symbol(let name) = graph[id] else { return nil }
    return innerFunctions.first { $0.name == name }?.expression
  }

  /// Whether `id` depends on the variable, looking through inner-function names.
  private func depends(_ id: NodeID) -> Bool {
    var stack = [id]
    var seen: Set<NodeID> = []
    while let next = stack.popLast() {
      guard seen.insert(next).inserted else { continue }
      if case .symbol(let name) = graph[next] {
        if name == variable { return true }
        if let inner = definition(of: next) { stack.append(inner) }
      }
      stack.append(contentsOf: graph[next].children)
    }
    return false
  }

  // MARK: Rules

  private mutating func derive(_ id: NodeID) {
    guard derived.insert(id).inserted else { return }
    if let inner = definition(of: id) {
      // du/dx is the derivative of what u stands for.
      derive(inner)
      return
    }
    guard depends(id) else { return }
    let node = graph[id]
    switch node {
    case .number:
      return
    case .symbol:
      lines.append(DerivationLine(rule: .variable, target: id, result: .expression(graph.number(1))))
    case .sum(let terms):
      let dependent = terms.filter(depends)
      let parts: [(Bool, DerivativeTerm)] = dependent.map { term in
        let (negative, magnitude) = splitSign(term)
        return (negative, .derivative(magnitude))
      }
      lines.append(DerivationLine(rule: .sumRule, target: id, result: .sum(parts)))
      for (_, part) in parts { if case .derivative(let t) = part { derive(t) } }
    case .product(let factors):
      deriveProduct(id, factors.array)
    case .power(let base, let exponent):
      if depends(exponent) {
        // d(u^v) = u^v·(v′·log u + v·u′/u)
        let logU = graph.call(.log, [base])
        let result = DerivativeTerm.product([
          .expression(id),
          .sum([
            (false, .product([.derivative(exponent), .expression(logU)])),
            (false, .quotient(.product([.expression(exponent), .derivative(base)]), .expression(base))),
          ]),
        ])
        lines.append(DerivationLine(rule: .exponentialRule, target: id, result: result))
        derive(exponent)
        if depends(base) { derive(base) }
      } else {
        let lowered = graph.power(base, graph.subtract(exponent, graph.number(1)))
        var parts: [DerivativeTerm] = [.expression(graph.multiply(exponent, lowered))]
        if graph[base] != .symbol(variable) { parts.append(.derivative(base)) }
        lines.append(DerivationLine(rule: .powerRule, target: id, result: .product(parts)))
        derive(base)
      }
    case .call(let function, let arguments):
      let locals = function.partialDerivatives(at: arguments, in: graph)
      var terms: [(Bool, DerivativeTerm)] = []
      for (argument, local) in zip(arguments, locals) where depends(argument) {
        let isVariable = graph[argument] == .symbol(variable)
        terms.append((false, isVariable ? .expression(local) : .product([.expression(local), .derivative(argument)])))
      }
      let chain = arguments.contains { depends($0) && graph[$0] != .symbol(variable) }
      let result: DerivativeTerm = terms.count == 1 ? terms[0].1 : .sum(terms)
      lines.append(
        DerivationLine(
          rule: chain ? .chainRule : .functionRule, target: id, result: result,
          functionRule: function.arity == 1 ? (function, locals[0], arguments[0]) : nil))
      for argument in arguments where depends(argument) { derive(argument) }
    }
  }

  private mutating func deriveProduct(_ id: NodeID, _ factors: [NodeID]) {
    let dependent = factors.filter(depends)
    let constants = factors.filter { !depends($0) }
    if dependent.count == 1 {
      lines.append(
        DerivationLine(
          rule: .constantFactor, target: id,
          result: .product(constants.map { .expression($0) } + [.derivative(dependent[0])])))
      derive(dependent[0])
      return
    }
    let denominators = dependent.filter { factor in
      if case .power(_, let e) = graph[factor], let value = graph.numberValue(e), value < 0 { return true }
      return false
    }
    if denominators.count == 1, dependent.count == 2, case .power(let v, let e) = graph[denominators[0]] {
      // u/v: (u′·v − u·v′)/v²
      let u = dependent.first { $0 != denominators[0] } ?? dependent[0]
      let v2 = graph.power(v, graph.number(2))
      let vPower = graph.numberValue(e) == -1 ? v : graph.power(v, graph.negate(e))
      let numerator = DerivativeTerm.sum([
        (false, .product([.derivative(u), .expression(vPower)])),
        (true, .product([.expression(u), .derivative(vPower)])),
      ])
      let quotient = DerivativeTerm.quotient(
        numerator, .expression(graph.numberValue(e) == -1 ? v2 : graph.power(vPower, graph.number(2))))
      let result: DerivativeTerm =
        constants.isEmpty ? quotient : .product(constants.map { .expression($0) } + [quotient])
      lines.append(DerivationLine(rule: .quotientRule, target: id, result: result))
      derive(u)
      derive(vPower)
      return
    }
    var terms: [(Bool, DerivativeTerm)] = []
    for (i, factor) in dependent.enumerated() {
      var parts: [DerivativeTerm] = constants.map { .expression($0) }
      for (j, other) in dependent.enumerated() {
        parts.append(i == j ? .derivative(factor) : .expression(other))
      }
      terms.append((false, .product(parts)))
    }
    lines.append(DerivationLine(rule: .productRule, target: id, result: .sum(terms)))
    for factor in dependent { derive(factor) }
  }

  private func splitSign(_ term: NodeID) -> (Bool, NodeID) { graph.splitSign(term) }

  // MARK: Assembly

  /// The derivative a term stands for, with every d/dx worked out by the lines' rules.
  private func build(_ term: DerivativeTerm) -> NodeID {
    switch term {
    case .expression(let id): return id
    case .derivative(let id): return derivativeNode(id)
    case .sum(let parts):
      return graph.sum(parts.map { $0.negative ? graph.negate(build($0.term)) : build($0.term) })
    case .product(let parts): return graph.product(parts.map(build))
    case .quotient(let top, let bottom): return graph.divide(build(top), build(bottom))
    }
  }

  private func derivativeNode(_ id: NodeID) -> NodeID {
    if let inner = definition(of: id) { return derivativeNode(inner) }
    guard depends(id) else { return graph.number(0) }
    guard let line = lines.first(where: { $0.target == id }) else { return graph.number(0) }
    return build(line.result)
  }

  /// `id` with inner-function names replaced by their expressions.
  private func expand(_ id: NodeID) -> NodeID {
    var memo: [NodeID: NodeID] = [:]
    func visit(_ id: NodeID) -> NodeID {
      if let done = memo[id] { return done }
      if let inner = definition(of: id) {
        let expanded = visit(inner)
        memo[id] = expanded
        return expanded
      }
      let node = graph[id]
      let children = node.children
      var result = id
      if !children.isEmpty {
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
}
