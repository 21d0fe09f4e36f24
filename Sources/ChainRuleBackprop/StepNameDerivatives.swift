import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// Every derivative written in the user's own step names, as textbooks print them:
/// `∂L/∂z₂ = p₂ − 1` for softmax with cross-entropy, `∂E/∂w₅ = out_h₁·∂E/∂net_o₁` for the
/// sigmoid network (the δ of the tutorials is ∂E/∂net_o₁).
///
/// Each definition is one step. Going back from the result, a step's adjoint is the sum over
/// the steps c that use it of (∂c/∂s)·∂ℓ/∂c, with the local derivatives written in stored
/// steps (``LocalDerivatives``); a variable's derivative is the same sum over the steps it
/// enters. An adjoint that simplifies to a short expression is put in place (∂L/∂p₂ = −1/p₂
/// cancels against ∂p₂/∂z₂ = p₂); a longer one stays a name, ∂ℓ/∂s, and is listed in
/// ``adjoints``. So the forms stay short, and their total size grows with the number of steps,
/// not its square.
public struct StepNameDerivatives {
  /// A named adjoint the derivatives refer to.
  public struct Adjoint: Sendable {
    /// The step.
    public var step: String
    /// ∂ℓ/∂step in step names (and other adjoints' names).
    public var expression: NodeID
  }

  /// Adjoints of at most this many operations (as a tree) are written in place.
  public static let inlineLimit = 3

  /// The graph the expressions are nodes of (symbols: steps, variables, adjoints).
  public let graph: ExpressionGraph
  /// ∂ℓ/∂v for each variable asked for, in step names.
  public let derivatives: [NodeID]
  /// The adjoints the derivatives (and other adjoints) name, from the result back.
  public let adjoints: [Adjoint]

  /// The derivatives of `formula` by `variables` in the names of its definitions; nil for a
  /// formula of one line, which has no step names of its own.
  public init?(formula: Formula, variables: [String]) {
    guard formula.program.definitions.count > 1 else { return nil }
    let program = ForwardProgram(formula: formula, dataNames: [], granularity: .definitions)
    let graph = program.graph
    self.graph = graph
    var locals = LocalDerivatives(program: program)
    var canonical = CanonicalForm(graph: graph)
    let steps = program.steps
    let result = formula.resultName
    // Which steps use each name.
    var users: [String: [Int]] = [:]
    for (index, step) in steps.enumerated() {
      for name in graph.symbols(in: step.expression) { users[name, default: []].append(index) }
    }
    // Backwards: each step's adjoint, put in place where short (`inPlace`), else named.
    var inPlace: [Int: NodeID] = [:]
    var named: [Int: NodeID] = [:]
    var adjoints: [Adjoint] = []
    // Each named adjoint's symbol, made once (a name built and hashed per use was a tenth of
    // `diff` on deep chains).
    var adjointSymbols: [Int: NodeID] = [:]
    func adjoint(of index: Int) -> NodeID? {
      if let short = inPlace[index] { return short }
      guard named[index] != nil else { return nil }
      if let symbol = adjointSymbols[index] { return symbol }
      let symbol = graph.symbol(AdjointName.symbol(of: result, withRespectTo: steps[index].name))
      adjointSymbols[index] = symbol
      return symbol
    }
    func chainSum(_ name: String, after position: Int) -> NodeID {
      var terms: [NodeID] = []
      for consumer in users[name] ?? [] where consumer > position {
        guard let outer = adjoint(of: consumer) else { continue }
        let local = locals.derivative(of: steps[consumer].expression, withRespectTo: name)
        if graph.numberValue(local) == 0 { continue }
        let term = graph.multiply(local, outer)
        // A named adjoint goes in place after all when the term then simplifies to no more
        // than it is with the name: (1 − p)·p·x·∂L/∂p is (p − y)·x.
        if let expression = named[consumer] {
          let inlined = locals.rewrittenInSteps(canonical.simplify(graph.multiply(local, expression)))
          if let shorter =
            graph.treeOperationCountAtMost(inlined, Self.treeOperations(of: canonical.simplify(term), in: graph))
            ? inlined : nil
          {
            terms.append(shorter)
            continue
          }
        }
        terms.append(term)
      }
      return locals.rewrittenInSteps(canonical.simplify(graph.sum(terms)))
    }
    for index in steps.indices.reversed() {
      guard index < steps.count - 1 else {
        inPlace[index] = graph.number(1)
        continue
      }
      let expression = chainSum(steps[index].name, after: index)
      // An unused step has no adjoint and is left out.
      if graph.numberValue(expression) == 0 { continue }
      if graph.treeOperationCountAtMost(expression, Self.inlineLimit) {
        inPlace[index] = expression
      } else {
        named[index] = expression
        adjoints.append(Adjoint(step: steps[index].name, expression: expression))
      }
    }
    let stepIndex = Dictionary(steps.indices.map { (steps[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
    derivatives = variables.map { variable in
      if let index = stepIndex[variable] {
        return adjoint(of: index) ?? graph.number(0)
      }
      return chainSum(variable, after: -1)
    }
    // Only the adjoints something refers to are listed.
    var referenced: Set<String> = []
    var stack = derivatives
    var listed: [Adjoint] = []
    let byName = Dictionary(adjoints.map { ($0.step, $0) }, uniquingKeysWith: { first, _ in first })
    while let next = stack.popLast() {
      for name in graph.symbols(in: next) {
        guard let (_, step) = AdjointName.parts(of: name), referenced.insert(step).inserted, let found = byName[step]
        else { continue }
        stack.append(found.expression)
      }
    }
    for adjoint in adjoints where referenced.contains(adjoint.step) { listed.append(adjoint) }
    self.adjoints = listed
  }
}

extension StepNameDerivatives {
  /// The operations of `id` as a tree, counting at most to 64.
  fileprivate static func treeOperations(of id: NodeID, in graph: ExpressionGraph) -> Int {
    for limit in 0...64 where graph.treeOperationCountAtMost(id, limit) { return limit }
    return 64
  }
}

extension ExpressionGraph {
  /// Whether `id` written as a tree has at most `limit` operations (without counting further).
  package func treeOperationCountAtMost(_ id: NodeID, _ limit: Int) -> Bool {
    var total = 0
    var stack = [id]
    while let next = stack.popLast() {
      let slots = operandSlots(next)
      switch kind(next) {
      case .number, .symbol: continue
      case .sum, .product: total += slots.count - 1
      case .power, .call: total += 1
      }
      if total > limit { return false }
      for slot in slots { stack.append(operand(atSlot: slot)) }
    }
    return true
  }
}
