import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Whether an answer and the derivative have the same canonical form.
public enum SymbolicAgreement: String, Sendable {
  /// The same canonical form (``CanonicalForm``).
  case identical
  /// The same after distributing products over sums (``CanonicalForm/expand(_:)``).
  case afterExpansion = "after expansion"
  /// Different forms (they may still agree at every point: sin²u + cos²u = 1).
  case none
}

/// One answer graded: the verdict, the evidence (forms and numbers) and the diagnosis.
public struct FormulaGrade {
  /// The formula whose derivative was asked for (a definition's, for `df/dw` of a defined `f`).
  public let formula: Formula
  /// The variable differentiated by.
  public let variable: String
  /// The answer as read.
  public let answer: Answer
  /// The answer in the formula's graph, definitions substituted, canonical.
  public let answerNode: NodeID
  /// The true derivative, canonical (what `diff` prints).
  public let derivative: NodeID
  public let symbolic: SymbolicAgreement
  /// The values compared; nil when the answer uses unknown names.
  public let comparison: ValueComparison?
  /// The points drawn.
  public let points: SamplePoints
  public let diagnosis: GradeDiagnosis
  /// The rule-by-rule derivation the departure refers to.
  public let derivation: Derivation

  /// Whether the answer is right.
  public var isCorrect: Bool { diagnosis.kind == .correct }
  /// The graph holding every node of the grade.
  public var graph: ExpressionGraph { formula.graph }

  /// `id` with the formula's own definitions written by name where their expressions appear
  /// (`ω₁·cos(f0)` for a formula that defines `f0 = β₀ + ω₀·x`), so a factor reads as the
  /// learner's steps.
  public func inDefinedNames(_ id: NodeID) -> NodeID {
    var canonical = CanonicalForm(graph: graph)
    var names: [NodeID: NodeID] = [:]
    for definition in formula.program.definitions.dropLast() {
      guard let name = definition.name, let closed = formula.definitions[name] else { continue }
      let simple = canonical.simplify(closed)
      switch graph[simple] {
      case .number, .symbol: continue
      default: if names[simple] == nil { names[simple] = graph.symbol(name) }
      }
    }
    guard !names.isEmpty else { return id }
    return canonical.simplify(LocalDerivatives.substitute(id, names, in: graph))
  }
}

/// Grades learners' derivatives of one formula: symbolically, at random points, and, when an
/// answer is wrong, by what relation it has to the true derivative.
///
/// ```swift
/// let grader = Grader(formula: try Formula(parsing: "sin(x^2)"))
/// let grade = grader.grade(try Answer(parsing: "cos(x^2)"), withRespectTo: "x")
/// grade.diagnosis.kind   // .missingInnerDerivative (the 2·x of d(x²)/dx)
/// ```
///
/// The order of the checks: names the formula lacks; equality (canonical forms, then numbers);
/// the derivative by another variable; a slip at one line of the ``Derivation`` that gives the
/// answer exactly (the first such line is where the answer departs); then relations of the
/// whole: a constant ratio t/a (sign, factor 2), a ratio that is an inner function's derivative
/// or a simple expression (a missing or extra factor), a difference that is one term of t.
public struct Grader {
  public let formula: Formula
  public let settings: GradeSettings
  public let points: SamplePoints
  private let gradient: [String: NodeID]

  /// Prepares to grade derivatives of `formula`, drawing the points once.
  public init(formula: Formula, settings: GradeSettings = GradeSettings()) {
    self.formula = formula
    self.settings = settings
    let raw = formula.gradient(withRespectTo: formula.variables)
    gradient = Dictionary(zip(formula.variables, raw), uniquingKeysWith: { a, _ in a })
    points = SamplePoints(
      variables: formula.variables, roots: [formula.root] + raw, in: formula.graph, settings: settings)
  }

