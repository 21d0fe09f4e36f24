import ChainRuleCLI
import Foundation
import Testing

/// `chainrule exercise`: the same seed gives the same exercise, the answer key is what `diff`
/// prints, and the worked solution compiles.
@Suite struct ExerciseTests {
  static let seeds: [UInt64] = [1, 2, 7, 42]
  static let settings: [(level: Int, topic: String)] = [
    (1, "chain"), (1, "product"), (1, "quotient"), (1, "network"), (2, "chain"), (2, "product"), (2, "quotient"),
    (2, "network"), (3, "network"),
  ]

  static func arguments(_ seed: UInt64, _ level: Int, _ topic: String, _ format: String) -> [String] {
    ["exercise", "--seed", "\(seed)", "--level", "\(level)", "--topic", topic, "--format", format]
  }

  @Test func sameSeedSameExerciseOtherSeedOther() {
    let a = chainrule(Self.arguments(7, 2, "product", "json"))
    let b = chainrule(Self.arguments(7, 2, "product", "json"))
    #expect(a.exitCode == 0)
    #expect(a.stdout == b.stdout)
    let formulas = Set(Self.seeds.map { chainrule(Self.arguments($0, 2, "chain", "json")).stdout })
    #expect(formulas.count > 1)
    // Without --topic the seed picks one, the same each time.
    #expect(chainrule("exercise", "--seed", "9").stdout == chainrule("exercise", "--seed", "9").stdout)
  }

  /// Every answer in the key is the expression and value `diff` gives for the same formula.
  @Test(arguments: settings.indices)
  func answerKeyMatchesDiff(_ index: Int) throws {
    let (level, topic) = Self.settings[index]
    for seed in Self.seeds {
      let key = try #require(JSONDocument(chainrule(Self.arguments(seed, level, topic, "json")).stdout))
      #expect(key.object["level"] as? Int == level)
      #expect(key.object["topic"] as? String == topic)
      let formula = try #require(key.object["formula"] as? String)
      let variables = try #require(key.object["variables"] as? [String])
      let point = try #require(key.object["point"] as? [String: Any])
      let at = point.keys.sorted().map { "\($0)=\(jsonNumber(point[$0]) ?? .nan)" }.joined(separator: ",")
      let diff = try #require(
        JSONDocument(
          chainrule("diff", formula, "--wrt", variables.joined(separator: ","), "--at", at, "--format", "json").stdout))
      let expected = try #require(diff.object["derivatives"] as? [[String: Any]])
      let answers = try #require(key.object["answers"] as? [[String: Any]])
      #expect(answers.count == expected.count)
      for (answer, reference) in zip(answers, expected) {
        #expect(answer["wrt"] as? String == reference["wrt"] as? String)
        #expect(answer["expression"] as? String == reference["expression"] as? String, "seed \(seed): \(formula)")
        let value = try #require(jsonNumber(answer["value"]))
        let referenceValue = try #require(jsonNumber(reference["value"]))
        #expect(isClose(value, referenceValue, relative: 1e-12))
      }
      // And the key's answer is graded right.
      let first = try #require(answers.first)
      let wrt = try #require(first["wrt"] as? String)
      let expression = try #require(first["expression"] as? String)
      #expect(chainrule("grade", formula, "--wrt", wrt, "--answer", expression).exitCode == 0)
    }
  }

  @Test func levelsPractiseTheirRules() throws {
    for seed in Self.seeds {
      let product = try #require(JSONDocument(chainrule(Self.arguments(seed, 1, "product", "json")).stdout))
      #expect((product.object["rules"] as? [String])?.contains("product rule") == true)
      let quotient = try #require(JSONDocument(chainrule(Self.arguments(seed, 2, "quotient", "json")).stdout))
      let rules = try #require(quotient.object["rules"] as? [String])
      #expect(rules.contains("quotient rule"))
      #expect(rules.contains("chain rule") || rules.contains("power rule"))
      let network = try #require(JSONDocument(chainrule(Self.arguments(seed, 3, "network", "json")).stdout))
      #expect(((network.object["variables"] as? [String])?.count ?? 0) >= 4)
    }
  }

  @Test func plainTextStatesTheProblemWithoutTheSolution() {
    let result = chainrule(Self.arguments(7, 2, "product", "plain"))
    #expect(result.stdout.hasPrefix("Exercise (level 2, the product rule; seed 7)\n"))
    #expect(result.stdout.contains("Check your answer:\n  chainrule grade '"))
    let key = chainrule(Self.arguments(7, 2, "product", "json")).stdout
    let expression = key.split(separator: "\n").first { $0.contains("\"expression\"") } ?? ""
    let derivative = expression.split(separator: "\"").dropFirst(3).first.map(String.init) ?? "?"
    #expect(!result.stdout.contains(derivative))
  }

  /// The worked solutions for several seeds and every level compile with pdflatex.
  @Test(
    .enabled(
      if: PDFLaTeX.path != nil || ProcessInfo.processInfo.environment["CI"] != nil,
      "skipped: pdflatex is not installed (CI installs texlive-latex-base)"))
  func solutionsCompileWithPDFLaTeX() throws {
    let pdflatex = try #require(PDFLaTeX.path, "pdflatex is missing: .ci/run installs texlive-latex-base")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-exercise-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for seed in Self.seeds.prefix(2) {
      for (level, topic) in Self.settings {
        let name = "exercise-\(seed)-\(level)-\(topic)"
        let tex = directory.appendingPathComponent("\(name).tex")
        let result = chainrule(Self.arguments(seed, level, topic, "latex") + ["-o", tex.path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pdflatex)
        process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "\(name).tex"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let log = (try? String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "pdflatex failed on \(name):\n\(log.suffix(1500))")
      }
    }
  }

  @Test func latexIsADocument() {
    let latex = chainrule(Self.arguments(1, 1, "chain", "latex")).stdout
    #expect(latex.hasPrefix("\\documentclass{article}"))
    #expect(latex.contains("\\section*{Solution}"))
    #expect(latex.hasSuffix("\\end{document}\n"))
  }

  /// The commands the exercise prints reproduce it: naming the drawn topic changes nothing, and
  /// the backward-pass hint names a step the trace has.
  @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
  func printedCommandsReproduceTheExercise(seed: UInt64) throws {
    for level in ["2", "3"] {
      let shown = chainrule("exercise", "--seed", "\(seed)", "--level", level)
      let key = try #require(
        shown.stdout.split(separator: "\n").first { $0.hasPrefix("The answer key:") }?.split(separator: " ").dropFirst(
          4))
      let json = chainrule(Array(key.map(String.init)))
      let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
      let formula = try #require(object["formula"] as? String)
      #expect(shown.stdout.contains("grade '\(formula.replacingOccurrences(of: "\n", with: "; "))'"), "\(shown.stdout)")
      if level == "3" {
        let hint = try #require(shown.stdout.split(separator: "\n").first { $0.contains("--trace --answer") })
        let step = try #require(hint.split(separator: "'dl/d").last?.split(separator: " ").first)
        let trace = chainrule(
          "grade", formula.replacingOccurrences(of: "\n", with: "; "), "--trace", "--answer", "dl/d\(step) = 0")
        #expect(!trace.stderr.contains("neither a step nor a variable"), "\(trace.stderr)")
      }
    }
  }
}
