import ChainRuleCLI
import Foundation
import Testing

/// relu′(0): 0 by default (as PyTorch), 1 with `--relu-grad-at-zero 1` (as the NumPy tutorial's
/// `grad_h[h < 0] = 0`), said in the trace wherever relu is used.
@Suite struct ReluConventionTests {
  static let network = Snapshot.examples.appendingPathComponent("relu-network.chain").path

  /// The trace's JSON gradient by parameter.
  static func gradient(_ arguments: [String]) throws -> [String: Double] {
    let result = chainrule(["trace"] + arguments + ["--format", "json"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let rows = try #require(JSONDocument(result.stdout)?.object["gradient"] as? [[String: Any]])
    var gradient: [String: Double] = [:]
    for row in rows {
      if let name = row["wrt"] as? String, let value = row["backpropValue"] as? Double { gradient[name] = value }
    }
    return gradient
  }

  @Test(arguments: [("0", 0.0), ("1", -2.0)])
  func theOptionChoosesReluPrimeAtZero(option: String, expected: Double) throws {
    let formula = "(relu(w*x) - y)^2"
    let g = try Self.gradient([formula, "--at", "w=0,x=1,y=1", "--relu-grad-at-zero", option])
    #expect(g["w"] == expected)
    for command in ["diff", "check"] {
      let result = chainrule([
        command, formula, "--at", "w=0,x=1,y=1", "--relu-grad-at-zero", option, "--format", "json",
      ])
      let json = try #require(JSONDocument(result.stdout))
      let rows = try #require((json.object["derivatives"] ?? json.object["rows"]) as? [[String: Any]])
      let w = rows.first { $0["wrt"] as? String == "w" }
      #expect(jsonNumber(w?["value"] ?? w?["symbolic"]) == expected, "\(command)")
    }
    // Away from 0 the conventions agree.
    let away = try Self.gradient([formula, "--at", "w=0.5,x=1,y=1", "--relu-grad-at-zero", option])
    #expect(away["w"] == -1)
  }

  /// The NumPy tutorial's backward pass, `grad_h[h < 0] = 0`, at a point where h₁ = 0 exactly.
  @Test func optionOneGivesTheNumPyTutorialsNumbers() throws {
    let point = "x1=1,x2=2,y=1,a11=0.4,a12=-0.3,a13=0.8,a21=-0.2,a22=0.4,a23=-0.6,b1=0.7,b2=-0.5,b3=0.2"
    let x = [1.0, 2.0]
    let w1 = [[0.4, -0.3, 0.8], [-0.2, 0.4, -0.6]]
    let w2 = [0.7, -0.5, 0.2]
    let h = (0..<3).map { j in x[0] * w1[0][j] + x[1] * w1[1][j] }
    #expect(h[0] == 0)
    let yPred = (0..<3).reduce(0.0) { $0 + max(h[$1], 0) * w2[$1] }
    let gradHRelu = w2.map { 2 * (yPred - 1) * $0 }
    let numpy = (0..<3).map { h[$0] < 0 ? 0 : gradHRelu[$0] }  // grad_h[h < 0] = 0
    let pytorch = (0..<3).map { h[$0] > 0 ? gradHRelu[$0] : 0 }
    #expect(numpy[0] != pytorch[0])
    for (option, expected) in [("1", numpy), ("0", pytorch)] {
      let g = try Self.gradient([
        "--file", Self.network, "--data", "x1,x2,y", "--at", point, "--relu-grad-at-zero", option,
      ])
      for j in 0..<3 {
        for i in 0..<2 {
          #expect(abs((g["a\(i + 1)\(j + 1)"] ?? .nan) - x[i] * expected[j]) < 1e-12, "option \(option)")
        }
      }
    }
  }

  @Test func theTraceSaysWhichConventionItUses() {
    let point = "x1=1,x2=2,y=1,a11=0.5,a12=-0.3,a13=0.8,a21=-0.2,a22=0.4,a23=-0.6,b1=0.7,b2=-0.5,b3=0.2"
    let base = ["trace", "--file", Self.network, "--data", "x1,x2,y", "--at", point, "--format", "unicode"]
    let standard = chainrule(base)
    #expect(
      standard.stdout.hasSuffix(
        "\nReLU at 0: relu′(0) = 0 here (relu′ = 𝟙[h > 0], as PyTorch: a unit at exactly 0 passes\n"
          + "no gradient). The NumPy tutorial's grad_h[h < 0] = 0 passes it, relu′(0) = 1: add\n"
          + "--relu-grad-at-zero 1 for its numbers.\n"))
    let other = chainrule(base + ["--relu-grad-at-zero", "1"])
    #expect(other.stdout.contains("ReLU at 0: relu′(0) = 1 here (--relu-grad-at-zero 1"))
    #expect(other.stdout.contains("relu(u) is read as max(u, 0), which picks u on a tie."))
    // No relu, no note.
    #expect(!chainrule("trace", "(w*x - y)^2", "--at", "w=1,x=2,y=3").stdout.contains("ReLU"))
  }

  @Test(arguments: ["diff", "trace"])
  func matrixModeRefusesOptionOne(command: String) {
    let numpy = Snapshot.examples.appendingPathComponent("numpy-two-layer.chain").path
    let result = chainrule(command, "-f", numpy, "--relu-grad-at-zero", "1")
    #expect(result.exitCode == 64)
    #expect(
      result.stderr.hasPrefix(
        "error: --relu-grad-at-zero 1 is for scalar formulas; matrix mode uses relu′(0) = 0 (𝟙[h > 0])\n"))
    #expect(chainrule(command, "-f", numpy, "--relu-grad-at-zero", "0").exitCode == 0)
  }

  @Test(arguments: ["diff", "check", "trace"])
  func aValueOtherThanZeroOrOneIsAUsageError(command: String) {
    let result = chainrule(command, "relu(x)", "--at", "x=0", "--relu-grad-at-zero", "0.5")
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("error: --relu-grad-at-zero must be 0 or 1; found '0.5'\n"))
  }
}
