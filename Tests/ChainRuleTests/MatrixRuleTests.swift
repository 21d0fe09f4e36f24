import ChainRule
import Testing

/// Every adjoint rule of the table against central differences, entry by entry, at random shapes
/// and seeds: each formula is differentiated symbolically by every input, evaluated, and each
/// entry compared with (ℓ(X + h·Eᵢⱼ) − ℓ(X − h·Eᵢⱼ))/2h.
@Suite struct MatrixRuleTests {
  /// Formulas exercising one rule each (R is a random weight, so ℓ = sum(R ⊙ C) tests C's adjoint
  /// C̄ = R in every entry).
  static let cases: [(rule: String, source: String)] = [
    ("matrix product", "A: m×k; B: k×n; R: m×n; l = sum(R ⊙ (A·B))"),
    ("matrix product, vector", "A: m×k; v: k; r: m; l = sum(r ⊙ (A @ v))"),
    ("transpose", "A: m×n; R: n×m; l = sum(R .* A')"),
    ("sum, broadcast row", "A: m×n; b: 1×n; R: m×n; l = sum(R ⊙ (A + b))"),
    ("sum, broadcast column", "A: m×n; c: m×1; R: m×n; l = sum(R ⊙ (A - c))"),
    ("sum, broadcast scalar", "A: m×n; R: m×n; l = sum(R ⊙ (A + s))"),
    ("elementwise product", "A: m×n; B: m×n; R: m×n; l = sum(R ⊙ (A ⊙ B))"),
    ("elementwise product, broadcast", "A: m×n; b: 1×n; c: m×1; R: m×n; l = sum(R ⊙ (b ⊙ A ⊙ c))"),
    ("scalar times matrix", "A: m×n; R: m×n; l = sum(R ⊙ (s·A·t))"),
    ("elementwise power", "A: m×n; R: m×n; l = sum(R ⊙ A^3)"),
    ("elementwise power, fractional", "A: m×n; R: m×n; l = sum(R ⊙ (A ⊙ A + 1)^(-0.5))"),
    ("division", "A: m×n; B: m×n; R: m×n; l = sum(R ⊙ (A / (B ⊙ B + 1)))"),
    ("division by a size", "A: m×n; l = sum(A ⊙ A)/m + mean(A)"),
    ("max of two", "A: m×n; B: 1×n; R: m×n; l = sum(R ⊙ max(A, B))"),
    ("min of two", "A: m×n; B: m×n; R: m×n; l = sum(R ⊙ min(A, B))"),
    ("relu as max(h, 0)", "A: m×n; R: m×n; l = sum(R ⊙ max(A, 0))"),
    ("sum of rows", "A: m×n; r: 1×n; l = sum(r ⊙ A.sum(axis=0))"),
    ("sum of columns", "A: m×n; c: m×1; l = sum(c ⊙ sum(A, 1))"),
    ("mean", "A: m×n; r: 1×n; l = sum(r ⊙ mean(A, axis=0)) + mean(A)^2"),
    ("softmax", "A: m×n; R: m×n; l = sum(R ⊙ softmax(A))"),
    ("softmax, column vector", "a: n; r: n; l = sum(r ⊙ softmax(a))"),
    ("softmax + cross-entropy", "Z: m×n; Y: m×n; l = crossentropy(softmax(Z), Y)"),
    ("softmax + cross-entropy, indices", "X: m×k; W: k×n; y: m×1; l = crossentropy(softmax(X·W), y)"),
    ("cross-entropy unfused", "Z: m×n; Y: m×n; P = softmax(Z); l = crossentropy(P, Y) + sum(P)"),
    ("trace", "A: n×k; B: k×n; l = trace(A·B)"),
    ("squared Frobenius norm", "A: m×n; B: m×n; l = ‖A‖² + norm2(B)^2 + ‖A - B‖_F^2"),
    ("Frobenius norm", "A: m×n; l = norm(A) + ‖A‖_F"),
    ("chain", "x: m×k; w1: k×n; b: 1×n; w2: n×1; y: m×1; l = sum((tanh(x·w1 + b)·w2 - y)^2)"),
  ]

  /// The functions of one argument, each at arguments inside its domain and away from kinks.
  static let functionCases: [(rule: String, source: String)] = Function.standardFunctions.filter { $0.arity == 1 }
    .map { f in
      let argument = f.hasKink ? "A" : "0.3·sigmoid(A) + 0.2"
      return ("elementwise \(f.name)", "A: m×n; R: m×n; l = sum(R ⊙ \(f.name)(\(argument)))")
    }

  static func check(_ source: String, seed: UInt64) throws {
    var generator = ChainRuleSupport.SplitMix64(seed: seed)
    let sizes = ["m", "n", "k"].reduce(into: [String: Int]()) { $0[$1] = 1 + Int(generator.next() % 4) }
    let formula = try MatrixFormula(parsing: source, sizes: sizes)
    let inputs = try formula.inputValues(seed: seed)
    let names = formula.inputs.filter { $0.labels == nil }.map(\.name)
    let gradient = try formula.gradient(withRespectTo: names)
    let values = try MatrixEvaluator(graph: formula.graph, inputs: inputs, bindings: formula.bindings).values(
      of: gradient)
    let check = MatrixGradientCheck(formula: formula, inputs: inputs)
    let printer = MatrixPrinter(graph: formula.graph, notation: .unicode, names: formula.stepNames)
    for (name, node) in zip(names, gradient) {
      let value = try #require(values[node])
      let input = try #require(inputs[name])
      #expect(value.rows == input.rows && value.columns == input.columns, "∂l/∂\(name) has the shape of \(name)")
      for entry in try check.compare(name, gradient: value) where !entry.agrees {
        Issue.record(
          "\(source) at \(sizes), seed \(seed): ∂l/∂\(name)[\(entry.row),\(entry.column)] = \(entry.symbolic) (\(printer.string(node))), central difference \(entry.numeric)"
        )
      }
    }
  }

  @Test("each adjoint rule agrees with central differences", arguments: cases + functionCases)
  func adjointAgrees(_ rule: String, _ source: String) throws {
    for seed: UInt64 in [1, 2, 3] { try Self.check(source, seed: seed &* 7919 &+ UInt64(rule.utf8.count)) }
  }

  /// The table has an entry for every operation, and each tested operation is named by a case.
  @Test func everyOperationHasAnEntry() {
    for operation in MatrixOperation.allCases {
      #expect(MatrixRule.rule(for: operation).operation == operation)
    }
  }
}
