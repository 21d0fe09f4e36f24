import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// A parsed formula ready for differentiation: its program, its graph and its result node.
///
/// The entry point of the library for most uses:
///
/// ```swift
/// let formula = try Formula(parsing: "l = (beta0 + omega0*x - y)^2")
/// for d in formula.gradient(withRespectTo: ["beta0", "omega0"]) {
///   print(formula.printer(.plain).string(formula.simplified(d)))
/// }
/// ```
public struct Formula {
  /// The parsed definitions.
  public let program: Program
  /// The graph holding the formula and everything derived from it.
  public private(set) var graph: ExpressionGraph
  /// The result with every definition substituted (the closed form).
  public private(set) var root: NodeID
  /// Each defined name's closed form.
  public private(set) var definitions: [String: NodeID]
  /// Variables replaced by constants with ``substituting(_:)``.
  public private(set) var fixedValues: [String: Double] = [:]

  /// Parses and builds `source`, written in plain text or LaTeX.
  ///
  /// ```swift
  /// let book = try Formula(parsing: #"\ell = (\beta_0 + \omega_0 x - y)^2"#)   // LaTeX, detected
  /// let plain = try Formula(parsing: "l = (beta0 + omega0*x - y)^2", syntax: .plain)
  /// ```
  ///
  /// - Parameters:
  ///   - source: The formula or definitions.
  ///   - syntax: How `source` is written; `.auto` reads LaTeX when it holds a backslash command.
  /// - Throws: ``Diagnostic`` for malformed input, and for a part without variables that has no
  ///   value (`log(0)`, `x/0`, `exp(1000)`; see ``ChainRuleSyntax/Program/constantWithoutValue()``).
  public init(parsing source: String, syntax: InputSyntax = .auto) throws(Diagnostic) {
    let program = try Parser.parse(source, syntax: syntax)
    if let problem = program.constantWithoutValue() { throw problem }
    self.init(program: program)
  }

  /// Builds an already parsed program.
  public init(program: Program) {
    self.program = program
    let graph = ExpressionGraph()
    let built = graph.build(program)
    self.graph = graph
    self.root = built.result
    self.definitions = built.definitions
    self.variables = Self.inputs(of: program, excluding: [:])
  }

  /// The result's name: the last definition's, or `l` (printed ℓ) for a bare formula — or
  /// `f`, `F` or `result` if the formula already uses that name for a variable.
  public var resultName: String {
    if let name = program.result.name { return name }
    let used = Set(variables)
    return ["l", "f", "F", "result"].first { !used.contains($0) } ?? "result_"
  }

  /// The variables: the names the formula uses that no line defines, in order of first
  /// appearance, as typed — so `x*0` has the variable x (and ∂/∂x = 0) though its closed form
  /// is 0. Names fixed by ``substituting(_:)`` are left out.
  public private(set) var variables: [String] = []

  /// The names the lines define (the steps), in order; the last is the result's if it is named.
  public var stepNames: [String] { program.definitions.compactMap(\.name) }

  /// ∂result/∂v for each name, from one symbolic backward sweep (shared, unsimplified nodes).
  ///
  /// For a variable this is the derivative of the closed form. For a step name `a` it is the
  /// partial derivative with `a` taken as an input of the lines after its definition — what
  /// backpropagation computes for a step (∂ℓ/∂a in a trace's backward pass #1) — written in
  /// the variables: for `a = x²; ℓ = a·x`, ∂ℓ/∂a = x (while ∂ℓ/∂x = 3x²). A name that is
  /// neither gets 0.
  public func gradient(withRespectTo variables: [String]) -> [NodeID] {
    let steps = Set(stepNames)
    guard variables.contains(where: steps.contains) else {
      return Differentiator(graph: graph).gradient(of: root, withRespectTo: variables)
    }
    let inputs = variables.filter { !steps.contains($0) }
    let derivatives = Differentiator(graph: graph).gradient(of: root, withRespectTo: inputs)
    var byName = Dictionary(zip(inputs, derivatives), uniquingKeysWith: { first, _ in first })
    for name in variables where steps.contains(name) && byName[name] == nil {
      byName[name] = stepPartial(name)
    }
    return variables.map { byName[$0] ?? graph.number(0) }
  }

  /// ∂result/∂`step` with the step an input of the later lines, written in the variables.
  private func stepPartial(_ step: String) -> NodeID {
    guard let (result, value) = resultWithInput(step: step) else { return graph.number(0) }
    let partial = Differentiator(graph: graph).gradient(of: result, withRespectTo: [step])[0]
    return graph.replacing(symbol: step, with: value, in: partial)
  }

