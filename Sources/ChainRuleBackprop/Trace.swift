import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A formula cut into the named steps of a forward pass (see ``StepGranularity``).
public struct ForwardProgram {
  /// The formula.
  public let formula: Formula
  /// The graph holding the steps' expressions (in terms of earlier step names).
  public let graph: ExpressionGraph
  /// The steps in evaluation order; the last is the result.
  public let steps: [Step]

  /// Cuts `formula` into steps; names in `dataNames` are data, not parameters.
  public init(formula: Formula, dataNames: Set<String>, granularity: StepGranularity = .textbook) {
    self.formula = formula
    let graph = ExpressionGraph()
    self.graph = graph
    guard granularity != .definitions else {
      steps = formula.program.definitions.map { definition in
        let body = graph.build(definition.body)
        let kind: Step.Kind = graph.function(of: body) != nil ? .function : .arithmetic
        return Step(name: definition.name ?? formula.resultName, expression: body, kind: kind, isDefined: true)
      }
      return
    }
    var cutter = StepCutter(
      graph: graph, granularity: granularity, dataNames: dataNames,
      reserved: Set(formula.variables + formula.program.definitions.compactMap(\.name)))
    let single = formula.program.definitions.count == 1
    for definition in formula.program.definitions {
      let body = graph.build(definition.body)
      cutter.textbookNames = single || Self.holdsFunctionApplications(body, atLeast: 2, in: graph)
      cutter.cutDefinition(body, named: definition.name ?? formula.resultName)
    }
    steps = cutter.steps
  }

  /// Whether `id` holds `count` function applications or more (a walk that stops there).
  private static func holdsFunctionApplications(_ id: NodeID, atLeast count: Int, in graph: ExpressionGraph) -> Bool {
    var found = 0
    var seen: Set<NodeID> = []
    var stack = [id]
    while let next = stack.popLast() {
      guard seen.insert(next).inserted else { continue }
      if graph.kind(next) == .call {
        found += 1
        if found >= count { return true }
      }
      for slot in graph.operandSlots(next) { stack.append(graph.operand(atSlot: slot)) }
    }
    return false
  }

  /// The parameters in the order they enter the forward pass (β₀, ω₀, β₁, … for the toy model):
  /// every variable that is not data, ordered by the first step that uses it.
  public func parameters(excluding dataNames: Set<String>) -> [String] {
    var ordered: [String] = []
    var seen: Set<String> = []
    let variables = Set(formula.variables)
    for step in steps {
      for name in graph.symbols(in: step.expression)
      where !dataNames.contains(name) && variables.contains(name) && seen.insert(name).inserted {
        ordered.append(name)
      }
    }
    return ordered
  }
}

/// A formula computed two ways: the stored forward pass with its backward pass, and the
/// expanded closed-form derivatives, with values and costs.
///
/// Backward pass #1 gives ∂ℓ/∂s for every step s, last to first, as a sum over the steps c
/// that use s: ∂ℓ/∂s = Σ_c (∂c/∂s)·∂ℓ/∂c. Backward pass #2 gives every parameter's derivative
/// from the steps it enters: ∂ℓ/∂θ = Σ_s (∂s/∂θ)·∂ℓ/∂s. Local derivatives reuse stored values
/// where a step already holds them (exp(f₁) is h₂; σ(u)·(1 − σ(u)) is out·(1 − out)).
///
/// ```swift
/// let program = ForwardProgram(formula: formula, dataNames: ["x", "y"])
/// let trace = try Trace(program: program, parameters: ["beta0", "omega0"],
///                       point: ["beta0": 1, "omega0": 0.1, "x": 2.3, "y": 2])
/// trace.gradients[0].backpropValue
/// ```
public struct Trace {
  /// A forward step with its value.
  public struct ForwardStep: Sendable {
    public var step: Step
    public var value: Double
  }

  /// One contribution `local · ∂ℓ/∂consumer` to an adjoint.
  public struct Contribution: Sendable {
    /// The step whose adjoint is reused (nil for the loss itself, whose adjoint is 1).
    public var consumer: String?
    /// ∂consumer/∂target, in terms of stored steps.
    public var local: NodeID
    public var localValue: Double
  }

