import ChainRule
import ChainRuleCLI
import Testing

/// `chainrule train` in matrix mode: seed 002's loop on seeded random data.
@Suite struct MatrixTrainTests {
  /// The losses printed, by iteration.
  static func losses(_ text: String) -> [(Int, Double)] {
    text.split(separator: "\n").compactMap { line in
      let cells = line.split(separator: " ")
      guard cells.count == 2, let t = Int(cells[0]), let loss = Double(cells[1]) else { return nil }
      return (t, loss)
    }
  }

  @Test func seed002LossFalls() {
    let result = chainrule(
      "train", "-f", MatrixCommandTests.twoLayer, "--random", "1", "--lr", "1e-4", "--iterations", "100", "--at",
      "N=16,D_in=50,H=20,D_out=5")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("  w1 <- w1 - lr*dloss/dw1, w2 <- w2 - lr*dloss/dw2, lr = 0.0001, full batch\n"))
    #expect(
      result.stdout.contains("seed 1: standard normal data x 16x50, y 16x5 and starting values w1 50x20, w2 20x5"))
    let losses = Self.losses(result.stdout)
    #expect(losses.map(\.0) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99])
    for (a, b) in zip(losses, losses.dropFirst()) { #expect(b.1 < a.1, "\(a) → \(b)") }
    #expect((losses.last?.1 ?? .infinity) < (losses.first?.1 ?? 0) / 100)
  }

  /// One step of the loop equals the NumPy listing's update, computed here with the kernels.
  @Test func oneStepIsTheListingsUpdate() throws {
    let source =
      "x: 6×4; y: 6×2; w1: 4×3; w2: 3×2\nh = x·w1; h_relu = max(h, 0); y_pred = h_relu·w2\nloss = sum((y_pred - y)^2)"
    let formula = try MatrixFormula(parsing: source)
    let inputs = try formula.inputValues(seed: 7)
    let rate = 1e-3
    var training = try MatrixTraining(formula: formula, parameters: ["w1", "w2"], inputs: inputs, rate: rate)
    let loss = try training.step()
    let (x, y, w1, w2) = try (
      #require(inputs["x"]), #require(inputs["y"]), #require(inputs["w1"]), #require(inputs["w2"])
    )
    let h = Matrix.product(x, w1)
    let hRelu = h.map { max($0, 0) }
    let yPred = Matrix.product(hRelu, w2)
    let diff = Matrix.elementwise(yPred, y, rows: 6, columns: 2, -)
    #expect(abs(loss - diff.frobeniusSquared) < 1e-12 * max(1, loss))
    let gradYPred = diff.map { 2 * $0 }
    let gradW2 = Matrix.product(hRelu.transposed, gradYPred)
    var gradH = Matrix.product(gradYPred, w2.transposed)
    for i in gradH.values.indices where h.values[i] < 0 { gradH.values[i] = 0 }
    let gradW1 = Matrix.product(x.transposed, gradH)
    for (name, start, gradient) in [("w1", w1, gradW1), ("w2", w2, gradW2)] {
      let fitted = try #require(training.inputs[name])
      for i in start.values.indices {
        #expect(abs(fitted.values[i] - (start.values[i] - rate * gradient.values[i])) < 1e-12, "\(name)[\(i)]")
      }
    }
    #expect(training.inputs["x"] == x)
  }

  @Test(arguments: [
    (MatrixCommandTests.mlp, ["--lr", "0.1", "--at", "lambda=0.01"]),
    (MatrixCommandTests.softmax, ["--lr", "0.5"]),
  ])
  func examplesTrain(_ file: String, _ options: [String]) {
    let result = chainrule(["train", "-f", file, "--random", "3", "--iterations", "200"] + options)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let losses = Self.losses(result.stdout)
    #expect(losses.count == 11)
    #expect((losses.last?.1 ?? .infinity) < (losses.first?.1 ?? 0) * 0.9, "\(result.stdout)")
  }

  @Test func errors() {
    let twoLayer = MatrixCommandTests.twoLayer
    for arguments in [
      ["train", "-f", twoLayer, "--lr", "1e-6"], ["train", "-f", twoLayer, "--random", "1"],
      ["train", "-f", twoLayer, "--random", "1", "--lr", "1e-6", "--data", "x.csv"],
      ["train", "-f", twoLayer, "--random", "1", "--lr", "1e-6", "--iterations", "0"],
    ] {
      #expect(chainrule(arguments).exitCode == 64, "\(arguments)")
    }
    let diverges = chainrule(
      "train", "-f", twoLayer, "--random", "1", "--lr", "1", "--iterations", "50", "--at", MatrixCommandTests.small)
    #expect(diverges.exitCode == 1)
    #expect(diverges.stderr.contains("a smaller --lr may help"), "\(diverges.stderr)")
  }
}