  /// Grades `answer` as the derivative of the formula by `variable`.
  public func grade(_ answer: Answer, withRespectTo variable: String) -> FormulaGrade {
    let graph = formula.graph
    var definitions = formula.definitions
    definitions[formula.resultName] = nil
    let built = graph.build(answer.expression, definitions: definitions)
    let answerNode = formula.simplified(built)
    let truthRaw = gradient[variable] ?? graph.number(0)
    let truth = formula.simplified(truthRaw)
    let derivation = Derivation(formula: formula, variable: variable)
    func result(_ diagnosis: GradeDiagnosis, _ symbolic: SymbolicAgreement, _ comparison: ValueComparison?)
      -> FormulaGrade
    {
      FormulaGrade(
        formula: formula, variable: variable, answer: answer, answerNode: answerNode, derivative: truth,
        symbolic: symbolic, comparison: comparison, points: points, diagnosis: diagnosis, derivation: derivation)
    }

    let known = Set(formula.variables)
    let unknown = graph.symbols(in: answerNode).filter { !known.contains($0) }
    if !unknown.isEmpty { return result(GradeDiagnosis(.unknownName, names: unknown), .none, nil) }

    var symbolic = SymbolicAgreement.none
    if answerNode == truth {
      symbolic = .identical
    } else {
      var expander = CanonicalForm(graph: graph)
      if let a = expander.expandIfSmall(answerNode), a == expander.expandIfSmall(truth) { symbolic = .afterExpansion }
    }
    let truthValues = points.values(of: truth, in: graph)
    let comparison = ValueComparison(
      truth: truthValues, answer: points.values(of: answerNode, in: graph), tolerance: settings.tolerance)
    if symbolic != .none || comparison.agrees { return result(GradeDiagnosis(.correct), symbolic, comparison) }
    if comparison.indices.isEmpty && comparison.answerUndefined > 0 {
      return result(GradeDiagnosis(.undefined), symbolic, comparison)
    }
    var diagnosis = Diagnoser(
      formula: formula, points: points, comparison: comparison, truth: truth, answer: answerNode,
      variable: variable, derivation: derivation, gradient: gradient
    ).diagnose()
    if diagnosis.kind == .correct { diagnosis.kind = .different }
    return result(diagnosis, symbolic, comparison)
  }
}

extension Formula {
  /// The formula ending at the definition `name` (its lines up to and including that one), so
  /// `df/dw` of a defined `f` can be graded; nil if no line defines `name`.
  public func prefix(through name: String) -> Formula? {
    guard let last = program.definitions.lastIndex(where: { $0.name == name }) else { return nil }
    if last == program.definitions.count - 1 { return self }
    var shorter = program
    shorter.definitions = Array(program.definitions[...last])
    let formula = Formula(program: shorter)
    return fixedValues.isEmpty ? formula : formula.substituting(fixedValues)
  }
}

/// Finds how a wrong answer relates to the true derivative (see ``Grader``).
private struct Diagnoser {
  let formula: Formula
  let points: SamplePoints
  let comparison: ValueComparison
  let truth: NodeID
  let answer: NodeID
  let variable: String
  let derivation: Derivation
  let gradient: [String: NodeID]
  var graph: ExpressionGraph { formula.graph }

  func values(_ id: NodeID) -> [Double?] { points.values(of: id, in: graph) }

  func diagnose() -> GradeDiagnosis {
    if let found = departure() { return found }
    for other in formula.variables where other != variable {
      guard let d = gradient[other] else { continue }
      let v = values(d)
      if comparison.answerMatches(v) { return GradeDiagnosis(.wrongVariable, names: [other]) }
    }
    return wholeRelation()
  }

  // MARK: A slip at one line