  /// ∂ℓ/∂target as a sum of contributions, with its value.
  public struct Adjoint: Sendable {
    public var target: String
    public var contributions: [Contribution]
    public var value: Double
  }

  /// One parameter's derivative reached both ways, and by finite differences.
  public struct GradientComparison: Sendable {
    public var parameter: String
    /// The expanded closed form, simplified (in the formula's graph).
    public var closedForm: NodeID
    public var closedFormValue: Double
    public var backpropValue: Double
    public var numericValue: Double
    /// Operations of the closed form as printed.
    public var closedFormOperations: Int
    /// Whether the closed form is too large to simplify and print (``closedForm`` is then the
    /// shared, unsimplified derivative and ``closedFormOperations`` its size as a tree).
    public var isSummarised: Bool
  }

  /// Closed forms larger than this many operations (as trees) are neither simplified nor printed.
  public static let closedFormLimit = 10_000
  /// Central differences are computed for the first this-many parameters only.
  public static let numericLimit = 64

  /// What each way costs.
  public struct Cost: Sendable {
    /// Operations to evaluate every closed form separately.
    public var closedFormOperations: Int
    /// Operations of the forward pass.
    public var forwardOperations: Int
    /// Operations of both backward passes (local derivatives, products, sums).
    public var backwardOperations: Int
    /// The steps whose values the backward pass reads.
    public var storedSteps: [String]

    /// Operations of both passes together.
    public var passOperations: Int { forwardOperations + backwardOperations }

    /// Whether the two passes do less work than the closed forms evaluated one by one.
    ///
    /// They need not: with few parameters and short chains the closed forms share little, and
    /// the passes pay for every step and adjoint.
    public var passesAreCheaper: Bool { passOperations < closedFormOperations }
  }

  /// The formula traced.
  public let formula: Formula
  /// The graph holding the steps and their local derivatives.
  public let graph: ExpressionGraph
  public let forward: [ForwardStep]
  /// Backward pass #1, last step first.
  public let backward: [Adjoint]
  /// Backward pass #2, one per parameter.
  public let parameterAdjoints: [Adjoint]
  public let gradients: [GradientComparison]
  public let cost: Cost
  /// The point, variable name → value.
  public let point: [String: Double]

  /// Errors that stop a trace.
  public enum Failure: Error, Sendable {
    /// A step has no value at the point; `step` names it and the error's node is in the
    /// forward program's graph.
    case evaluation(EvaluationError, step: String)
  }

