import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// One line of a backward pass graded: `∂ℓ/∂f₂ = −sin(f₂)·∂ℓ/∂h₃` against the tool's own.
public struct TraceLineGrade {
  /// The trace the line is compared with.
  public let trace: Trace
  /// The step or parameter `s` of the line `∂ℓ/∂s = …`.
  public let target: String
  /// 1 for a step's adjoint (backward pass #1), 2 for a parameter's (backward pass #2).
  public let pass: Int
  /// The tool's line.
  public let line: Trace.Adjoint
  /// The tool's line as one expression in step names, each ∂ℓ/∂c a symbol (``adjointSymbols``).
  public let truth: NodeID
  public let answer: Answer
  /// The answer in the trace's graph, canonical.
  public let answerNode: NodeID
  /// Each adjoint symbol's step: the symbol `zqa` stands for ∂ℓ/∂(step).
  public let adjointSymbols: [String: String]
  public let symbolic: SymbolicAgreement
  /// The values compared, at points where every step and adjoint has its consistent value.
  public let comparison: ValueComparison?
  /// The variables' values at each compared point (indices of ``ValueComparison/indices``).
  public let points: [[String: Double]]
  public let diagnosis: GradeDiagnosis
  /// The tool's and the answer's values at the trace's own point.
  public let valuesAtTracePoint: (truth: Double?, answer: Double?)
  /// Whether the trace's point was given (else it is the first random point).
  public let pointIsGiven: Bool

  public var isCorrect: Bool { diagnosis.kind == .correct }
  /// The graph holding ``truth`` and ``answerNode``.
  public var graph: ExpressionGraph { trace.graph }
}

/// Why a backward-pass line cannot be graded.
public enum TraceGradeError: Error, Sendable {
  /// The trace has no value at its point (as `chainrule trace` reports it).
  case trace(Trace.Failure)
  /// No point was given and none could be found where the formula has a value.
  case noPoint
  /// The answer has no `∂ℓ/∂s =` header.
  case noHeader
  /// The header's numerator is not the loss.
  case notTheLoss(String, loss: String)
  /// The header names neither a step nor a variable.
  case unknownTarget(String, steps: [String])
}

/// Grades lines of the backward passes against ``Trace``'s.
///
/// The comparison is symbolic in step names (each ∂ℓ/∂c an unknown of its own) and numeric at
/// random points, where every step and every adjoint takes its value from a forward and a
/// backward pass there; so `−sin(β₂ + ω₂·h₂)·∂ℓ/∂h₃` is accepted for `−sin(f₂)·∂ℓ/∂h₃` too. An
/// answer may use the adjoints of later steps only: ∂ℓ/∂f₂ in its own line, or an earlier
/// step's, is not yet known when the line is computed.
public struct TraceGrader {
  public let trace: Trace
  public let settings: GradeSettings
  /// The loss's name and every name whose adjoint an answer may write.
  public let adjointNames: (loss: String, names: Set<String>)
  private let symbolOf: [String: String]
  private let stepIndex: [String: Int]
  private let fullValues: [[String: Double]?]
  private let pointList: [[String: Double]]
  /// Whether the trace is at a point the caller gave.
  public let pointIsGiven: Bool

