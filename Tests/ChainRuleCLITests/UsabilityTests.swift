import ChainRuleCLI
import Foundation
import Testing

/// Slips found by trying the tool as a user: a mistyped subcommand, a gradient check far from 0.
@Suite struct UsabilityTests {
  @Test(arguments: [
    (["trase", "x^2", "--at", "x=1"], "trace"), (["dif", "x^2"], "diff"), (["chek", "x", "--at", "x=1"], "check"),
  ])
  func misspeltSubcommandIsNamed(arguments: [String], meant: String) {
    let result = chainrule(arguments)
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("error: unknown command '\(arguments[0])'; did you mean '\(meant)'?\n"))
  }

  /// A lone word is a formula, not a slip: `chainrule dif` differentiates the variable dif.
  @Test func loneWordIsAFormula() {
    let result = chainrule("dif")
    #expect(result.exitCode == 0)
    #expect(result.stdout.hasPrefix("l = dif\n"))
  }

  /// Far from 0 the step grows with |x|; a periodic function then needs the short step too.
  @Test(arguments: [("sin(x)", "x=1e8"), ("cos(3*x)", "x=-4e6"), ("sin(x)*exp(x/1e5)", "x=12345")])
  func checkFarFromZeroAgrees(formula: String, point: String) {
    let result = chainrule("check", formula, "--at", point)
    #expect(result.exitCode == 0, "\(result.stdout)")
    #expect(result.stdout.contains("the derivative agrees with the numbers"))
  }

  /// A formula whose names are all defined numbers has no derivatives, and says so and why.
  @Test func definedNumbersLeaveNoVariables() {
    let result = chainrule("diff", "N = 3; x = -2; l = N*x^2")
    #expect(result.exitCode == 0)
    #expect(
      result.stderr
        == "note: l has no variables: lines such as 'N = 3' make constants; to differentiate by them, drop those lines and give the values with --at N=3,x=-2\n"
    )
    #expect(chainrule("diff", "3^2").stderr == "note: l has no variables, so it has no derivatives\n")
  }

  /// x·relu(x) is differentiable at 0 although relu has a kink there: the one-sided differences
  /// agree, and so the check judges the derivative instead of calling the point a kink.
  @Test func differentiableThroughAKink() {
    let result = chainrule("check", "relu(x)*x", "--at", "x=0")
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("the derivative agrees with the numbers"))
    #expect(!result.stdout.contains("not differentiable"))
    #expect(chainrule("check", "relu(x)", "--at", "x=0").stdout.contains("kink: not differentiable here"))
  }

  /// A run whose loss ends far above its start is not reported as a fit without a warning.
  @Test func aGrowingLossIsWarnedAbout() {
    let data = Snapshot.examples.appendingPathComponent("toy-data.csv").path
    let model = Snapshot.examples.appendingPathComponent("toy-model.chain").path
    let result = chainrule("train", "-f", model, "--data", data, "--lr", "100", "--epochs", "50")
    #expect(result.stderr.contains("warning: the loss grew from"), "\(result.stderr)")
    let fine = chainrule("train", "-f", model, "--data", data, "--lr", "0.05", "--epochs", "20")
    #expect(!fine.stderr.contains("warning"))
  }

  /// The backward pass evaluates a local derivative from the step's input, where the evaluator
  /// avoids cancelling: tanh′ at 20 is 1 − tanh(20)², about 1.7·10⁻¹⁷, not 1 − h² = 0.
  @Test func backpropOfASaturatedTanhIsNotZero() throws {
    let result = chainrule("trace", "tanh(x*w)", "--at", "x=20,w=1", "--format", "json")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let row = try #require((json["gradient"] as? [[String: Any]])?.first)
    let backprop = try #require(row["backpropValue"] as? Double)
    let closed = try #require(row["closedFormValue"] as? Double)
    #expect(backprop > 3.3e-16 && backprop < 3.5e-16, "\(backprop)")
    #expect(abs(backprop - closed) <= 1e-12 * abs(closed))
  }
}