  /// Runs both passes of `program` at `point`.
  ///
  /// - Parameters:
  ///   - program: The formula cut into steps.
  ///   - parameters: The variables to differentiate by.
  ///   - point: A value for every variable.
  /// - Throws: ``Failure`` when a step has no value at the point (e.g. overflow in `exp`).
  public init(
    program: ForwardProgram, parameters: [String], point: [String: Double]
  ) throws(Failure) {
    let formula = program.formula
    self.formula = formula
    self.point = point
    let graph = program.graph
    self.graph = graph
    let steps = program.steps
    let stepNames = steps.map(\.name)
    let stepNameSet = Set(stepNames)

    // Forward pass: each step evaluated once, from stored values.
    var values = point
    var forward: [ForwardStep] = []
    let evaluator = Evaluator(graph: graph)
    for step in steps {
      do {
        let value = try evaluator.evaluate(step.expression, at: values)
        values[step.name] = value
        forward.append(ForwardStep(step: step, value: value))
      } catch {
        throw .evaluation(error, step: step.name)
      }
    }
    self.forward = forward

    // Local derivatives rewrite in terms of stored steps: exp(f₁) → h₂.
    var locals = LocalDerivatives(program: program)
    func value(_ id: NodeID) -> Double { (try? evaluator.evaluate(id, at: values)) ?? .nan }

    // Which steps use each name, found once: the passes below ask for every step and parameter.
    var users: [String: [Int]] = [:]
    for (index, step) in steps.enumerated() {
      for name in graph.symbols(in: step.expression) { users[name, default: []].append(index) }
    }

    // Backward pass #1: adjoints of steps, last to first.
    var adjointValue: [String: Double] = [:]
    var backward: [Adjoint] = []
    for (index, step) in steps.enumerated().reversed() {
      var contributions: [Contribution] = []
      if index == steps.count - 1 {
        adjointValue[step.name] = 1
        continue
      }
      // A consumer with no adjoint is a step the result does not use: its term would be 0.
      for consumer in (users[step.name] ?? []).filter({ $0 > index }).map({ steps[$0] })
      where adjointValue[consumer.name] != nil {
        let d = locals.derivativeAndValueForm(of: consumer.expression, withRespectTo: step.name)
        contributions.append(Contribution(consumer: consumer.name, local: d.printed, localValue: value(d.evaluated)))
      }
      // A step the result does not use has no adjoint and no line.
      guard !contributions.isEmpty else { continue }
      let total = contributions.reduce(0.0) { $0 + $1.localValue * (adjointValue[$1.consumer ?? ""] ?? 0) }
      adjointValue[step.name] = total
      backward.append(
        Adjoint(target: step.name, contributions: Self.folded(contributions, last: steps.last?.name), value: total))
    }
    self.backward = backward

    // Backward pass #2: parameters from the steps they enter.
    var parameterAdjoints: [Adjoint] = []
    for parameter in parameters {
      var contributions: [Contribution] = []
      for step in (users[parameter] ?? []).map({ steps[$0] }) where adjointValue[step.name] != nil {
        let d = locals.derivativeAndValueForm(of: step.expression, withRespectTo: parameter)
        contributions.append(Contribution(consumer: step.name, local: d.printed, localValue: value(d.evaluated)))
      }
      let total = contributions.reduce(0.0) { $0 + $1.localValue * (adjointValue[$1.consumer ?? ""] ?? 0) }
      parameterAdjoints.append(
        Adjoint(target: parameter, contributions: Self.folded(contributions, last: steps.last?.name), value: total))
    }
    self.parameterAdjoints = parameterAdjoints

    // The closed forms, and central differences, for the contrast.
    let closed = formula.gradient(withRespectTo: parameters)
    let checker = GradientCheck(graph: formula.graph)
    // The closed forms share their nodes: evaluate them all in one pass.
    let closedValues = try? Evaluator(graph: formula.graph).values(of: closed, at: point).values
    let numericValues = Self.centralDifferences(
      formula, checker, parameters: Array(parameters.prefix(Self.numericLimit)), at: point)
    var gradients: [GradientComparison] = []
    let treeSizes = formula.graph.treeOperationCounts(closed)
    var closedFormCounter = PrintedOperationCounter(graph: formula.graph)
    for (i, parameter) in parameters.enumerated() {
      // A closed form of a deep formula is huge (quadratic in the depth): count it, do not print it.
      let treeSize = treeSizes[i]
      let summarised = treeSize > Self.closedFormLimit
      let simple = summarised ? closed[i] : formula.simplified(closed[i])
      let closedValue = closedValues?[closed[i]] ?? .nan
      // Central differences cost two evaluations of the whole formula per parameter: the point
      // backpropagation makes. Past `numericLimit` parameters they are left out.
      let numeric = i < numericValues.count ? numericValues[i] : .nan
      gradients.append(
        GradientComparison(
          parameter: parameter, closedForm: simple, closedFormValue: closedValue,
          backpropValue: parameterAdjoints[i].value, numericValue: numeric,
          closedFormOperations: summarised ? treeSize : closedFormCounter.count(simple),
          isSummarised: summarised))
    }
    self.gradients = gradients

    // Costs: what the backward pass computes, and which stored values it reads.
    var stepCounter = PrintedOperationCounter(graph: graph)
    func operations(_ id: NodeID) -> Int { stepCounter.count(id) }
    let forwardOperations = steps.reduce(0) { $0 + operations($1.expression) }
    var backwardOperations = 0
    var stored: Set<String> = []
    for adjoint in backward + parameterAdjoints {
      backwardOperations += max(0, adjoint.contributions.count - 1)
      for contribution in adjoint.contributions {
        backwardOperations += operations(contribution.local)
        let isOne = graph.numberValue(contribution.local) == 1
        if contribution.consumer != nil && !isOne { backwardOperations += 1 }
        stored.formUnion(graph.symbols(in: contribution.local).filter { stepNameSet.contains($0) })
      }
    }
    cost = Cost(
      closedFormOperations: gradients.reduce(0) { $0.addingReportingOverflow($1.closedFormOperations).partialValue },
      forwardOperations: forwardOperations, backwardOperations: backwardOperations,
      storedSteps: stepNames.filter { stored.contains($0) })
  }

