import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleCalculus
@testable import ChainRuleExpression
@testable import ChainRuleNumeric
@testable import ChainRuleRender
@testable import ChainRuleSupport
@testable import ChainRuleSyntax

/// Properties every formula must have, checked on 2,000 seeded random formulas (``RandomFormula``)
/// at points inside every function's domain:
///
/// - the symbolic derivative, the numeric backward pass (``Tape``, and ``Trace`` for every eighth
///   formula) and a central difference agree;
/// - simplification never changes a value (of the formula or of a derivative);
/// - `parse(print(e))` and `parse(latex(e))` are the same function as `e`;
/// - printing is deterministic, within a graph and across two parses of the same text.
///
/// Tolerances come from the conditioning of the point, not one loose constant: evaluating `e`
/// in floating point errs by at most about ε·κ, with κ = Σᵥ |v·∂e/∂v| over every node v of `e`
/// (each operation's rounding, carried to the result by its adjoint). The central difference
/// adds its own truncation estimate (the gap between steps h and h/2) and rounding ε·κ/h.
///
/// A failure names its seed. Re-run just that formula with
/// `CHAINRULE_SEED=0x… swift test --filter PropertyTests`; `CHAINRULE_PROPERTY_COUNT` changes
/// how many formulas a run checks. Minimised failures go to ``RegressionTests``.
@Suite struct PropertyTests {
  /// Formulas checked per run (at least 2,000 unless overridden).
  static let formulaCount: Int = {
    let text = ProcessInfo.processInfo.environment["CHAINRULE_PROPERTY_COUNT"] ?? ""
    return Int(text) ?? 2_000
  }()
  /// The run's base seed: fixed, so every run checks the same formulas.
  static let baseSeed: UInt64 = 0xC4A1_2E00_0005
  static let batchCount = 8

  /// One seed from the environment, to re-run a failure alone.
  static let onlySeed: UInt64? = ProcessInfo.processInfo.environment["CHAINRULE_SEED"].flatMap(
    RandomFormula.parseSeed)

  @Test(arguments: 0..<batchCount)
  func randomFormulasKeepEveryProperty(batch: Int) throws {
    if let seed = Self.onlySeed {
      guard batch == 0 else { return }
      let formula = RandomFormula(seed: seed)
      let report = PropertyCheck.run(formula.source, pointSeed: seed)
      print("seed \(RandomFormula.hex(seed)): \(formula.source)\n\(report.summary)")
      for failure in report.failures {
        Issue.record("seed \(RandomFormula.hex(seed)): \(formula.source)\n\(failure)")
      }
      return
    }
    // Each batch draws its own seeds and keeps going until it has checked its share of
    // formulas with at least one point inside the domain.
    let quota = (Self.formulaCount + Self.batchCount - 1) / Self.batchCount
    var random = SplitMix64(seed: Self.baseSeed &+ UInt64(batch))
    var checked = 0
    var drawn = 0
    var skipped: [String] = []
    var differences = (checked: 0, skipped: 0)
    while checked < quota && drawn < quota * 3 {
      let seed = random.next()
      drawn += 1
      let formula = RandomFormula(seed: seed)
      let report = PropertyCheck.run(formula.source, pointSeed: seed)
      if report.points == 0 {
        skipped.append(formula.source)
        continue
      }
      checked += 1
      differences.checked += report.checkedDifferences
      differences.skipped += report.skippedDifferences
      for failure in report.failures {
        Issue.record(
          """
          seed \(RandomFormula.hex(seed)) (depth \(formula.depth)): \(formula.source)
          \(failure)
          re-run: CHAINRULE_SEED=\(RandomFormula.hex(seed)) swift test --filter PropertyTests
          """)
      }
    }
    #expect(checked == quota, "only \(checked) of \(drawn) formulas had a point in their domain")
    // Skipping is safe but must stay the exception, or the central difference checks nothing.
    #expect(
      differences.skipped * 10 <= differences.checked,
      "central differences: \(differences.checked) compared, \(differences.skipped) skipped")
  }

  /// The generator is a pure function of its seed, and covers the grammar.
  @Test func generatorIsReproducibleAndCoversTheGrammar() throws {
    let seeds = RandomFormula.seeds(count: 2_000, base: Self.baseSeed)
    let sources = seeds.map { RandomFormula(seed: $0).source }
    #expect(sources == seeds.map { RandomFormula(seed: $0).source })
    let all = sources.joined(separator: "\n")
    for function in Function.allCases {
      #expect(all.contains(function.name + "(") || all.contains(function.name + "["), "\(function)")
    }
    for piece in [" + ", " - ", "*", "/", "^", "·", "ln(", "σ(", "[", "{", "e-3", ";", "\n", " = "] {
      #expect(all.contains(piece), "no formula contains '\(piece)'")
    }
    let depths = Set(seeds.map { RandomFormula(seed: $0).depth })
    #expect(depths == Set(1...RandomFormula.maximumDepth))
    // Every formula parses; a few hold a constant without a value (`log(0)`, `exp(sinh(100))`),
    // which is refused, with that diagnostic and no other.
    var refused = 0
    for source in sources.prefix(200) {
      do {
        _ = try Formula(parsing: source)
      } catch {
        guard case .constantWithoutValue = error.kind else {
          Issue.record("\(source): \(error.message)")
          continue
        }
        refused += 1
      }
    }
    #expect(refused <= 10, "\(refused) of 200 formulas hold a constant without a value")
  }
}

