import ChainRule
import Testing

/// Matrix-mode gradients print as the tutorials write them, in the user's step names, in every
/// notation; `diff --steps` ends on the same node; plain output reads back as the same gradient.
@Suite struct MatrixDifferentiationTests {
  static let numpyTwoLayer = """
    N, D_in, H, D_out = 64, 1000, 100, 10
    x: N×D_in
    y: N×D_out
    w1: D_in×H
    w2: H×D_out
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)
    loss = np.square(y_pred - y).sum()
    """

  static let mlp = """
    x: d; y: q; W⁽¹⁾: H×d; W⁽²⁾: q×H
    z = W⁽¹⁾·x
    h = relu(z)
    o = W⁽²⁾·h
    L = ‖o − y‖²/2
    s = λ/2·(‖W⁽¹⁾‖²_F + ‖W⁽²⁾‖²_F)
    J = L + s
    """

  static func gradients(_ source: String, _ names: [String], _ notation: Notation = .unicode) throws -> [String] {
    let formula = try MatrixFormula(parsing: source)
    let printer = MatrixPrinter(graph: formula.graph, notation: notation, names: formula.stepNames)
    return try formula.gradient(withRespectTo: names).map { printer.string($0) }
  }

  @Test func seed002InEveryNotation() throws {
    #expect(
      try Self.gradients(Self.numpyTwoLayer, ["w1", "w2"])
        == ["xᵀ·((2·(y_pred − y)·w₂ᵀ) ⊙ 𝟙[h > 0])", "h_reluᵀ·(2·(y_pred − y))"])
    #expect(
      try Self.gradients(Self.numpyTwoLayer, ["w1", "w2"], .plain)
        == ["x.T*((2*(y_pred - y)*w2.T) .* step(h))", "h_relu.T*(2*(y_pred - y))"])
    #expect(
      try Self.gradients(Self.numpyTwoLayer, ["w2"], .latex)
        == [#"h_{\mathit{relu}}^{\top} \left(2 \left(y_{\mathit{pred}} - y\right)\right)"#])
  }

  @Test func seed000WithNamedAdjoints() throws {
    #expect(
      try Self.gradients(Self.mlp, ["W^(1)", "W^(2)"])
        == ["((W⁽²⁾ᵀ·(o − y)) ⊙ 𝟙[z > 0])·xᵀ + λ·W⁽¹⁾", "(o − y)·hᵀ + λ·W⁽²⁾"])
    let formula = try MatrixFormula(parsing: Self.mlp, sizes: ["d": 4, "H": 5, "q": 3])
    let report = try MatrixReport(formula: formula, variables: ["W^(2)"], namedAdjoints: true)
    let text = report.text(.unicode)
    #expect(text.contains("∂J/∂W⁽²⁾ = (∂J/∂o)·hᵀ + λ·W⁽²⁾\n"), "\(text)")
    #expect(text.contains("  ∂J/∂o = o − y"), "\(text)")
  }

  /// Shapes, broadcasting and the losses of the other examples, as printed.
  static let printed: [(source: String, wrt: String, expected: String)] = [
    ("x: N×D; w: D×C; b: 1×C; y: N×1; l = crossentropy(softmax(x·w + b), y)", "w", "xᵀ·(softmax(x·w + b) − onehot(y))"),
    ("x: N×D; w: D×C; b: 1×C; y: N×1; l = crossentropy(softmax(x·w + b), y)", "b", "𝟏ᵀ·(softmax(x·w + b) − onehot(y))"),
    ("x: N×D; w: D×1; c: N×1; l = sum((x·w) ⊙ c)", "w", "xᵀ·c"),
    ("A: n×n; l = trace(A)", "A", "I"),
    ("W: m×n; l = λ/2·‖W‖²", "W", "λ·W"),
    ("W: m×n; l = norm2(W)", "W", "W/‖W‖_F"),
    ("x: N×D; l = mean(x)", "x", "1/(N·D)·𝟏"),
    ("h: N×H; l = sum(tanh(h))", "h", "1 − tanh(h)^∘2"),
    ("h: N×H; l = sum(sigmoid(h))", "h", "σ(h) ⊙ (1 − σ(h))"),
    ("v: 3; w: 3; l = sum(v ⊙ w) + vᵀ·w", "v", "2·w"),
  ]

  @Test(arguments: printed)
  func gradientPrints(_ source: String, _ wrt: String, _ expected: String) throws {
    #expect(try Self.gradients(source, [wrt]) == [expected])
  }

  /// `diff --steps` ends where `diff` does: its last line's adjoint is the gradient's node.
  @Test(arguments: MatrixRuleTests.cases.map(\.source) + [numpyTwoLayer, mlp])
  func derivationEndsAtTheGradient(_ source: String) throws {
    let formula = try MatrixFormula(parsing: source, sizes: ["m": 3, "n": 2, "k": 4, "d": 4, "H": 5, "q": 3])
    let names = formula.inputs.filter { $0.labels == nil }.map(\.name)
    for (name, gradient) in zip(names, try formula.gradient(withRespectTo: names)) {
      let derivation = try MatrixDerivation(formula: formula, variable: name)
      #expect(derivation.gradient == gradient, "\(source): ∂/∂\(name)")
      #expect(derivation.lines.count >= 2)
    }
  }

  /// Printed plain gradients read back (with their steps inlined) as the same values.
  @Test(arguments: MatrixRuleTests.cases.map(\.source).filter { !$0.contains("crossentropy") })
  func plainOutputReadsBack(_ source: String) throws {
    let sizes = ["m": 3, "n": 2, "k": 4]
    let formula = try MatrixFormula(parsing: source, sizes: sizes)
    let names = formula.inputs.map(\.name)
    let inputs = try formula.inputValues(seed: 5)
    let printer = MatrixPrinter(graph: formula.graph, notation: .plain)
    let declarations = formula.inputs.map { "\($0.name): \($0.shape.rows)×\($0.shape.columns)" }.joined(separator: "\n")
    for (name, gradient) in zip(names, try formula.gradient(withRespectTo: names)) {
      let text = printer.string(gradient)
      let again = try MatrixFormula(parsing: declarations + "\ng = \(text)\nl = sum(g)", sizes: sizes)
      let evaluate = { (f: MatrixFormula, node: MatrixNodeID) in
        try MatrixEvaluator(graph: f.graph, inputs: inputs, bindings: f.bindings).values(of: [node])[node]
      }
      let original = try #require(try evaluate(formula, gradient))
      let step = try #require(again.steps.first { $0.name == "g" }?.node)
      let read = try #require(try evaluate(again, step))
      #expect(read.rows == original.rows && read.columns == original.columns, "\(text)")
      for (a, b) in zip(read.values, original.values) { #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(text)") }
    }
  }
}
