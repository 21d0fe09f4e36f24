import ChainRuleCLI
import Foundation
import Testing

/// `diff` and `trace` of formulas that declare shapes: matrix mode through the command line.
@Suite struct MatrixCommandTests {
  static let twoLayer = DocumentationTests.root.appendingPathComponent("Examples/numpy-two-layer.chain").path
  static let mlp = DocumentationTests.root.appendingPathComponent("Examples/mlp-l2.chain").path
  static let softmax = DocumentationTests.root.appendingPathComponent("Examples/softmax-regression.chain").path
  static let small = "N=4,D_in=5,H=3,D_out=2"

  @Test func seed002() {
    let result = chainrule("diff", "-f", Self.twoLayer, "--format", "unicode")
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(
      result.stdout.contains("\n∂loss/∂w₁ = xᵀ·((2·(y_pred − y)·w₂ᵀ) ⊙ 𝟙[h > 0])\n  shape D_in×H = 1000×100, as w₁\n"))
    #expect(result.stdout.contains("\n∂loss/∂w₂ = h_reluᵀ·(2·(y_pred − y))\n  shape H×D_out = 100×10, as w₂\n"))
    #expect(result.stdout.contains("h_relu = relu(h)              N×H = 64×100\n"))
    // Piped output is ASCII, and reads back.
    let plain = chainrule("diff", "-f", Self.twoLayer).stdout
    #expect(plain.contains("dloss/dw2 = h_relu.T*(2*(y_pred - y))\n"))
    #expect(plain.contains("  shape D_in x H = 1000x100, as w1\n"))
    #expect(plain.unicodeScalars.allSatisfy { $0.isASCII }, "\(plain)")
  }

