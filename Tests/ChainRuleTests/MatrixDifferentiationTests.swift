import ChainRule
import Testing

/// Matrix-mode gradients print as the tutorials write them, in the user's step names.
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

  static func gradients(_ source: String, _ names: [String], _ notation: Notation = .unicode) throws -> [String] {
    let formula = try MatrixFormula(parsing: source)
    let printer = MatrixPrinter(graph: formula.graph, notation: notation, names: formula.stepNames)
    return try formula.gradient(withRespectTo: names).map { printer.string($0) }
  }

  @Test func seed002() throws {
    let printed = try Self.gradients(Self.numpyTwoLayer, ["w1", "w2"])
    #expect(printed == ["xᵀ·((2·(y_pred − y)·w₂ᵀ) ⊙ 𝟙[h > 0])", "h_reluᵀ·(2·(y_pred − y))"])
  }
}