  /// Central differences of the result by each of `parameters`, as
  /// ``GradientCheck/centralDifference(_:variable:at:)`` takes them. Without kinked functions
  /// the samples come from one compiled ``Tape`` (the same arithmetic as ``Evaluator``, without
  /// its lookups), which makes the 320 whole-formula evaluations of a deep chain cheap.
  private static func centralDifferences(
    _ formula: Formula, _ checker: GradientCheck, parameters: [String], at point: [String: Double]
  ) -> [Double] {
    let graph = formula.graph
    let hasKinks = graph.reachable(from: formula.root).contains { graph.function(of: $0)?.hasKink ?? false }
    var tape = Tape(graph: graph, root: formula.root)
    var inputs: [Double] = []
    for name in tape.variables {
      guard let value = Parser.constants[name] ?? point[name] else { return [] }
      inputs.append(value)
    }
    guard !hasKinks else {
      return parameters.map { checker.centralDifference(formula.root, variable: $0, at: point).value }
    }
    let slots = Dictionary(tape.variables.indices.map { (tape.variables[$0], $0) }, uniquingKeysWith: { a, _ in a })
    return parameters.map { parameter in
      guard let slot = slots[parameter] else { return 0 }
      let x = inputs[slot]
      let h = pow(Double.ulpOfOne, 1.0 / 3.0) * max(1, abs(x))
      var shifted = inputs
      func sample(_ offset: Double) -> Double {
        shifted[slot] = x + offset
        return tape.forward(inputs: shifted)
      }
      let samples = [sample(-h), sample(-h / 2), sample(h / 2), sample(h)]
      guard samples.allSatisfy(\.isFinite) else { return .nan }
      let wide = (samples[3] - samples[0]) / (2 * h)
      let narrow = (samples[2] - samples[1]) / h
      return narrow + (narrow - wide) / 3
    }
  }

  /// Contributions from the result step carry adjoint 1: they print as the local part alone.
  private static func folded(_ contributions: [Contribution], last: String?) -> [Contribution] {
    contributions.map { c in
      var c = c
      if c.consumer == last { c.consumer = nil }
      return c
    }
  }

  /// The result's value: the last forward step.
  public var loss: Double { forward.last?.value ?? .nan }

  /// The largest relative disagreement between closed form, backprop and numeric values.
  ///
  /// Relative to the larger of the values and 10⁻⁸, so a derivative that is 0 and a central
  /// difference of 10⁻¹⁶ (rounding) count as agreeing.
  public var largestDisagreement: Double {
    var worst = 0.0
    for g in gradients {
      let values = [g.closedFormValue, g.backpropValue, g.numericValue]
      let scale = Swift.max(values.map(Swift.abs).max() ?? 0, 1e-8)
      let spread = (values.max() ?? 0) - (values.min() ?? 0)
      worst = Swift.max(worst, spread / scale)
    }
    return worst
  }

  /// One gradient-descent step θ ← θ − η·∂ℓ/∂θ with the backprop gradient, and the loss after it.
  public func update(rate: Double) -> (parameters: [(String, Double, Double)], lossAfter: Double) {
    var next = point
    var changes: [(String, Double, Double)] = []
    for g in gradients {
      let before = point[g.parameter] ?? 0
      let after = before - rate * g.backpropValue
      next[g.parameter] = after
      changes.append((g.parameter, before, after))
    }
    let after = (try? Evaluator(graph: formula.graph).evaluate(formula.root, at: next)) ?? .nan
    return (changes, after)
  }

  /// Default data names: `x`, `y`, `t`, `i` with any subscript, and `target`/`input`.
  public static func defaultDataNames(among variables: [String]) -> Set<String> {
    Set(
      variables.filter { name in
        let base = SymbolSpelling(canonical: name).base
        return ["x", "y", "t", "i", "x_i", "y_i", "target", "input"].contains(base)
      })
  }
}
