import ChainRule
import ChainRuleCLI
import Testing

/// The end of `trace` in matrix mode: the gradient check, the cost in FLOPs and the memory.
@Suite struct MatrixTraceTests {
  static let twoLayer = MatrixCommandTests.twoLayer

  @Test func gradientCheckTable() throws {
    let result = chainrule("trace", "-f", Self.twoLayer, "--random", "5", "--at", MatrixCommandTests.small)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let header = try #require(lines.firstIndex { $0.hasPrefix("  entry ") })
    #expect(lines[header].split(separator: " ") == ["entry", "backprop", "numeric", "rel", "error", "verdict"])
    // Three sampled entries of w1 (5×3) and three of w2 (3×2), distinct, each agreeing.
    let rows = lines[(header + 1)...].prefix { $0.hasPrefix("  w") }
    #expect(rows.count == 6)
    #expect(Set(rows.map { $0.split(separator: " ")[0] }).count == 6)
    for row in rows {
      let cells = row.split(separator: " ").map(String.init)
      #expect(cells.last == "ok", "\(row)")
      let error = try #require(Double(cells[3]))
      #expect(error < 1e-6)
      #expect(abs((Double(cells[1]) ?? .nan) - (Double(cells[2]) ?? .nan)) <= 1e-4 * max(1, abs(Double(cells[1]) ?? 0)))
    }
    #expect(result.stdout.contains("every sampled entry agrees"))
  }

  /// A wrong gradient is caught: the check compares against the loss, not against the formula.
  @Test func checkCatchesAWrongGradient() throws {
    let formula = try MatrixFormula(parsing: "w: 2×3; l = sum(w ⊙ w ⊙ w)")
    let inputs = try formula.inputValues(seed: 3)
    let w = try #require(inputs["w"])
    let check = MatrixGradientCheck(formula: formula, inputs: inputs)
    let right = try check.compare("w", gradient: w.map { 3 * $0 * $0 })
    #expect(right.count == 6 && right.allSatisfy(\.agrees))
    let wrong = try check.compare("w", gradient: w.map { 2 * $0 * $0 })
    #expect(wrong.allSatisfy { !$0.agrees })
    let sampled = try check.compare("w", gradient: w, limit: 4, seed: 9)
    #expect(Set(sampled.map { $0.row * 3 + $0.column }).count == 4)
  }

  /// FLOPs by the counting rule, by hand for seed 002: forward x·w1 (2·N·D_in·H), relu (N·H),
  /// h_relu·w2 (2·N·H·D_out), y_pred − y as −1·y then + (2·N·D_out), the square and the sum.
  @Test func costOfSeed002() throws {
    let source = try String(contentsOfFile: Self.twoLayer, encoding: .utf8)
    let formula = try MatrixFormula(parsing: source)
    let gradients = try formula.gradient(withRespectTo: ["w1", "w2"])
    let cost = MatrixCost(formula: formula, gradients: gradients)
    let (n, d, h, o) = (64, 1000, 100, 10)
    #expect(cost.forward.value(formula.bindings) == 2 * n * d * h + n * h + 2 * n * h * o + 4 * n * o)
    // Backward: 2·(y_pred − y), h_reluᵀ·G, G·w2ᵀ, 𝟙[h > 0] and ⊙, xᵀ·grad_h.
    #expect(cost.backward.value(formula.bindings) == n * o + 4 * n * h * o + 2 * n * h + 2 * n * d * h)
    // The closed forms compute x·w1 five times in all (three in ∂loss/∂w1, two in ∂loss/∂w2).
    let closed = try #require(cost.closedForms.value(formula.bindings))
    #expect(closed > 2 * (cost.forward.value(formula.bindings) ?? 0))
    #expect(cost.closedForms.terms[["D_in", "H", "N"]] == 10)
    #expect(cost.stored.compactMap(\.name) == ["h", "h_relu"])
    #expect(cost.storedEntries.text(order: ["N", "D_in", "H", "D_out"]) == "2·N·H + N·D_out")
    #expect(cost.storedEntries.value(formula.bindings) == 2 * n * h + n * o)
  }

  @Test func costAndMemoryInTheTrace() {
    let result = chainrule("trace", "-f", Self.twoLayer, "--format", "unicode")
    #expect(result.exitCode == 0)
    let text = result.stdout
    #expect(
      text.contains(
        "  one forward pass:                        2·N·D_in·H + 2·N·H·D_out + N·H + 4·N·D_out = 12,936,960\n"))
    #expect(text.contains("  forward + backward = 26,006,400: the closed forms cost 2.48 times as much,\n"))
    #expect(text.contains("  h, h_relu (N×H each), y_pred − y (N×D_out)\n"))
    #expect(text.contains("  2·N·H + N·D_out = 13,440 values = 105 KiB in float64\n"))
    #expect(text.contains("  in proportion to N: at N = 128, 26,880 values (210 KiB)\n"))
    #expect(text.contains("prediction (the forward pass alone) stores none of them"))
    #expect(!text.contains("Gradient check"), "no numbers without --random")
    let small = chainrule("trace", "-f", Self.twoLayer, "--at", "N=2,D_in=3,H=4,D_out=1")
    #expect(small.stdout.contains("  2*N*H + N*D_out = 18 values = 144 bytes in float64\n"), "\(small.stdout)")
  }

  /// Memory grows with the batch: of the sizes every term has (N and C), the one declared first.
  @Test func memoryOfSoftmaxRegression() {
    let result = chainrule("trace", "-f", MatrixCommandTests.softmax, "--format", "unicode")
    #expect(result.stdout.contains("  P (N×C)\n  N·C = 24 values = 192 bytes in float64\n"), "\(result.stdout)")
    #expect(result.stdout.contains("  in proportion to N: at N = 16, 48 values (384 bytes)\n"))
  }

  /// `trace --format json` carries the check, the costs and the memory for scripts.
  @Test func traceJSON() throws {
    let result = chainrule(
      "trace", "-f", Self.twoLayer, "--format", "json", "--random", "2", "--at", MatrixCommandTests.small)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let json = try #require(JSONDocument(result.stdout))
    let checks = try #require(json.object["gradientCheck"] as? [[String: Any]])
    #expect(checks.count == 6)
    #expect(checks.allSatisfy { $0["agrees"] as? Bool == true && ($0["relativeError"] as? Double ?? 1) < 1e-6 })
    let cost = try #require(json.object["cost"] as? [String: [String: Any]])
    // N=4, D_in=5, H=3, D_out=2: 2·4·5·3 + 2·4·3·2 + 4·3 + 4·4·2.
    #expect(cost["forward"]?["value"] as? Int == 120 + 48 + 12 + 32)
    #expect(cost["forward"]?["formula"] as? String == "2*N*D_in*H + 2*N*H*D_out + 4*N*D_out + N*H")
    let memory = try #require(json.object["memory"] as? [String: Any])
    #expect(memory["bytes"] as? Int == (2 * 4 * 3 + 4 * 2) * 8)
    let stored = try #require(memory["stored"] as? [[String: Any]])
    #expect(stored.map { $0["expression"] as? String } == ["h", "h_relu", "y_pred - y"])
    #expect(stored.first?["shape"] as? [Int] == [4, 3])
  }

  @Test func byteUnits() {
    #expect(MatrixCostRenderer.bytes(102_400) == "100 KiB")
    #expect(MatrixCostRenderer.bytes(144) == "144 bytes")
    #expect(MatrixCostRenderer.bytes(1_572_864) == "1.5 MiB")
    #expect(MatrixCostRenderer.grouped(12_936_960) == "12,936,960")
  }
}