  private func departure() -> GradeDiagnosis? {
    let mistakes = DerivationMistakes(derivation: derivation)
    let truthValues = values(truth)
    for candidate in mistakes.candidates() {
      let v = values(candidate.mutated)
      // A slip that changes nothing here (exp′ = exp) explains nothing.
      if ValueComparison(truth: truthValues, answer: v, tolerance: points.settings.tolerance).agrees { continue }
      guard comparison.answerMatches(v) else { continue }
      var diagnosis = GradeDiagnosis(candidate.mistake.kind)
      diagnosis.departure = candidate
      let mutated = formula.simplified(candidate.mutated)
      switch candidate.mistake {
      case .droppedConstantFactor(let c), .droppedExponent(let c):
        let ratio = comparison.constantRatio
        if let value = graph.numberValue(c), let ratio, ValueComparison.relativeError(ratio, value) <= 1e-6 {
          diagnosis.kind = value == -1 ? .wrongSign : .constantFactor
          diagnosis.constant = value == -1 ? nil : value
        } else if let q = simpleRatio(mutated) {
          diagnosis.expression = q
        } else {
          diagnosis.expression = formula.simplified(c)
          diagnosis.isLocal = true
        }
      case .droppedInnerDerivative(let inner):
        if let c = comparison.constantRatio {
          // d(−y)/dy = −1 left out is a wrong sign; the departure says where it comes from.
          if ValueComparison.relativeError(c, -1) <= 1e-6 {
            diagnosis.kind = .wrongSign
          } else {
            diagnosis.expression = graph.number(c)
          }
        } else if let q = simpleRatio(mutated) {
          diagnosis.expression = q
        } else {
          diagnosis.expression = formula.simplified(mistakes.derivative(of: inner))
          diagnosis.isLocal = true
        }
      case .skippedInnerFunction:
        diagnosis.expression = simpleRatio(mutated)
      case .droppedTerm:
        diagnosis.expression = shortest(graph.subtract(truth, mutated))
      case .flippedTermSign:
        diagnosis.expression = shortest(graph.multiply(graph.number(0.5), graph.subtract(truth, mutated)))
      case .flippedSign, .functionForDerivative, .exponentNotLowered, .productOfDerivatives,
        .quotientOfDerivatives, .denominatorNotSquared:
        break
      }
      return diagnosis
    }
    return nil
  }

  /// The shorter of `id`'s canonical form and its expansion (a difference of two forms of a
  /// quotient cancels only once multiplied out).
  private func shortest(_ id: NodeID) -> NodeID {
    let simple = formula.simplified(id)
    var expander = CanonicalForm(graph: graph)
    guard let expanded = expander.expandIfSmall(simple) else { return simple }
    return graph.treeOperationCount(expanded) < graph.treeOperationCount(simple) ? expanded : simple
  }

  /// truth/answer simplified, when it is a short expression.
  private func simpleRatio(_ answer: NodeID) -> NodeID? {
    let q = formula.simplified(graph.divide(truth, answer))
    return isShort(q) && graph.numberValue(q) == nil ? q : nil
  }

  private func isShort(_ id: NodeID) -> Bool {
    let size = graph.treeOperationCount(id)
    return size <= 12 && size < Swift.max(graph.treeOperationCount(truth), 2)
  }

  // MARK: Relations of the whole

  private func wholeRelation() -> GradeDiagnosis {
    if let c = comparison.constantRatio, c.isFinite, c != 0 {
      if ValueComparison.relativeError(c, -1) <= 1e-6 { return GradeDiagnosis(.wrongSign) }
      return GradeDiagnosis(.constantFactor, constant: c)
    }
    if let factor = missingFactor() { return factor }
    if let term = termRelation() { return term }
    let difference = formula.simplified(graph.subtract(truth, answer))
    return GradeDiagnosis(.different, expression: isShort(difference) ? difference : nil)
  }