  /// The result with the step `step` as an input of the lines after its definition: the result
  /// node, in which the symbol `step` stands for the step, and the step's closed form. Nil if no
  /// line defines `step`.
  ///
  /// For `a = x²; ℓ = a·x` and step `a`: `(a·x, x²)`. Evaluating the first with a set to the
  /// second's value gives ℓ; its derivative by a is the step's partial (see
  /// ``gradient(withRespectTo:)``), and central differences in a check it.
  public func resultWithInput(step: String) -> (result: NodeID, step: NodeID)? {
    var definitions: [String: NodeID] = [:]
    for (name, value) in fixedValues { definitions[name] = graph.number(value) }
    var result = graph.number(0)
    var stepValue: NodeID? = nil
    for definition in program.definitions {
      result = graph.build(definition.body, definitions: definitions)
      guard let name = definition.name else { continue }
      if name == step {
        stepValue = result
        result = graph.symbol(step)
      }
      definitions[name] = result
    }
    return stepValue.map { (result, $0) }
  }

  /// The canonical, readable form of `id`.
  public func simplified(_ id: NodeID) -> NodeID {
    graph.withStack(for: id) {
      var canonical = CanonicalForm(graph: graph)
      return canonical.simplify(id)
    }
  }

  /// The formula with some variables replaced by constants (`λ = 0.01`).
  public func substituting(_ values: [String: Double]) -> Formula {
    var copy = self
    copy.fixedValues.merge(values) { _, new in new }
    let graph = ExpressionGraph()
    var definitions: [String: NodeID] = [:]
    for (name, value) in copy.fixedValues { definitions[name] = graph.number(value) }
    var result = graph.number(0)
    for definition in program.definitions {
      result = graph.build(definition.body, definitions: definitions)
      if let name = definition.name { definitions[name] = result }
    }
    copy.graph = graph
    copy.root = result
    copy.definitions = definitions
    copy.variables = Self.inputs(of: program, excluding: copy.fixedValues)
    return copy
  }

  /// The names `program` uses that no line defines and `fixed` does not hold, in order of first
  /// appearance (line by line, left to right); without recursion, for formulas of any depth.
  private static func inputs(of program: Program, excluding fixed: [String: Double]) -> [String] {
    var defined: [String] = []
    var names: [String] = []
    // Few names are usual: a linear search while there are few (hashing each costs more),
    // a set once there are many.
    var seen: Set<String>? = nil
    var definedSet: Set<String>? = nil
    func isDefined(_ name: String) -> Bool {
      if let set = definedSet { return set.contains(name) }
      return !defined.isEmpty && defined.contains(name)
    }
    func isNew(_ name: String) -> Bool {
      if let set = seen { return !set.contains(name) }
      return !names.contains(name)
    }
    for definition in program.definitions {
      var stack = [definition.body]
      while let tree = stack.popLast() {
        switch tree {
        case .number: break
        case .name(let name, _):
          guard !Parser.isConstantName(name), fixed.isEmpty || fixed[name] == nil, isNew(name),
            !isDefined(name)
          else { continue }
          names.append(name)
          if seen != nil {
            seen?.insert(name)
          } else if names.count > 32 {
            seen = Set(names)
          }
        case .negate(let operand, _): stack.append(operand)
        case .binary(_, let left, let right, _): stack.append(contentsOf: [right, left])
        case .call(_, let arguments, _): stack.append(contentsOf: arguments.reversed())
        }
      }
      if let name = definition.name {
        if definedSet != nil {
          definedSet?.insert(name)
        } else {
          defined.append(name)
          if defined.count > 32 { definedSet = Set(defined) }
        }
      }
    }
    return names
  }

  /// The number of distinct nodes `id` depends on (its size with sharing).
  public func distinctNodeCount(_ ids: [NodeID]) -> Int {
    graph.distinctNodeCount(ids)
  }
}

extension ExpressionGraph {
  /// `id` with the symbol `name` replaced by `replacement`, rebuilt with the constructors (so
  /// it simplifies locally as it goes); nodes that do not contain the symbol are kept as they
  /// are. One ascending pass over the nodes of `id`.
  fileprivate func replacing(symbol name: String, with replacement: NodeID, in id: NodeID) -> NodeID {
    let target = symbol(name)
    var mapped: [NodeID: NodeID] = [target: replacement]
    for node in reachable(from: id) where node != target {
      let slots = operandSlots(node)
      let old = slots.map { operand(atSlot: $0) }
      let new = old.map { mapped[$0] ?? $0 }
      guard new != old else { continue }
      switch kind(node) {
      case .number, .symbol: continue
      case .sum: mapped[node] = sum(new)
      case .product: mapped[node] = product(new)
      case .power: mapped[node] = power(new[0], new[1])
      case .call: mapped[node] = call(function(of: node) ?? .exp, new)
      }
    }
    return mapped[id] ?? id
  }
}