  @Test func seed000NamesItsAdjoints() {
    let result = chainrule("diff", "-f", Self.mlp, "--format", "unicode", "--adjoints", "named")
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("∂J/∂W⁽²⁾ = (∂J/∂o)·hᵀ + λ·W⁽²⁾\n"), "\(result.stdout)")
    #expect(result.stdout.contains("∂J/∂W⁽¹⁾ = (∂J/∂z)·xᵀ + λ·W⁽¹⁾\n"))
    #expect(result.stdout.contains("  ∂J/∂z = (∂J/∂h) ⊙ 𝟙[z > 0]"))
    let inline = chainrule("diff", "-f", Self.mlp, "--format", "unicode", "--wrt", "W⁽²⁾")
    #expect(inline.stdout.contains("∂J/∂W⁽²⁾ = (o − y)·hᵀ + λ·W⁽²⁾\n"))
  }

  @Test func stepsEndWhereDiffDoes() {
    let result = chainrule("diff", "-f", Self.twoLayer, "--format", "unicode", "--steps", "--wrt", "w2")
    let text = result.stdout
    #expect(text.contains("  dloss = d sum((y_pred − y)^∘2)\n"))
    #expect(text.contains("        = tr(2·(y_pred − y)ᵀ·h_relu·dw₂)"))
    #expect(text.contains("so ∂loss/∂w₂ = Aᵀ, with A = 2·(y_pred − y)ᵀ·h_relu\n"))
    #expect(text.contains("  ∂loss/∂w₂ = h_reluᵀ·(2·(y_pred − y))\n  layout: ∂loss/∂w₂ has the shape of w₂"))
    #expect(text.contains("the Jacobian A is its transpose (D_out×H)"))
  }

  /// The entry by the scalar chain rule adds up to the matrix formula's entry.
  @Test(arguments: ["w1[0,2]", "w2[1,0]", "w1[3,1]"])
  func entryAddsUp(_ entry: String) throws {
    let result = chainrule("diff", "-f", Self.twoLayer, "--entry", entry, "--random", "4", "--at", Self.small)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let sum = try #require(lines.first { $0.hasPrefix("  at [") }?.split(separator: "=").last)
    let matrix = try #require(
      lines.first { $0.hasPrefix("  the matrix formula's entry: ") }?.split(separator: ":").last)
    #expect(sum.trimmingCharacters(in: .whitespaces) == matrix.trimmingCharacters(in: .whitespaces))
  }

  @Test func scalariseAgrees() {
    let result = chainrule(
      "diff", "-f", Self.twoLayer, "--scalarise", "--random", "2", "--at", "N=2,D_in=3,H=2,D_out=2")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("all 6 entries of w1 agree"))
    #expect(result.stdout.contains("all 4 entries of w2 agree"))
    let large = chainrule("diff", "-f", Self.twoLayer, "--scalarise")
    #expect(large.exitCode == 64)
    #expect(large.stderr.contains("--scalarise is for small sizes"))
  }

  @Test func traceShowsBothPasses() {
    let result = chainrule("trace", "-f", Self.twoLayer, "--format", "unicode")
    #expect(result.exitCode == 0, "\(result.stderr)")
    for line in [
      "  h = x·w₁                      N×H = 64×100", "  ∂loss/∂y_pred = 2·(y_pred − y)",
      "  ∂loss/∂h_relu = (∂loss/∂y_pred)·w₂ᵀ",
      "  ∂loss/∂h = (∂loss/∂h_relu) ⊙ 𝟙[h > 0]", "  ∂loss/∂w₁ = xᵀ·(∂loss/∂h)", "  ∂loss/∂w₂ = h_reluᵀ·(∂loss/∂y_pred)",
    ] {
      #expect(result.stdout.contains(line), "\(line)")
    }
  }

  @Test func softmaxRegression() {
    let result = chainrule("diff", "-f", Self.softmax, "--format", "unicode")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("∂loss/∂W = Xᵀ·((P − onehot(y))/N)\n"), "\(result.stdout)")
    #expect(result.stdout.contains("∂loss/∂b = 𝟏ᵀ·((P − onehot(y))/N)\n"), "\(result.stdout)")
  }

  /// The JSON contract: per result wrt, shape, expression, value; inputs with shapes and values.
  @Test func jsonContract() throws {
    let result = chainrule("diff", "-f", Self.twoLayer, "--format", "json", "--random", "3", "--at", Self.small)
    #expect(result.exitCode == 0)
    let json = try #require(JSONDocument(result.stdout))
    let inputs = try #require(json.object["inputs"] as? [String: [String: Any]])
    #expect(Set(inputs.keys) == ["x", "y", "w1", "w2"])
    #expect(inputs["x"]?["shape"] as? [Int] == [4, 5])
    #expect((inputs["x"]?["value"] as? [[Double]])?.count == 4)
    let derivatives = try #require(json.object["derivatives"] as? [[String: Any]])
    #expect(derivatives.map { $0["wrt"] as? String } == ["w1", "w2"])
    #expect(derivatives.map { $0["shape"] as? [Int] } == [[5, 3], [3, 2]])
    #expect(derivatives[1]["expression"] as? String == "h_relu.T*(2*(y_pred - y))")
    let value = try #require(derivatives[0]["value"] as? [[Double]])
    #expect(value.count == 5 && value.allSatisfy { $0.count == 3 })
  }

  /// Anyone can recompute the gradients from the JSON: seed 002's own NumPy backward pass.
  @Test func numpyRecomputesTheGradients() throws {
    guard let python = MatrixCodeTests.python else { return }
    let result = chainrule(
      "diff", "-f", Self.twoLayer, "--format", "json", "--random", "11", "--at", "N=6,D_in=7,H=5,D_out=3")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-matrix-\(getpid()).json")
    try result.stdout.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let script = """
      import json, sys
      try:
          import numpy as np
      except ImportError:
          print("no numpy"); sys.exit(0)
      d = json.load(open(sys.argv[1]))
      v = {k: np.array(e["value"]) for k, e in d["inputs"].items()}
      x, y, w1, w2 = v["x"], v["y"], v["w1"], v["w2"]
      h = x.dot(w1); h_relu = np.maximum(h, 0); y_pred = h_relu.dot(w2)
      grad_y_pred = 2.0 * (y_pred - y)
      grad_w2 = h_relu.T.dot(grad_y_pred)
      grad_h = grad_y_pred.dot(w2.T); grad_h[h < 0] = 0
      grad_w1 = x.T.dot(grad_h)
      got = {e["wrt"]: np.array(e["value"]) for e in d["derivatives"]}
      assert list(got["w1"].shape) == d["derivatives"][0]["shape"]
      err = max(np.abs(got["w1"] - grad_w1).max(), np.abs(got["w2"] - grad_w2).max())
      assert abs(d["value"] - np.square(y_pred - y).sum()) < 1e-9 * max(1, abs(d["value"]))
      print("ok" if err < 1e-9 else "mismatch %g" % err)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(output == "ok\n" || output == "no numpy\n", "\(output)")
  }

  @Test func errorsAndUsage() {
    let shape = chainrule("diff", "x: 64×1000; w2: 100×10; l = sum(x·w2)")
    #expect(shape.exitCode == 1)
    #expect(shape.stderr.hasPrefix("error: x·w2: (64×1000)·(100×10): inner sizes 1000 and 100 differ\n"))
    for arguments in [
      ["diff", "-f", Self.twoLayer, "--random", "seven"], ["diff", "-f", Self.twoLayer, "--adjoints", "some"],
      ["diff", "-f", Self.twoLayer, "--entry", "w1"], ["diff", "-f", Self.twoLayer, "--at", "N=2.5"],
      ["diff", "-f", Self.twoLayer, "--entry", "q[1,1]"],
    ] {
      let result = chainrule(arguments)
      #expect(result.exitCode == 64, "\(arguments): \(result.stderr)")
    }
    let unbound = chainrule("diff", "x: N×D; l = sum(x ⊙ x)", "--random", "1")
    #expect(unbound.exitCode == 1)
    #expect(unbound.stderr == "error: the size N has no number; add N=… to --at\n")
  }

  /// Standard input is read once: a matrix formula and a scalar one both come through `-f -`.
  @Test func standardInput() {
    let matrix = chainrule("diff", "-f", "-", stdin: "w: 2×2\nl = sum(w^2)")
    #expect(matrix.stdout.contains("dl/dw = 2*w\n"))
    let scalar = chainrule("diff", "-f", "-", stdin: "x^3")
    #expect(scalar.stdout.contains("dl/dx = 3*x^2\n"), "\(scalar.stdout)")
  }
}
