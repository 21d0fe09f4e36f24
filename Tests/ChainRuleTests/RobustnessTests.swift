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

/// Large and deep inputs must end in a value or a diagnostic, never a crash. Each runs in its own
/// process (an exit test), so a stack overflow fails one test instead of ending the whole run.
@Suite struct RobustnessTests {
  @Test func parenthesesNestedBeyondTheLimitAreADiagnostic() async {
    await #expect(processExitsWith: .success) {
      for depth in [Parser.maximumDepth + 1, Parser.maximumDepth + 10] {
        let source = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
        do {
          _ = try Parser.parse(source)
          exit(1)
        } catch {
          guard let diagnostic = error as? Diagnostic else { exit(2) }
          guard diagnostic.kind == .nestingTooDeep(limit: Parser.maximumDepth) else { exit(3) }
          // The span is the bracket one level past the limit (UTF-8 offset from 0).
          guard diagnostic.span.start == Parser.maximumDepth else { exit(4) }
        }
      }
      exit(0)
    }
  }

  @Test func parenthesesNestedUpToTheLimitParse() async {
    await #expect(processExitsWith: .success) {
      let depth = Parser.maximumDepth
      let source = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
      let formula = try? Formula(parsing: source)
      exit(formula.map { $0.plain($0.root) == "x" } == true ? 0 : 1)
    }
  }

  /// Three thousand one-line definitions nest `sin` three thousand deep (a small input: the
  /// parser's nesting limit does not apply across definitions). Differentiating works; the
  /// canonical form of the derivative must too.
  @Test func deepDefinitionChainSimplifies() async {
    await #expect(processExitsWith: .success) {
      var lines = ["f0 = x"]
      for k in 1...3_000 { lines.append("f\(k) = sin(f\(k - 1))") }
      guard let formula = try? Formula(parsing: lines.joined(separator: "\n")) else { exit(1) }
      let d = formula.gradient(withRespectTo: ["x"])[0]
      let simple = formula.simplified(d)
      // d/dx of the nested sines is the product of the cosines of the levels below each.
      var value = 0.4
      var slope = 1.0
      for _ in 1...3_000 {
        slope *= cos(value)
        value = sin(value)
      }
      guard let symbolic = try? Evaluator(graph: formula.graph).evaluate(simple, at: ["x": 0.4]) else { exit(3) }
      // The canonical form flattens the chain rule's nested products into one product.
      guard formula.graph.kind(simple) == .product else { exit(4) }
      exit(abs(symbolic - slope) <= 1e-12 * abs(slope) ? 0 : 2)
    }
  }

  /// Ten thousand definitions nest `sin` ten thousand deep: the closed form must still print.
  @Test func deepDefinitionChainPrints() async {
    await #expect(processExitsWith: .success) {
      var lines = ["f0 = x"]
      for k in 1...10_000 { lines.append("f\(k) = sin(f\(k - 1))") }
      guard let formula = try? Formula(parsing: lines.joined(separator: "\n")) else { exit(1) }
      let text = formula.plain(formula.root)
      exit(text.hasPrefix("sin(sin(") && text.count == 10_000 * 5 + 1 ? 0 : 2)
    }
  }

  /// The same chain evaluates and differentiates without recursion.
  @Test func deepDefinitionChainEvaluates() throws {
    var lines = ["f0 = x"]
    for k in 1...10_000 { lines.append("f\(k) = sin(f\(k - 1))") }
    let formula = try Formula(parsing: lines.joined(separator: "\n"))
    let d = formula.gradient(withRespectTo: ["x"])[0]
    var value = 0.3
    var slope = 1.0
    for _ in 1...10_000 {
      slope *= cos(value)
      value = sin(value)
    }
    #expect(isClose(try formula.value(formula.root, at: ["x": 0.3]), value, relative: 1e-12))
    #expect(isClose(try formula.value(d, at: ["x": 0.3]), slope, relative: 1e-9))
  }

  @Test func inputTooLargeIsADiagnostic() throws {
    let source = String(repeating: "x + ", count: Parser.maximumInputBytes / 4) + "x"
    #expect(throws: Diagnostic.self) { try Parser.parse(source) }
    do {
      _ = try Parser.parse(source)
    } catch {
      #expect(error.kind == .inputTooLarge(bytes: source.utf8.count, limit: Parser.maximumInputBytes))
    }
  }

  @Test func longFlatSumsAreFine() throws {
    let source = (1...5_000).map { "w\($0)*x\($0)" }.joined(separator: " + ")
    let formula = try Formula(parsing: source)
    let gradient = formula.gradient(withRespectTo: ["w1", "x5000"])
    var point: [String: Double] = [:]
    for i in 1...5_000 {
      point["w\(i)"] = Double(i)
      point["x\(i)"] = 1
    }
    #expect(try gradient.map { try formula.value($0, at: point) } == [1, 5_000])
    #expect(formula.plain(formula.simplified(gradient[1])) == "w5000")
  }
}