/// The property checks on one formula, shared by ``PropertyTests`` and ``RegressionTests``.
enum PropertyCheck {
  /// What one check found.
  struct Report {
    /// Points inside the domain the properties were checked at.
    var points = 0
    /// Variables whose central difference was compared with the symbolic derivative.
    var checkedDifferences = 0
    /// Variables whose central difference was skipped (a kink or domain edge within the step,
    /// or a step too coarse for the function).
    var skippedDifferences = 0
    var failures: [String] = []

    var summary: String {
      "\(points) points, \(skippedDifferences) differences skipped, \(failures.count) failures"
    }
  }

  /// Variables checked per formula, and points per formula.
  static let variableLimit = 3
  static let pointLimit = 2
  static let epsilon = Double.ulpOfOne

  /// Checks every property of `source` at up to two points drawn from `pointSeed`.
  static func run(_ source: String, pointSeed: UInt64, includeTrace: Bool? = nil) -> Report {
    var report = Report()
    let formula: Formula
    do {
      formula = try Formula(parsing: source)
    } catch {
      report.failures.append("does not parse: \(error.message)")
      return report
    }
    let variables = formula.variables
    let points = domainPoints(formula, seed: pointSeed)
    report.points = points.count
    guard !points.isEmpty else { return report }

    let root = formula.root
    let simplifiedRoot = formula.simplified(root)
    let wrt = Array(variables.prefix(variableLimit))
    let derivatives = formula.gradient(withRespectTo: wrt)
    let simplifiedDerivatives = derivatives.map { formula.simplified($0) }
    var tape = Tape(graph: formula.graph, root: root)
    let traceEvery = includeTrace ?? (pointSeed % 8 == 0)

    // Printing is deterministic: twice in one graph, and in a second parse of the same text.
    let plain = formula.printer(.plain)
    let latex = formula.printer(.latex)
    var printed: [(what: String, id: NodeID)] = [("formula", root), ("simplified formula", simplifiedRoot)]
    for (variable, d) in zip(wrt, simplifiedDerivatives) { printed.append(("∂/∂\(variable) simplified", d)) }
    // The operations counted from the structure are those of the printed text, and the length
    // known without printing is the text's.
    let counts = formula.graph.printedOperationCounts(printed.map(\.id))
    for ((what, id), count) in zip(printed, counts) {
      let text = plain.string(id)
      if count != operationCount(ofPlain: text) {
        report.failures.append(
          "\(what): \(count) operations counted, \(operationCount(ofPlain: text)) printed: \(text)")
      }
      if plain.length(id) != text.utf8.count {
        report.failures.append("\(what): length \(plain.length(id)) is not the text's")
      }
      if latex.length(id) != latex.string(id).utf8.count { report.failures.append("\(what): LaTeX length differs") }
    }
    if let again = try? Formula(parsing: source) {
      let againTexts =
        [again.root, again.simplified(again.root)]
        + again.gradient(withRespectTo: wrt).map { again.simplified($0) }
      for ((what, id), other) in zip(printed, againTexts) {
        let text = plain.string(id)
        if text != plain.string(id) { report.failures.append("\(what): printing twice differs") }
        let otherText = again.printer(.plain).string(other)
        if text != otherText {
          report.failures.append("\(what) prints differently in a second parse:\n  \(text)\n  \(otherText)")
        }
      }
    }

    for point in points {
      let pointText = describe(point)
      func note(_ message: String) { report.failures.append("at \(pointText): \(message)") }
      guard let f = conditioned(formula, root, at: point) else {
        note("no value at a point chosen inside the domain")
        continue
      }
      // Simplification keeps the value.
      if let s = conditioned(formula, simplifiedRoot, at: point) {
        if !agree(f, s) { note("simplified formula is \(s.value), the formula \(f.value)") }
      } else {
        note("simplified formula \(plain.string(simplifiedRoot)) has no value")
      }
      // parse(print(e)) and parse(latex(e)) are the same function.
      for (what, id) in printed {
        guard let original = conditioned(formula, id, at: point) else { continue }
        for (syntax, text) in [(InputSyntax.plain, plain.string(id)), (.latex, latex.string(id))] {
          if let problem = roundTripProblem(text, syntax: syntax, original: original, variables: variables, at: point) {
            note("\(what) in \(syntax.rawValue): \(problem)")
          }
        }
      }
      // Symbolic derivative = simplified derivative = backward pass = central difference.
      _ = try? tape.forward(at: point)
      tape.backward()
      let backward = tape.gradient(withRespectTo: wrt)
      for (index, variable) in wrt.enumerated() {
        guard let d = conditioned(formula, derivatives[index], at: point) else {
          note("∂/∂\(variable) has no value")
          continue
        }
        if let ds = conditioned(formula, simplifiedDerivatives[index], at: point) {
          if !agree(d, ds) { note("∂/∂\(variable): simplified \(ds.value), as derived \(d.value)") }
        } else {
          note("∂/∂\(variable) simplified (\(plain.string(simplifiedDerivatives[index]))) has no value")
        }
        let tapeTolerance = 2 * tolerance(d.condition) + tolerance(f.condition)
        if !(abs(backward[index] - d.value) <= tapeTolerance) {
          note("∂/∂\(variable): backward pass \(backward[index]), symbolic \(d.value)")
        }
        // A step over which the function moves by more than 1 % of its size does not resolve
        // it (`sin(2^θ²)`, exp of a cosh): its differences are noise, however their gaps shrink.
        let moves = abs(backward[index]) * step(at: point[variable] ?? 0) > 0.01 * max(1, abs(f.value))
        if !moves, let difference = centralDifference(formula, variable: variable, at: point, condition: f.condition) {
          report.checkedDifferences += 1
          let bound = difference.error + tolerance(d.condition)
          if !(abs(difference.value - d.value) <= bound) {
            note(
              "∂/∂\(variable): symbolic \(d.value), central difference \(difference.value) (± \(difference.error))")
          }
        } else {
          report.skippedDifferences += 1
        }
      }
      if traceEvery, let trace = try? traceGradients(formula, wrt: wrt, at: point) {
        for (index, variable) in wrt.enumerated() {
          guard let d = conditioned(formula, derivatives[index], at: point) else { continue }
          let value = trace[variable] ?? .nan
          if !(abs(value - d.value) <= 4 * tolerance(d.condition) + tolerance(f.condition)) {
            note("∂/∂\(variable): trace's backward pass \(value), symbolic \(d.value)")
          }
        }
      }
    }
    return report
  }

