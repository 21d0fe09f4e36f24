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
  /// - Throws: ``Diagnostic`` for malformed input.
  public init(parsing source: String, syntax: InputSyntax = .auto) throws(Diagnostic) {
    try self.init(program: Parser.parse(source, syntax: syntax))
  }

  /// Builds an already parsed program.
  public init(program: Program) {
    self.program = program
    let graph = ExpressionGraph()
    let built = graph.build(program)
    self.graph = graph
    self.root = built.result
    self.definitions = built.definitions
    self.variables = graph.symbols(in: built.result)
  }

  /// The result's name: the last definition's, or `l` (printed ℓ) for a bare formula — or
  /// `f`, `F` or `result` if the formula already uses that name for a variable.
  public var resultName: String {
    if let name = program.result.name { return name }
    let used = Set(variables)
    return ["l", "f", "F", "result"].first { !used.contains($0) } ?? "result_"
  }

  /// The variables of the closed form, in order of first appearance (found once, at build time).
  public private(set) var variables: [String] = []

  /// ∂result/∂v for each name, from one symbolic backward sweep (shared, unsimplified nodes).
  public func gradient(withRespectTo variables: [String]) -> [NodeID] {
    Differentiator(graph: graph).gradient(of: root, withRespectTo: variables)
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
    copy.variables = graph.symbols(in: result)
    return copy
  }

  /// The number of distinct nodes `id` depends on (its size with sharing).
  public func distinctNodeCount(_ ids: [NodeID]) -> Int {
    graph.distinctNodeCount(ids)
  }
}
