// The fuzz target's checks on the command's own output: `diff --format json` and `latex`.
//
// The library checks in FuzzTarget.swift print expressions one at a time; these run the input
// through the commands a user runs, so the renderers' shared size limit, the JSON writer and the
// LaTeX document are fuzzed as well.
import ChainRule
import ChainRuleCLI
import Foundation

extension FuzzCheck {
  /// Inputs longer than this skip the command checks (the commands repeat the library's work).
  static let commandInputLimit = 2_000

  /// `diff --format json` and `latex` on `source` at `point`: exit 0 with well-formed output, or
  /// exit 1 with one `error:`; JSON values agree with the backward pass (`Tape`) where the point
  /// is well-conditioned.
  static func checkCommands(_ source: String, _ formula: Formula, at point: [String: Double]) {
    guard source.utf8.count <= commandInputLimit else { return }
    let at = point.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    var json = ["diff", "-f", "-", "--format", "json"]
    var latex = ["latex", "-f", "-"]
    if !at.isEmpty {
      json += ["--at", at]
      latex += ["--at", at]
    }
    let jsonResult = ChainRuleCommand.run(arguments: json, stdin: { source })
    expectOutcome(jsonResult, "diff --format json", source)
    if jsonResult.exitCode == 0 { checkJSON(jsonResult.stdout, formula, at: point, source) }
    let latexResult = ChainRuleCommand.run(arguments: latex, stdin: { source })
    expectOutcome(latexResult, "latex", source)
    if latexResult.exitCode == 0 { checkLaTeX(latexResult.stdout, source) }
  }

  /// Exit 0 with output, or exit 1 with exactly one diagnostic; never another code or a silent 1.
  static func expectOutcome(_ result: CommandResult, _ what: String, _ source: String) {
    switch result.exitCode {
    case 0:
      if result.stdout.isEmpty { fail("\(what): exit 0 with no output", source) }
    case 1:
      if !result.stderr.contains("error: ") { fail("\(what): exit 1 without an error\n\(result.stderr)", source) }
    default:
      fail("\(what): exit \(result.exitCode)\n\(result.stderr.prefix(1_000))", source)
    }
  }

  /// The JSON document parses, names a derivative per variable, and each value given agrees with
  /// the tape's.
  static func checkJSON(_ text: String, _ formula: Formula, at point: [String: Double], _ source: String) {
    guard let data = text.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let derivatives = object["derivatives"] as? [[String: Any]]
    else { fail("diff --format json: not a JSON object with derivatives\n\(text.prefix(1_000))", source) }
    let names = derivatives.compactMap { $0["wrt"] as? String }
    if names != formula.variables {
      fail("diff --format json: derivatives by \(names), variables \(formula.variables)", source)
    }
    // The tape's gradient, where the point is away from kinks and every value is moderate.
    guard let (values, kinks) = try? Evaluator(graph: formula.graph).values(of: [formula.root], at: point),
      kinks.isEmpty
    else { return }
    let scale = values.values.reduce(0) { max($0, abs($1)) }
    guard scale < 1e6 else { return }
    var tape = Tape(graph: formula.graph, root: formula.root)
    guard (try? tape.forward(at: point)) != nil else { return }
    tape.backward()
    let gradient = tape.gradient(withRespectTo: names)
    let closed = formula.gradient(withRespectTo: names)
    for (index, entry) in derivatives.enumerated() {
      guard let number = entry["value"] as? NSNumber, !(entry["value"] is Bool) else { continue }
      let value = number.doubleValue
      let expected = gradient[index]
      guard expected.isFinite, let (_, derivativeScale) = valueAndScale(formula, closed[index], point),
        derivativeScale < 1e6
      else { continue }
      let tolerance = 1e-7 * max(1, scale, derivativeScale)
      if abs(value - expected) > tolerance {
        fail("diff --format json: ∂/∂\(names[index]) is \(value), the tape gives \(expected) at \(point)", source)
      }
    }
  }

  /// The LaTeX document is balanced: braces (outside `\{ \}`), `\begin`/`\end`, `\left`/`\right`;
  /// it has no `nan`/`inf` and no empty math.
  static func checkLaTeX(_ text: String, _ source: String) {
    var depth = 0
    var previous: Character = " "
    for character in text {
      if previous != "\\" {
        if character == "{" { depth += 1 }
        if character == "}" { depth -= 1 }
      }
      if depth < 0 { fail("latex: a '}' closes nothing\n\(text.prefix(2_000))", source) }
      previous = previous == "\\" && character == "\\" ? " " : character
    }
    if depth != 0 { fail("latex: \(depth) unclosed '{'\n\(text.prefix(2_000))", source) }
    func count(_ word: String) -> Int { text.components(separatedBy: word).count - 1 }
    if count("\\begin{") != count("\\end{") { fail("latex: \\begin and \\end do not pair", source) }
    if count("\\left") != count("\\right") { fail("latex: \\left and \\right do not pair", source) }
    for word in ["nan", "inf", "NaN"] where text.range(of: "\\b\(word)\\b", options: .regularExpression) != nil {
      fail("latex: the document contains '\(word)'", source)
    }
    // Empty math (`$$`) is a finding, as `values kept in memory: 0 ($$)` once was.
    for line in text.split(separator: "\n") where line.contains("$$") {
      fail("latex: empty math in '\(line)'", source)
    }
  }
}