  // MARK: Conditioning

  /// A value and its condition κ = Σᵥ |v·∂e/∂v|: floating-point evaluation errs by about ε·κ.
  struct Conditioned {
    var value: Double
    var condition: Double
  }

  /// The rounding error allowed for an evaluation of condition κ.
  static func tolerance(_ condition: Double) -> Double { 256 * epsilon * condition + 1e-300 }

  static func agree(_ a: Conditioned, _ b: Conditioned) -> Bool {
    abs(a.value - b.value) <= tolerance(a.condition) + tolerance(b.condition)
  }

  /// The value of `id` at `point` with its condition, or nil where it has no value.
  static func conditioned(_ formula: Formula, _ id: NodeID, at point: [String: Double]) -> Conditioned? {
    let graph = formula.graph
    let adjoints = Differentiator(graph: graph).adjoints(of: id)
    let evaluator = Evaluator(graph: graph)
    guard let (values, _) = try? evaluator.values(of: [id], at: point), let value = values[id] else {
      return nil
    }
    let adjointValues = (try? evaluator.values(of: Array(adjoints.values), at: point))?.values
    var condition = 0.0
    for (node, v) in values {
      // Where an adjoint has no value (a kink's convention, say), count the node at full weight.
      let bar = adjoints[node].flatMap { adjointValues?[$0] } ?? 1
      condition += abs(v * bar)
    }
    return Conditioned(value: value, condition: max(condition, abs(value)))
  }

  // MARK: Points inside the domain

  /// Up to ``pointLimit`` points where every function is well inside its domain: no kink, domain
  /// edge or pole within 10⁻², and no intermediate value beyond 10⁶.
  static func domainPoints(_ formula: Formula, seed: UInt64) -> [[String: Double]] {
    var random = SplitMix64(seed: seed ^ 0x5EED_F00D)
    let variables = formula.variables
    var points: [[String: Double]] = []
    for _ in 0..<10 where points.count < pointLimit {
      var point: [String: Double] = [:]
      for name in variables { point[name] = random.uniform(-2...2) }
      if isWellInside(formula, at: point) { points.append(point) }
    }
    return points
  }

