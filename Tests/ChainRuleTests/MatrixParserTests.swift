import ChainRule
import Testing

/// The spellings matrix mode reads, in plain text, Unicode, NumPy and LaTeX, and the errors it
/// gives, whole with their carets.
@Suite struct MatrixParserTests {
  /// The node of the result of `source`, printed in Unicode with its steps expanded.
  static func printed(_ source: String) throws -> String {
    let formula = try MatrixFormula(parsing: source)
    return MatrixPrinter(graph: formula.graph, notation: .unicode).string(formula.root)
  }

  static let declarations = "x: N×D_in; w1: D_in×H; w: H×H; b: 1×H; v: H\n"

  /// Spellings that must build the same node as the first of their row.
  static let sameNode: [[String]] = [
    [
      "sum(x·w1)", "sum(x*w1)", "sum(x @ w1)", "sum(x.dot(w1))", "sum(x ⋅ w1)", "x.dot(w1).sum()", "sum(np.dot(x, w1))",
    ],
    ["sum(w·wᵀ)", "sum(w*w')", "sum(w.dot(w.T))", "sum(w @ transpose(w))", "sum(w*w^T)"],
    ["sum(w^2)", "sum(w ⊙ w)", "sum(w .* w)", "sum(square(w))", "np.square(w).sum()", "sum(w**2)"],
    ["‖w‖²", "norm2(w)^2", "‖w‖_F^2", "‖w‖²_F", "norm(w)^2", "|w|^2"],
    ["sum(max(x·w1, 0))", "sum(relu(x·w1))", "sum(np.maximum(x.dot(w1), 0))"],
    ["sum(x·w1 + b)", "(x·w1 + b).sum()"],
    ["sum(vᵀ·w·v)", "sum(v'*w*v)", "sum(v.T @ w @ v)"],
  ]

  @Test(arguments: sameNode)
  func spellingsBuildOneNode(_ spellings: [String]) throws {
    let expected = try Self.printed(Self.declarations + "l = " + spellings[0])
    for spelling in spellings.dropFirst() {
      #expect(try Self.printed(Self.declarations + "l = " + spelling) == expected, "\(spelling)")
    }
  }

  /// Declarations: `64×1000`, `64x1000`, `N × D_in`, `v: 3`, LaTeX `\in \mathbb{R}^{…}`.
  @Test(
    arguments: [
      ("x: 64×1000", "64×1000"), ("x: 64x1000", "64×1000"), ("x: 64 x 1000", "64×1000"), ("x: N×D_in", "N×D_in"),
      ("x: N x D_in", "N×D_in"), ("x: 3", "3×1"), ("x: 1×100", "1×100"), ("x: 64*10", "64×10"),
      (#"x \in \mathbb{R}^{N \times D}"#, "N×D"), ("x ∈ N×D", "N×D"),
    ])
  func declarations(_ line: String, _ shape: String) throws {
    let program = try MatrixParser.parse(line + "\nl = sum(x)")
    #expect(program.declarations.first?.shape.description == shape)
  }

  @Test func onlyDeclarationsSwitchToMatrixMode() {
    #expect(MatrixParser.declaresShapes("x: 3\nl = sum(x)"))
    #expect(MatrixParser.declaresShapes("# a network\nw: 2×2, b: 1×2\nl = sum(w + b)"))
    #expect(!MatrixParser.declaresShapes("sin(x)^2*y"))
    #expect(!MatrixParser.declaresShapes("# note: a comment with a colon\nf = w*x + b\nl = (f - y)^2"))
    #expect(!MatrixParser.declaresShapes("f[x, φ] = β₀ + ω₀·x"))
  }

  /// The book's LaTeX reads as the plain formula does.
  @Test(
    arguments: [
      (#"x: d \\ W^{(1)}: h×d \\ \ell = \|W^{(1)} x\|_F^2"#, "x: d; W⁽¹⁾: h×d; l = ‖W⁽¹⁾·x‖²"),
      (#"W: m×n \\ s = \frac{\lambda}{2} \|W\|_F^2"#, "W: m×n; s = λ/2·‖W‖²"),
      (#"A: n×n \\ B: n×n \\ l = \operatorname{tr}\left(A^\top B\right)"#, "A: n×n; B: n×n; l = trace(Aᵀ·B)"),
      (#"A: n×n \\ B: n×n \\ l = \mathrm{sum}(A \odot B^{\top})"#, "A: n×n; B: n×n; l = sum(A ⊙ Bᵀ)"),
      (#"x: N×D \\ w: D×C \\ l = \sum\left(\sigma(x w)\right)"#, "x: N×D; w: D×C; l = sum(sigmoid(x·w))"),
      (
        #"x \in \mathbb{R}^{N \times D} \\ W^{(1)} \in \mathbb{R}^{D \times H} \\ b \in \mathbb{R}^{1 \times H} \\ \ell = \frac{1}{2}\|\operatorname{ReLU}(x W^{(1)} + b)\|_F^2"#,
        "x: N×D; W⁽¹⁾: D×H; b: 1×H; l = ‖relu(x·W⁽¹⁾ + b)‖²/2"
      ),
    ])
  func latexInput(_ latex: String, _ plain: String) throws {
    #expect(try Self.printed(latex) == (try Self.printed(plain)))
  }

  /// Shape errors say the expression, both shapes and what is wrong, and point at the operator.
  @Test(
    arguments: [
      (
        "x: 64×1000; w2: 100×10\ny_pred = x·w2\nloss = sum(y_pred)",
        """
        error: x·w2: (64×1000)·(100×10): inner sizes 1000 and 100 differ
         --> input:2:11
        2 | y_pred = x·w2
          |           ^ A·B needs as many columns in A as rows in B; a transpose may be missing

        """
      ),
      (
        "N, D, H = 64, 1000, 100\nx: N×D; w: H×H\nl = sum(x @ w)",
        """
        error: x @ w: (64×1000)·(100×100): inner sizes 1000 and 100 differ
         --> input:3:11
        3 | l = sum(x @ w)
          |           ^ A·B needs as many columns in A as rows in B; a transpose may be missing

        """
      ),
      (
        "h: N×H; b: 1×D\nl = sum(h + b)",
        """
        error: h + b: (N×H) + (1×D): column counts H and D differ and neither is 1, so they do not broadcast
         --> input:2:11
        2 | l = sum(h + b)
          |           ^ elementwise operations need equal shapes, or a 1×n row, m×1 column or scalar to repeat

        """
      ),
      (
        "x: N×D\nl = x",
        """
        error: the result is N×D, not a scalar; a gradient needs a scalar such as a loss
         --> input:2:1
        2 | l = x
          | ^ add it up: sum(…), or take a norm ‖…‖²

        """
      ),
      (
        "x: 3\nl = sum(sinn(x))",
        """
        error: unknown function 'sinn'
         --> input:2:9
        2 | l = sum(sinn(x))
          |         ^^^^ did you mean 'sin'?

        """
      ),
    ])
  func shapeErrors(_ source: String, _ expected: String) {
    do {
      _ = try MatrixFormula(parsing: source)
      Issue.record("no error for \(source)")
    } catch {
      #expect(DiagnosticRenderer().render(error, in: source) == expected)
    }
  }
}