  /// Traces `formula` at `point` (or at a random point where it is defined) and prepares the
  /// points the lines are compared at.
  public init(
    formula: Formula, dataNames: Set<String>, granularity: StepGranularity = .textbook,
    point: [String: Double]? = nil, settings: GradeSettings = GradeSettings()
  ) throws(TraceGradeError) {
    self.settings = settings
    let program = ForwardProgram(formula: formula, dataNames: dataNames, granularity: granularity)
    let samples = SamplePoints(
      variables: formula.variables,
      roots: [formula.root] + formula.gradient(withRespectTo: formula.variables), in: formula.graph,
      settings: settings)
    guard let tracePoint = point ?? samples.points.first else { throw .noPoint }
    pointIsGiven = point != nil
    do {
      trace = try Trace(
        program: program, parameters: formula.variables, point: tracePoint)
    } catch {
      throw .trace(error)
    }
    let steps = trace.forward.map(\.step.name)
    stepIndex = Dictionary(steps.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    let loss = steps.last ?? formula.resultName
    let names = Set(steps).union(formula.variables)
    adjointNames = (loss, names)
    var symbols: [String: String] = [:]
    var index = 0
    for step in steps {
      var symbol = AdjointReferences.placeholder(index)
      while names.contains(symbol) {
        index += 1
        symbol = AdjointReferences.placeholder(index)
      }
      symbols[step] = symbol
      index += 1
    }
    symbolOf = symbols
    pointList = samples.points
    var full: [[String: Double]?] = []
    for p in samples.points { full.append(Self.passValues(trace, at: p, symbols: symbols)) }
    fullValues = full
  }

  /// The names of the steps, in forward order.
  public var steps: [String] { trace.forward.map(\.step.name) }

  /// Every step's value and every step's adjoint (as its symbol) at `point`: one forward and one
  /// backward pass with the trace's expressions.
  private static func passValues(_ trace: Trace, at point: [String: Double], symbols: [String: String])
    -> [String: Double]?
  {
    let evaluator = Evaluator(graph: trace.graph)
    var values = point
    for step in trace.forward {
      guard let v = try? evaluator.evaluate(step.step.expression, at: values) else { return nil }
      values[step.step.name] = v
    }
    guard let last = trace.forward.last?.step.name, let lastSymbol = symbols[last] else { return nil }
    values[lastSymbol] = 1
    for adjoint in trace.backward {
      var total = 0.0
      for c in adjoint.contributions {
        guard let local = try? evaluator.evaluate(c.local, at: values) else { return nil }
        let upstream = c.consumer.flatMap { symbols[$0] }.flatMap { values[$0] } ?? 1
        total += local * upstream
      }
      guard let symbol = symbols[adjoint.target] else { continue }
      values[symbol] = total
    }
    return values
  }

  /// The symbol standing for ∂ℓ/∂`step`.
  public func adjointSymbol(_ step: String) -> NodeID? {
    symbolOf[step].map { trace.graph.symbol($0) }
  }

  /// A line's contributions as one expression: Σ local·∂ℓ/∂consumer.
  private func expression(_ contributions: [Trace.Contribution]) -> NodeID {
    let graph = trace.graph
    return graph.sum(
      contributions.map { c in
        guard let consumer = c.consumer, let a = adjointSymbol(consumer) else { return c.local }
        return graph.multiply(c.local, a)
      })
  }

  /// Grades one line; its header says which adjoint it is.
  public func grade(_ answer: Answer) throws(TraceGradeError) -> TraceLineGrade {
    guard let header = answer.header else { throw .noHeader }
    let loss = adjointNames.loss
    guard header.function == loss || header.function == "l" && stepIndex[header.function] == nil else {
      throw .notTheLoss(header.function, loss: loss)
    }
    let target = header.variable
    let pass: Int
    let line: Trace.Adjoint
    if let adjoint = trace.backward.first(where: { $0.target == target }) {
      (pass, line) = (1, adjoint)
    } else if let adjoint = trace.parameterAdjoints.first(where: { $0.target == target }) {
      (pass, line) = (2, adjoint)
    } else {
      throw .unknownTarget(target, steps: steps.dropLast() + trace.parameterAdjoints.map(\.target))
    }
    let graph = trace.graph
    var definitions: [String: NodeID] = [:]
    for (placeholder, step) in answer.adjointReferences {
      if let symbol = adjointSymbol(step) { definitions[placeholder] = symbol }
    }
    var canonical = CanonicalForm(graph: graph)
    let answerNode = canonical.simplify(graph.build(answer.expression, definitions: definitions))
    let truth = canonical.simplify(expression(line.contributions))
    var symbolNames: [String: String] = [:]
    for (step, symbol) in symbolOf { symbolNames[symbol] = step }

    let evaluator = Evaluator(graph: graph)
    let atTrace = Self.passValues(trace, at: trace.point, symbols: symbolOf)
    let traceValues = (
      truth: atTrace.flatMap { try? evaluator.evaluate(truth, at: $0) },
      answer: atTrace.flatMap { try? evaluator.evaluate(answerNode, at: $0) }
    )
    func result(_ diagnosis: GradeDiagnosis, _ symbolic: SymbolicAgreement, _ comparison: ValueComparison?)
      -> TraceLineGrade
    {
      TraceLineGrade(
        trace: trace, target: target, pass: pass, line: line, truth: truth, answer: answer,
        answerNode: answerNode, adjointSymbols: symbolNames, symbolic: symbolic, comparison: comparison,
        points: pointList, diagnosis: diagnosis, valuesAtTracePoint: traceValues, pointIsGiven: pointIsGiven)
    }

    let used = graph.symbols(in: answerNode)
    let unknown = used.filter { adjointNames.names.contains($0) == false && symbolNames[$0] == nil }
    if !unknown.isEmpty { return result(GradeDiagnosis(.unknownName, names: unknown), .none, nil) }
    // Adjoints not yet known when this line is computed: its own, and earlier steps'.
    let ownIndex = stepIndex[target] ?? -1
    for name in used {
      guard let step = symbolNames[name], let index = stepIndex[step], pass == 1, index <= ownIndex else { continue }
      var diagnosis = GradeDiagnosis(.wrongAdjoint)
      diagnosis.usedAdjoint = step
      return result(diagnosis, .none, nil)
    }

    var symbolic = SymbolicAgreement.none
    if answerNode == truth {
      symbolic = .identical
    } else {
      var expander = CanonicalForm(graph: graph)
      if let a = expander.expandIfSmall(answerNode), a == expander.expandIfSmall(truth) { symbolic = .afterExpansion }
    }
    let comparison = ValueComparison(truth: values(truth), answer: values(answerNode), tolerance: settings.tolerance)
    if symbolic != .none || comparison.agrees { return result(GradeDiagnosis(.correct), symbolic, comparison) }
    if comparison.indices.isEmpty && comparison.answerUndefined > 0 {
      return result(GradeDiagnosis(.undefined), symbolic, comparison)
    }
    return result(diagnose(line, truth: truth, answer: answerNode, comparison: comparison), symbolic, comparison)
  }

  private func values(_ id: NodeID) -> [Double?] {
    let evaluator = Evaluator(graph: trace.graph)
    return fullValues.map { values in values.flatMap { try? evaluator.evaluate(id, at: $0) } }
  }

  /// The slips a backward-pass line allows, then relations of the whole.
  private func diagnose(
    _ line: Trace.Adjoint, truth: NodeID, answer: NodeID, comparison: ValueComparison
  ) -> GradeDiagnosis {
    let graph = trace.graph
    let contributions = line.contributions
    let truthValues = values(truth)
    func matches(_ candidate: [Trace.Contribution]) -> Bool {
      let v = values(expression(candidate))
      if ValueComparison(truth: truthValues, answer: v, tolerance: settings.tolerance).agrees { return false }
      return comparison.answerMatches(v)
    }
    func diagnosis(_ kind: GradeDiagnosis.Kind, _ k: Int, expression: NodeID? = nil) -> GradeDiagnosis {
      var d = GradeDiagnosis(kind, expression: expression)
      d.contribution = k
      return d
    }
    let later = trace.forward.map(\.step.name).filter { (stepIndex[$0] ?? 0) > (stepIndex[line.target] ?? -1) }
    for (k, c) in contributions.enumerated() {
      if contributions.count > 1 {
        var dropped = contributions
        dropped.remove(at: k)
        if matches(dropped) { return diagnosis(.missingTerm, k) }
      }
      var flipped = contributions
      flipped[k].local = graph.negate(c.local)
      if matches(flipped) { return diagnosis(contributions.count > 1 ? .wrongSignOfTerm : .wrongSign, k) }
      if graph.numberValue(c.local) != 1 {
        var noLocal = contributions
        noLocal[k].local = graph.number(1)
        if matches(noLocal) { return diagnosis(.missingFactor, k, expression: c.local) }
      }
      if let consumer = c.consumer {
        var noAdjoint = contributions
        noAdjoint[k].consumer = nil
        if matches(noAdjoint) { return diagnosis(.missingFactor, k, expression: adjointSymbol(consumer)) }
        if let step = trace.forward.first(where: { $0.step.name == consumer }), step.step.kind == .function {
          var function = contributions
          function[k].local = graph.symbol(consumer)
          if matches(function) { return diagnosis(.wrongFunctionDerivative, k) }
        }
        for other in later where other != consumer {
          var swapped = contributions
          swapped[k].consumer = other
          if matches(swapped) {
            var d = diagnosis(.wrongAdjoint, k)
            d.usedAdjoint = other
            return d
          }
        }
      }
    }
    if let c = comparison.constantRatio, c.isFinite, c != 0 {
      if ValueComparison.relativeError(c, -1) <= 1e-6 { return GradeDiagnosis(.wrongSign) }
      return GradeDiagnosis(.constantFactor, constant: c)
    }
    var canonical = CanonicalForm(graph: graph)
    let ratio = canonical.simplify(graph.divide(truth, answer))
    if graph.treeOperationCount(ratio) <= 8, comparison.ratioMatches(values(ratio)) {
      return GradeDiagnosis(.missingFactor, expression: ratio)
    }
    let inverse = canonical.simplify(graph.divide(answer, truth))
    if graph.treeOperationCount(inverse) <= 8, comparison.ratioMatches(values(inverse), inverse: true) {
      return GradeDiagnosis(.extraFactor, expression: inverse)
    }
    let difference = canonical.simplify(graph.subtract(truth, answer))
    return GradeDiagnosis(.different, expression: graph.treeOperationCount(difference) <= 12 ? difference : nil)
  }
}