  static func isWellInside(_ formula: Formula, at point: [String: Double]) -> Bool {
    let graph = formula.graph
    guard let (values, _) = try? Evaluator(graph: graph).values(of: [formula.root], at: point) else {
      return false
    }
    let margin = 1e-2
    for (id, value) in values {
      guard abs(value) <= 1e6 else { return false }
      switch graph[id] {
      case .call(let function, let arguments):
        let u = arguments.map { values[$0] ?? .nan }
        switch function {
        case .log, .sqrt: if u[0] < margin { return false }
        case .asin, .acos: if abs(u[0]) > 1 - margin { return false }
        case .tan: if abs(cos(u[0])) < 10 * margin { return false }
        default: break
        }
        if function.hasKink && abs(Evaluator.switchValue(function, u)) < margin { return false }
      case .power(let base, let exponent):
        let b = values[base] ?? .nan
        let e = values[exponent] ?? .nan
        if (e < 1 || e != e.rounded()) && abs(b) < margin { return false }
      default: break
      }
    }
    return true
  }

  // MARK: The three gradients

  /// The Richardson-extrapolated central difference and its error bound, or nil when it cannot
  /// judge: a kink switches branch, the function has no value within the step, or the step is
  /// too coarse for the function (`sin(2^u²)` oscillates faster than h resolves).
  ///
  /// D(h) = (f(x + h) − f(x − h))/2h with h = 10⁻⁴·max(1, |x|). In the asymptotic regime the
  /// gaps |D(h) − D(h/2)| and |D(h/2) − D(h/4)| shrink by about 4; only then is the second gap an
  /// honest bound on the error of (4·D(h/4) − D(h/2))/3, plus the rounding of the samples,
  /// about 8ε·κ/h for a function of condition κ.
  /// The central differences' step at x: 10⁻⁴·max(1, |x|).
  static func step(at x: Double) -> Double { 1e-4 * max(1, abs(x)) }

  static func centralDifference(
    _ formula: Formula, variable: String, at point: [String: Double], condition: Double
  ) -> (value: Double, error: Double)? {
    let x = point[variable] ?? 0
    let h = step(at: x)
    var samples: [Double] = []
    var signs: [[Bool]] = []
    let evaluator = Evaluator(graph: formula.graph)
    for offset in [-h, -h / 2, -h / 4, h / 4, h / 2, h] {
      var shifted = point
      shifted[variable] = x + offset
      guard let (values, _) = try? evaluator.values(of: [formula.root], at: shifted),
        let value = values[formula.root]
      else { return nil }
      samples.append(value)
      signs.append(kinkSides(formula.graph, values))
    }
    guard Set(signs).count == 1 else { return nil }
    let wide = (samples[5] - samples[0]) / (2 * h)
    let middle = (samples[4] - samples[1]) / h
    let narrow = (samples[3] - samples[2]) / (h / 2)
    let rounding = 64 * epsilon * condition / h
    let coarseGap = abs(wide - middle)
    let fineGap = abs(middle - narrow)
    guard fineGap <= 0.5 * coarseGap + rounding else { return nil }
    let value = (4 * narrow - middle) / 3
    return (value, 2 * fineGap + rounding)
  }

  /// Which side of its kink each kinked call is on.
  static func kinkSides(_ graph: ExpressionGraph, _ values: NodeValues) -> [Bool] {
    values.ids.compactMap { id in
      guard case .call(let function, let arguments) = graph[id], function.hasKink else { return nil }
      return Evaluator.switchValue(function, arguments.map { values[$0] ?? .nan }) > 0
    }
  }

  /// The trace's backward-pass gradient (``Trace/GradientComparison/backpropValue``).
  static func traceGradients(
    _ formula: Formula, wrt: [String], at point: [String: Double]
  ) throws -> [String: Double] {
    let program = ForwardProgram(formula: formula, dataNames: [])
    let trace = try Trace(
      program: program, parameters: wrt, point: point)
    var result: [String: Double] = [:]
    for comparison in trace.gradients { result[comparison.parameter] = comparison.backpropValue }
    return result
  }

  // MARK: Round trips

  /// Why `text` read back is not the function `original`, or nil if it is.
  static func roundTripProblem(
    _ text: String, syntax: InputSyntax, original: Conditioned, variables: [String],
    at point: [String: Double]
  ) -> String? {
    let reparsed: Formula
    do {
      reparsed = try Formula(parsing: text, syntax: syntax)
    } catch {
      return "'\(text)' does not parse back: \(error.message)"
    }
    let extra = Set(reparsed.variables).subtracting(variables)
    guard extra.isEmpty else { return "'\(text)' reads back with new variables \(extra.sorted())" }
    guard let again = conditioned(reparsed, reparsed.root, at: point) else {
      return "'\(text)' reads back without a value"
    }
    guard agree(original, again) else {
      return "'\(text)' reads back as \(again.value), not \(original.value)"
    }
    return nil
  }

  static func describe(_ point: [String: Double]) -> String {
    point.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
  }
}
