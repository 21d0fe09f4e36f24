import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// The forward steps of a formula as a computation graph: values (parameters, data and steps)
/// joined through the operations that compute them.
///
/// Each step s = op(u₁, …, uₖ) is a value node fed by an operation node, which the values uᵢ
/// s reads point to. A value used by several steps is one node with an edge to each. The edge
/// uᵢ → op carries the local derivative ∂s/∂uᵢ (in terms of stored steps, as backward passes
/// #1 and #2 use it), so the backward pass reads off the picture: ∂ℓ/∂u is the sum over u's
/// outgoing edges of (edge label)·∂ℓ/∂(the step it feeds). With a trace, every value node also
/// carries its value and its adjoint ∂ℓ/∂node (micrograd's `data | grad`, named).
///
/// Nodes are in topological order: each step's new inputs, then its operation, then the step.
public struct ComputationGraph {
  /// What an operation node computes from its inputs.
  public enum Operation: Hashable, Sendable {
    /// A sum of terms (the textbook steps group `β + ω·h` into one).
    case sum
    /// `a − b`.
    case difference
    /// A product of factors.
    case product
    /// A power with a constant exponent: `u²`.
    case power(Double)
    /// A power with a variable exponent: `u^v`.
    case variablePower
    /// A function application: `sin`, `σ`, ….
    case function(Function)
    /// A step that is one value, unchanged.
    case identity
  }

  /// A node of the graph.
  public struct Node: Sendable {
    /// What the node stands for.
    public enum Kind: Hashable, Sendable {
      /// A variable differentiated by.
      case parameter
      /// Any other variable (data, targets, fixed values).
      case data
      /// A named forward step.
      case step
      /// The operation that computes a step.
      case operation
    }

    public var kind: Kind
    /// The canonical name of the value (for an operation, of the step it computes).
    public var name: String
    /// A step's expression in the graph's ``ComputationGraph/expressions`` (nil otherwise).
    public var expression: NodeID?
    /// An operation node's operation (nil otherwise).
    public var operation: Operation?
    /// The value at the point, if a trace was given.
    public var value: Double?
    /// ∂ℓ/∂node at the point, if a trace was given (nil for data).
    public var adjoint: Double?
    /// Whether this is the last step, the result.
    public var isResult: Bool
  }

  /// An edge from a value to an operation that reads it, or from an operation to its step.
  public struct Edge: Sendable {
    public var from: Int
    public var to: Int
    /// For value → operation: ∂step/∂value, a node of ``ComputationGraph/expressions``.
    public var local: NodeID?
    /// The local derivative's value at the point, if a trace was given.
    public var localValue: Double?
  }

  /// The graph holding the steps' expressions and the local derivatives.
  public let expressions: ExpressionGraph
  /// The nodes, in topological order.
  public let nodes: [Node]
  /// The edges: value → operation (labelled) and operation → step.
  public let edges: [Edge]
  /// The name of the result (the last step), for ∂ℓ/∂….
  public let resultName: String

  /// The graph of `program`'s steps; `parameters` are the variables differentiated by; with
  /// `trace` (of this program), every value and adjoint.
  public init(program: ForwardProgram, parameters: [String], trace: Trace? = nil) {
    let graph = program.graph
    expressions = graph
    resultName = program.steps.last?.name ?? program.formula.resultName
    let parameterSet = Set(parameters)
    let stepNames = Set(program.steps.map(\.name))
    var values = trace?.point ?? [:]
    for step in trace?.forward ?? [] { values[step.step.name] = step.value }
    var adjoints: [String: Double] = [:]
    if let trace {
      for adjoint in trace.backward + trace.parameterAdjoints { adjoints[adjoint.target] = adjoint.value }
      adjoints[resultName] = 1
    }
    let evaluator = Evaluator(graph: graph)
    var locals = LocalDerivatives(program: program)

    var nodes: [Node] = []
    var edges: [Edge] = []
    var index: [String: Int] = [:]
    for (position, step) in program.steps.enumerated() {
      let inputs = graph.symbols(in: step.expression)
      for name in inputs where index[name] == nil && !stepNames.contains(name) {
        index[name] = nodes.count
        let isParameter = parameterSet.contains(name)
        nodes.append(
          Node(
            kind: isParameter ? .parameter : .data, name: name, value: values[name],
            adjoint: isParameter ? adjoints[name] : nil, isResult: false))
      }
      let operation = nodes.count
      nodes.append(
        Node(
          kind: .operation, name: step.name, operation: Self.operation(of: step.expression, in: graph),
          isResult: false))
      for (name, local) in zip(inputs, locals.derivatives(of: step.expression, withRespectTo: inputs)) {
        guard let from = index[name] else { continue }
        let localValue = trace == nil ? nil : try? evaluator.evaluate(local, at: values)
        edges.append(Edge(from: from, to: operation, local: local, localValue: localValue))
      }
      index[step.name] = nodes.count
      edges.append(Edge(from: operation, to: nodes.count))
      nodes.append(
        Node(
          kind: .step, name: step.name, expression: step.expression, value: values[step.name],
          adjoint: adjoints[step.name], isResult: position == program.steps.count - 1))
    }
    self.nodes = nodes
    self.edges = edges
  }

  /// The operation at the top of a step's expression.
  static func operation(of id: NodeID, in graph: ExpressionGraph) -> Operation {
    switch graph[id] {
    case .number, .symbol:
      return .identity
    case .sum(let terms):
      if terms.count == 2, case .product(let factors) = graph[terms[1]],
        let c = graph.numberValue(factors[0]), c < 0
      {
        return .difference
      }
      if terms.count == 2, let c = graph.numberValue(terms[1]), c < 0 { return .difference }
      return .sum
    case .product:
      return .product
    case .power(_, let exponent):
      guard let value = graph.numberValue(exponent) else { return .variablePower }
      return .power(value)
    case .call(let function, _):
      return .function(function)
    }
  }
}

extension ComputationGraph.Operation {
  /// The operation's sign in `notation`: `+`, `×`, `( )²`, `σ` (LaTeX: `\times`, `\sigma`).
  public func symbol(_ notation: Notation) -> String {
    let latex = notation == .latex
    switch self {
    case .sum: return "+"
    case .difference: return latex ? "-" : (notation == .unicode ? "−" : "-")
    case .product: return latex ? "\\times" : (notation == .unicode ? "×" : "*")
    case .power(let exponent):
      let text = Notation.plain.number(exponent)
      if latex { return "(\\cdot)^{\(text)}" }
      if notation == .unicode, exponent == exponent.rounded(), Swift.abs(exponent) < 100 {
        return "( )"
          + String(Notation.unicode.number(exponent).map(Notation.superscript))
          .replacingOccurrences(of: "−", with: "⁻")
      }
      return "( )^" + text
    case .variablePower: return latex ? "u^{v}" : "u^v"
    case .function(let function): return function.notation(notation)
    case .identity: return "="
    }
  }
}