  private func missingFactor() -> GradeDiagnosis? {
    let mistakes = DerivationMistakes(derivation: derivation)
    for inner in derivation.innerFunctions {
      let d = formula.simplified(mistakes.derivative(of: graph.symbol(inner.name)))
      if graph.numberValue(d) == nil, comparison.ratioMatches(values(d)) {
        return GradeDiagnosis(.missingInnerDerivative, expression: d)
      }
    }
    let ratio = formula.simplified(graph.divide(truth, answer))
    let inverse = formula.simplified(graph.divide(answer, truth))
    // 1/y missing is y extra: name the factor without a fraction when one way has none.
    if isShort(ratio), !isReciprocal(ratio), comparison.ratioMatches(values(ratio)) {
      return GradeDiagnosis(.missingFactor, expression: ratio)
    }
    if isShort(inverse), comparison.ratioMatches(values(inverse), inverse: true) {
      return GradeDiagnosis(.extraFactor, expression: inverse)
    }
    if isShort(ratio), comparison.ratioMatches(values(ratio)) {
      return GradeDiagnosis(.missingFactor, expression: ratio)
    }
    // An answer written out differently: the ratio may still be some of the truth's factors.
    if case .product(let factors) = graph[truth], factors.count <= 12 {
      let factorValues = factors.map(values)
      for size in 1...Swift.min(4, factors.count - 1) {
        for subset in Self.subsets(of: factors.count, size: size) {
          let v = points.points.indices.map { i -> Double? in
            var p = 1.0
            for k in subset {
              guard let x = factorValues[k][i] else { return nil }
              p *= x
            }
            return p
          }
          if comparison.ratioMatches(v) {
            let q = formula.simplified(graph.product(subset.map { factors[$0] }))
            return GradeDiagnosis(.missingFactor, expression: q)
          }
        }
      }
    }
    return nil
  }

  /// Whether `id` is 1/q: a power with a negative exponent, or a product of such powers.
  private func isReciprocal(_ id: NodeID) -> Bool {
    func negativePower(_ f: NodeID) -> Bool {
      guard case .power(_, let e) = graph[f], let value = graph.numberValue(e) else { return false }
      return value < 0
    }
    if case .product(let factors) = graph[id] {
      return factors.allSatisfy { negativePower($0) || graph.numberValue($0) != nil }
    }
    return negativePower(id)
  }

  /// The index sets of `size` elements out of `count`, in lexicographic order.
  static func subsets(of count: Int, size: Int) -> [[Int]] {
    guard size > 0, size <= count else { return size == 0 ? [[]] : [] }
    var out: [[Int]] = []
    var current: [Int] = []
    func extend(from start: Int) {
      if current.count == size {
        out.append(current)
        return
      }
      guard start < count else { return }
      for k in start..<count {
        current.append(k)
        extend(from: k + 1)
        current.removeLast()
      }
    }
    extend(from: 0)
    return out
  }

  private func terms(_ id: NodeID) -> [NodeID] {
    if case .sum(let parts) = graph[id] { return parts.array }
    return [id]
  }

  private func termRelation() -> GradeDiagnosis? {
    var expander = CanonicalForm(graph: graph)
    // A term of a sum: an answer of 0 for a single-term derivative is not "a missing term".
    let truthTerms =
      terms(truth).count > 1
      ? terms(truth) + (expander.expandIfSmall(truth).map(terms) ?? [])
      : expander.expandIfSmall(truth).map(terms) ?? []
    for term in truthTerms where truthTerms.count > 1 && comparison.differenceMatches(values(term)) {
      return GradeDiagnosis(.missingTerm, expression: term)
    }
    for term in truthTerms where comparison.differenceMatches(values(term), scale: 2) {
      return GradeDiagnosis(.wrongSignOfTerm, expression: term)
    }
    let answerTerms = terms(answer) + (expander.expandIfSmall(answer).map(terms) ?? [])
    for term in answerTerms where answerTerms.count > 1 && comparison.differenceMatches(values(term), scale: -1) {
      return GradeDiagnosis(.extraTerm, expression: term)
    }
    return nil
  }
}
