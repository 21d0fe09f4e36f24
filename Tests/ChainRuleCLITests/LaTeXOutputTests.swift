import ChainRuleCLI
import Foundation
import Testing

/// The LaTeX a teacher pastes into lecture notes: golden files, and a real pdflatex run.
@Suite struct LaTeXOutputTests {
  static let toyPoint = TraceSnapshotTests.toyPoint
  static let sigmoidPoint = TraceSnapshotTests.sigmoidPoint

  static func example(_ name: String) -> String {
    Snapshot.examples.appendingPathComponent(name).path
  }

  static let cases: [(arguments: [String], snapshot: String)] = [
    (["latex", "--file", example("toy-model.chain"), "--at", toyPoint, "--steps"], "latex-toy-model.tex"),
    (["latex", "--file", example("sigmoid-network.chain"), "--at", sigmoidPoint], "latex-sigmoid-network.tex"),
    (
      [
        "latex", "--file", example("sigmoid-network.chain"), "--at", sigmoidPoint, "--step-names", "--update", "0.5",
      ], "latex-sigmoid-network-step-names.tex"
    ),
    (
      ["latex", "--file", example("softmax-cross-entropy.chain"), "--at", "z1=1,z2=2,z3=0.5", "--step-names"],
      "latex-softmax-step-names.tex"
    ),
    (["latex", "(w*x - y)^2", "--at", "w=0.5,x=2,y=3"], "latex-one-step.tex"),
    (
      ["latex", "--file", example("toy-model.chain"), "--fragment", "--brackets", "round"],
      "latex-toy-model-fragment.tex"
    ),
    (
      ["diff", "--file", example("toy-model.chain"), "--wrt", "omega0", "--steps", "--format", "unicode"],
      "diff-steps-toy-model.txt"
    ),
    (["diff", "x^2*sin(x)/(1 + x) + x^x", "--steps", "--format", "plain"], "diff-steps-quotient.txt"),
  ]

  @Test(arguments: cases.indices)
  func outputMatchesSnapshot(_ index: Int) {
    let (arguments, snapshot) = Self.cases[index]
    let result = ChainRuleCommand.run(arguments: arguments)
    #expect(result.exitCode == 0, "\(result.stderr)")
    Snapshot.expectMatches(result.stdout, named: snapshot)
  }

  @Test func documentUsesOnlyAmsmathAndAmssymb() {
    let result = ChainRuleCommand.run(arguments: ["latex", "--file", Self.example("toy-model.chain")])
    let packages = result.stdout.split(separator: "\n").filter { $0.hasPrefix("\\usepackage") }
    #expect(packages == ["\\usepackage{amsmath}", "\\usepackage{amssymb}"])
    #expect(result.stdout.hasPrefix("\\documentclass{article}"))
    #expect(result.stdout.contains("\\end{document}"))
  }

  @Test func fragmentHasNoPreamble() {
    let result = ChainRuleCommand.run(arguments: ["latex", "x^2", "--fragment"])
    #expect(result.exitCode == 0)
    #expect(!result.stdout.contains("\\documentclass"))
    #expect(result.stdout.contains("\\frac{\\partial \\ell}{\\partial x} = 2 x"))
  }

  /// `l` is `\ell` without braces, a multi-letter name is `\mathit`; a bare formula that uses `l`
  /// as a variable is named `f`.
  @Test func latexNamesAndTheResultName() {
    let result = ChainRuleCommand.run(arguments: ["diff", "l*x + net_h1", "--format", "latex"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        f = \\ell x + \\mathit{net}_{h_{1}}

        \\frac{\\partial f}{\\partial \\ell} = x

        \\frac{\\partial f}{\\partial x} = \\ell

        \\frac{\\partial f}{\\partial \\mathit{net}_{h_{1}}} = 1

        """)
    let plain = ChainRuleCommand.run(arguments: ["diff", "l*x + 1"])
    #expect(plain.stdout == "f = l*x + 1\n\ndf/dl = x\n\ndf/dx = l\n")
  }

  @Test func stepsEndWithTheDerivativeDiffPrints() throws {
    for formula in ["x^2*sin(x)/(1 + x) + x^x", "sigmoid(w*x + b)^2", "log(1 + exp(a*x))*tanh(x)"] {
      let diff = ChainRuleCommand.run(arguments: ["diff", formula, "--format", "plain"])
      let steps = ChainRuleCommand.run(arguments: ["diff", formula, "--steps", "--format", "plain"])
      let derivatives = diff.stdout.split(separator: "\n").filter { $0.hasPrefix("d") }
      for derivative in derivatives {
        // Each derivative's derivation closes with the same line, indented.
        #expect(steps.stdout.contains("    " + derivative + "\n"), "\(formula): \(derivative)")
      }
    }
  }

  // MARK: The book's style

  /// No empty `$$` when the backward pass keeps no values (a one-step formula), in `latex`
  /// and the REPL's `:latex`; the sentence says so, and says that backprop is not cheaper here.
  @Test(arguments: [
    ["latex", "(w*x - y)^2", "--at", "w=0.5,x=2,y=3"], ["latex", "x^2", "--at", "x=3"],
  ])
  func noEmptyMathWhenNothingIsStored(_ arguments: [String]) {
    let result = ChainRuleCommand.run(arguments: arguments)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(!result.stdout.contains("$$"))
    #expect(
      result.stdout.contains(
        "values kept in memory for the backward pass: none (its local derivatives read only the inputs)"))
    #expect(result.stdout.contains("Here backpropagation is not cheaper: with 1 parameter and 1 step the closed forms"))
    // Where the passes start to win, on a growing chain.
    #expect(result.stdout.contains("$n$ & parameters & closed forms & both passes\\\\\n\\hline\n0 & 2 & "))
    // A one-step formula has no backward pass #1 to show.
    #expect(!result.stdout.contains("Backward pass \\#1"))
    #expect(result.stdout.contains("\\section*{Backward pass}\n$\\ell$ is computed in one step"))
  }

  @Test func replLatexAfterAPointHasNoEmptyMath() {
    let session = chainrule("repl", stdin: "(w*x - y)^2\n:at w=0.5,x=2,y=3\n:latex\n")
    #expect(session.stdout.contains("\\section*{Partial derivatives}"))
    #expect(!session.stdout.contains("$$"))
  }

  /// `ω₃ · −sin[…]` is bracketed where a long product breaks; a short one is bracketed by the
  /// printer: the assembled ∂ℓ/∂β₀ of the toy model shows `\cdot \left(-\sin…`.
  @Test func aNegativeFactorAfterADotIsBracketed() {
    let result = ChainRuleCommand.run(arguments: ["latex", "--file", Self.example("toy-model.chain"), "--steps"])
    #expect(result.exitCode == 0)
    #expect(!result.stdout.contains("\\cdot -"))
    #expect(result.stdout.contains("\\cdot \\left(-\\sin\\left[\\beta_{2} + \\omega_{2} \\exp\\left(\\beta_{1}"))
  }

  /// Steps of a formula of several variables use ∂; of one variable, d.
  @Test func stepsUsePartialsForSeveralVariables() {
    let several = ChainRuleCommand.run(arguments: ["latex", "w*cos(w*x)", "--steps"]).stdout
    #expect(several.contains("\\frac{\\partial u_{1}}{\\partial w}"))
    #expect(!several.contains("\\frac{d u_{1}}"))
    let one = ChainRuleCommand.run(arguments: ["latex", "x*cos(x^2)", "--steps"]).stdout
    #expect(one.contains("\\frac{d u_{1}}{d x}"))
  }

  /// `exp` keeps round brackets; sin and cos keep the book's square ones.
  @Test func expKeepsRoundBrackets() {
    let text = ChainRuleCommand.run(arguments: ["latex", "--file", Self.example("toy-model.chain")]).stdout
    #expect(
      text.contains(
        "\\ell = \\left(\\beta_{3} + \\omega_{3} \\cos\\left[\\beta_{2} + \\omega_{2} \\exp\\left(\\beta_{1} + \\omega_{1} \\sin\\left[\\beta_{0} + \\omega_{0} x\\right]\\right)\\right] - y\\right)^{2}"
      ))
    #expect(!text.contains("\\exp\\left[") && !text.contains("\\exp\\bigl["))
  }

  /// A letter subscript with digits nests them: `out_{h_{1}}`, and that reads back.
  @Test func trailingDigitsAfterALetterSubscriptNest() throws {
    let text = ChainRuleCommand.run(arguments: ["latex", "--file", Self.example("sigmoid-network.chain")]).stdout
    #expect(text.contains("\\mathit{out}_{h_{1}} = \\sigma\\left[\\mathit{net}_{h_{1}}\\right]"))
    #expect(!text.contains("_{h1}"))
    let back = ChainRuleCommand.run(arguments: ["diff", "\\mathit{out}_{h_{1}} + \\beta_{a_{2}}"])
    #expect(back.stdout.hasPrefix("l = out_h1 + beta_a2\n"), "\(back.stdout)\(back.stderr)")
  }

  /// The document has a title naming the formula (or its result, when long), and the body
  /// alone (`--fragment`) has none.
  @Test func theDocumentHasATitle() {
    let short = ChainRuleCommand.run(arguments: ["latex", "(w*x - y)^2"]).stdout
    #expect(short.contains("{\\Large\\bfseries Derivatives of $\\ell = \\left(w x - y\\right)^{2}$}"))
    let long = ChainRuleCommand.run(arguments: ["latex", "--file", Self.example("sigmoid-network.chain")]).stdout
    #expect(long.contains("{\\Large\\bfseries Derivatives of $E$}"))
    let fragment = ChainRuleCommand.run(arguments: ["latex", "(w*x - y)^2", "--fragment"]).stdout
    #expect(!fragment.contains("Derivatives of"))
  }

  /// A short result keeps `= value` on its line; one a little too long for it breaks so that
  /// the value does not stand alone on the second line; in the toy model, no value does.
  @Test func theValueIsNeverAloneOnALine() {
    let short = ChainRuleCommand.run(arguments: ["latex", "(w*x - y)^2", "--at", "w=0.5,x=2,y=3"]).stdout
    #expect(short.contains("\\frac{\\partial \\ell}{\\partial w} = 2 \\left(w x - y\\right) x = -8\n"))
    let toy = ChainRuleCommand.run(arguments: [
      "latex", "--file", Self.example("toy-model.chain"), "--at", Self.toyPoint,
    ])
    #expect(toy.stdout.contains("\\\\\n- y\\bigr) = 0.744528216832\n\\end{multline*}"))
    #expect(!toy.stdout.contains("\\\\\n= "))
  }

  /// One name for the numeric method: central differences.
  @Test func theNumericMethodIsCentralDifferences() {
    let text = ChainRuleCommand.run(arguments: ["latex", "x^2", "--at", "x=3"]).stdout
    #expect(text.contains("& closed form & backprop & central differences & operations"))
    #expect(!text.contains("finite difference"))
  }

  /// `--step-names` writes each derivative in the definitions' names first, as `diff` does,
  /// then expanded when that is short, with the named adjoints after; the sigmoid network's
  /// ∂E/∂b₁ is one line instead of seventeen.
  @Test func stepNamesWriteTheTextbookForm() {
    let softmax = ChainRuleCommand.run(arguments: [
      "latex", "--file", Self.example("softmax-cross-entropy.chain"), "--at", "z1=1,z2=2,z3=0.5", "--step-names",
    ])
    #expect(softmax.exitCode == 0, "\(softmax.stderr)")
    #expect(
      softmax.stdout.contains(
        "\\frac{\\partial L}{\\partial z_{2}} = p_{2} - 1\\\\\n= \\frac{\\exp\\left(z_{2}\\right)}{\\exp\\left(z_{1}\\right) + \\exp\\left(z_{2}\\right) + \\exp\\left(z_{3}\\right)} - 1 = -0.371468280788"
      ), "\(softmax.stdout)")
    let sigmoid = ChainRuleCommand.run(arguments: [
      "latex", "--file", Self.example("sigmoid-network.chain"), "--at", Self.sigmoidPoint, "--step-names",
    ])
    let text = sigmoid.stdout
    #expect(
      text.contains(
        "\\begin{equation*}\n\\frac{\\partial E}{\\partial b_{1}} = \\frac{\\partial E}{\\partial \\mathit{net}_{h_{1}}} + \\frac{\\partial E}{\\partial \\mathit{net}_{h_{2}}} = 0.0187256093947\n\\end{equation*}"
      ))
    #expect(text.contains("$\\partial E / \\partial b_{1}$ (243 operations)"))
    #expect(text.contains("are longer than 6 lines; \\texttt{latex} without \\texttt{-{}-step-names} prints them."))
    // ∂E/∂w₅ (58 operations) is short enough to follow its step-name form expanded.
    #expect(
      text.contains(
        "\\mathit{out}_{h_{1}} \\frac{\\partial E}{\\partial \\mathit{net}_{o_{1}}}\\\\\n= -\\left(1 - \\sigma"))
    // Unused steps have no adjoint row and no zero term.
    #expect(!softmax.stdout.contains("\\frac{\\partial L}{\\partial p_{1}}"))
    #expect(
      softmax.stdout.contains(
        "\\frac{\\partial L}{\\partial s} &= -\\frac{p_{2}}{s} \\cdot \\frac{\\partial L}{\\partial p_{2}} & &= 0.0850625182427"
      ))
    #expect(
      text.contains(
        "where, from the result back,\n\\begin{align*}\n\\frac{\\partial E}{\\partial \\mathit{net}_{o_{2}}} &= "))
    // Without the option, no step names.
    let plain = ChainRuleCommand.run(arguments: ["latex", "--file", Self.example("sigmoid-network.chain")]).stdout
    #expect(!plain.contains("where, from the result back"))
  }

  /// `--update RATE` adds one gradient-descent step, as `trace --update` does.
  @Test func updateAddsAGradientDescentStep() {
    let result = ChainRuleCommand.run(arguments: ["latex", "(w*x - y)^2", "--at", "w=0.5,x=2,y=3", "--update", "0.1"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\\section*{One gradient-descent step}"))
    // w ← 0.5 − 0.1·(−8) = 1.3; ℓ = (1.3·2 − 3)² = 0.16.
    #expect(result.stdout.contains("$w$ & $0.5$ & $1.3$\\\\\n"))
    #expect(result.stdout.contains("and $\\ell$ goes from $4$ to $0.16$."))
    let noPoint = ChainRuleCommand.run(arguments: ["latex", "x^2", "--update", "0.1"])
    #expect(noPoint.exitCode == 64)
    #expect(noPoint.stderr.contains("--update needs a point"))
    let bad = ChainRuleCommand.run(arguments: ["latex", "x^2", "--at", "x=1", "--update", "fast"])
    #expect(bad.exitCode == 64)
  }

  /// The scalar model files in Examples/ (matrix files declare shapes, `x: N×D`).
  static var scalarExamples: [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: Snapshot.examples.path)) ?? []
    return files.filter { $0.hasSuffix(".chain") }.sorted().filter { name in
      let text = (try? String(contentsOfFile: example(name), encoding: .utf8)) ?? ""
      return !text.split(separator: "\n").contains { line in !line.hasPrefix("#") && line.contains(":") }
    }
  }

  /// Small formulas where LaTeX output went wrong before: no stored values (`$$`), one step,
  /// one variable, a constant derivative, a very long result, subscripted and Greek names.
  static let smallFormulas: [(formula: String, point: String)] = [
    ("(w*x - y)^2", "w=0.5,x=2,y=3"),
    ("x^2", "x=3"),
    ("3*x + 2", "x=1"),
    ("a = 2*x; b = a + 1; b^2", "x=0.5"),
    (
      "sin(cos(tan(x*y + z)))^3*exp(x*y*z)/(1 + x^2 + y^2 + z^2) + log(1 + exp(x - y))*sqrt(1 + z^2)",
      "x=0.1,y=0.2,z=0.3"
    ),
    ("out_h1 = sigmoid(w1*i1 + b1); E = (t1 - out_h1)^2/2", "w1=0.15,i1=0.05,b1=0.35,t1=0.01"),
    ("(beta0 + omega0*x - y)^2 + lambda*omega0^2 + phi_1*exp(-x)", "beta0=1,omega0=0.5,x=2,y=1,lambda=0.1,phi_1=2"),
  ]

  /// Every LaTeX document the tests compile: each scalar example with and without a point,
  /// and each small formula with and without one, with the options a teacher would add.
  static func compiledDocuments() throws -> [(name: String, arguments: [String])] {
    var documents: [(String, [String])] = []
    for file in scalarExamples {
      let name = String(file.dropLast(".chain".count))
      documents.append((name, ["--file", example(file)]))
      var point: String
      switch file {
      case "toy-model.chain", "toy-model-steps.chain": point = toyPoint
      case "sigmoid-network.chain": point = sigmoidPoint
      default:
        // A point from the file's own variables.
        let json = ChainRuleCommand.run(arguments: ["diff", "--file", example(file), "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let variables = try #require(object?["variables"] as? [String], "\(file): \(json.stderr)")
        point = variables.enumerated().map { "\($1)=\(0.3 + 0.1 * Double($0))" }.joined(separator: ",")
      }
      documents.append(
        (name + "-at", ["--file", example(file), "--at", point, "--steps", "--step-names", "--update", "0.1"]))
    }
    for (index, small) in smallFormulas.enumerated() {
      documents.append(("formula\(index)", [small.formula, "--steps"]))
      documents.append(("formula\(index)-at", [small.formula, "--at", small.point, "--steps", "--step-names"]))
    }
    return documents
  }

  /// Compiles every document of ``compiledDocuments()`` with pdflatex, all at once; runs
  /// wherever pdflatex is installed (CI installs it, and elsewhere the test says why it is
  /// skipped) and fails on any LaTeX error or an overfull box wider than 10pt.
  @Test func everyDocumentCompilesWithoutOverfullBoxes() throws {
    guard let pdflatex = PDFLaTeX.path else {
      #expect(ProcessInfo.processInfo.environment["CI"] == nil, "pdflatex is missing: .ci/run installs it")
      print("skipped: pdflatex is not installed (.ci/run installs texlive-latex-base)")
      return
    }
    let documents = try Self.compiledDocuments()
    #expect(Self.scalarExamples.count >= 8, "\(Self.scalarExamples)")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-latex-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, arguments) in documents {
      let tex = directory.appendingPathComponent("\(name).tex")
      let result = ChainRuleCommand.run(arguments: ["latex"] + arguments + ["-o", tex.path])
      #expect(result.exitCode == 0, "\(name): \(result.stderr)")
      let text = try String(contentsOf: tex, encoding: .utf8)
      #expect(!text.contains("$$"), "\(name): empty math")
    }
    let logs = try PDFLaTeX.compileAll(documents.map(\.name), in: directory, pdflatex: pdflatex)
    for (name, log) in zip(documents.map(\.name), logs) {
      #expect(log.contains("Output written on"), "pdflatex failed on \(name):\n\(log.suffix(2000))")
      #expect(!log.contains("\n! "), "LaTeX error in \(name):\n\(log.suffix(2000))")
      for width in PDFLaTeX.overfullWidths(in: log) {
        #expect(width <= 10, "\(name): an overfull box \(width)pt too wide")
      }
    }
  }

  /// The TikZ pictures of `graph --format tikz` and the `latex --graph` documents compile with
  /// pdflatex, with no box more than 10pt too wide; runs wherever TikZ is installed (CI
  /// installs it with texlive-pictures).
  @Test(
    "the computation graph compiles as TikZ",
    .enabled(if: PDFLaTeX.hasTikZ || ProcessInfo.processInfo.environment["CI"] != nil))
  func graphPicturesCompileWithTikZ() throws {
    let pdflatex = try #require(PDFLaTeX.path, "pdflatex is missing: .ci/run installs texlive-latex-base")
    #expect(PDFLaTeX.hasTikZ, "tikz.sty is missing: .ci/run installs texlive-pictures")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-tikz-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var documents: [String] = []
    for (name, arguments) in [
      ("toy-graph", ["--file", Self.example("toy-model.chain"), "--at", Self.toyPoint]),
      ("sigmoid-graph", ["--file", Self.example("sigmoid-network.chain")]),
    ] {
      let picture = ChainRuleCommand.run(arguments: ["graph"] + arguments + ["--format", "tikz"])
      #expect(picture.exitCode == 0, "\(picture.stderr)")
      #expect(picture.stdout.contains("\\begin{tikzpicture}"))
      try picture.stdout.write(to: directory.appendingPathComponent("\(name).tex"), atomically: true, encoding: .utf8)
      let wrapper = """
        \\documentclass{article}
        \\usepackage{graphicx}
        \\usepackage{tikz}
        \\usetikzlibrary{shapes.geometric}
        \\begin{document}
        \\noindent\\resizebox{\\linewidth}{!}{\\input{\(name).tex}}
        \\end{document}

        """
      try wrapper.write(to: directory.appendingPathComponent("\(name)-document.tex"), atomically: true, encoding: .utf8)
      documents.append("\(name)-document")
    }
    for (name, arguments) in [
      ("toy-latex", ["--file", Self.example("toy-model.chain"), "--at", Self.toyPoint, "--graph"]),
      ("sigmoid-latex", ["--file", Self.example("sigmoid-network.chain"), "--at", Self.sigmoidPoint, "--graph"]),
    ] {
      let tex = directory.appendingPathComponent("\(name).tex")
      let result = ChainRuleCommand.run(arguments: ["latex"] + arguments + ["-o", tex.path])
      #expect(result.exitCode == 0, "\(result.stderr)")
      let text = try String(contentsOf: tex, encoding: .utf8)
      #expect(text.contains("\\usepackage{tikz}") && text.contains("\\section*{The computation graph}"))
      documents.append(name)
    }
    for name in documents {
      let log = try PDFLaTeX.compile(name, in: directory, pdflatex: pdflatex)
      #expect(!log.contains("\n! "), "LaTeX error in \(name):\n\(log.suffix(2000))")
      for width in PDFLaTeX.overfullWidths(in: log) {
        #expect(width <= 10, "\(name): an overfull box \(width)pt too wide")
      }
    }
  }
}

enum PDFLaTeX {
  /// Whether TikZ is installed (`kpsewhich tikz.sty` finds it).
  static let hasTikZ: Bool = {
    guard let pdflatex = path else { return false }
    let kpsewhich = URL(fileURLWithPath: pdflatex).deletingLastPathComponent().appendingPathComponent("kpsewhich")
    let process = Process()
    process.executableURL = kpsewhich
    process.arguments = ["tikz.sty"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }()

  /// Runs pdflatex on each `name.tex` in `directory`, two at a time, and returns their logs
  /// (empty for a document that left none).
  static func compileAll(_ names: [String], in directory: URL, pdflatex: String) throws -> [String] {
    var pending = names[...]
    var running: [Process] = []
    while !pending.isEmpty || !running.isEmpty {
      while running.count < 2, let name = pending.popFirst() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pdflatex)
        process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "\(name).tex"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        running.append(process)
      }
      running.first?.waitUntilExit()
      running.removeAll { !$0.isRunning }
    }
    return names.map { (try? String(contentsOf: directory.appendingPathComponent("\($0).log"), encoding: .utf8)) ?? "" }
  }

  /// Runs pdflatex on `name.tex` in `directory` and returns its log.
  static func compile(_ name: String, in directory: URL, pdflatex: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pdflatex)
    process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "\(name).tex"]
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return try String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)
  }

  /// `pdflatex` on PATH, if any.
  static var path: String? {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    return directories.map { "\($0)/pdflatex" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// The widths of the overfull boxes a LaTeX log reports, in points.
  static func overfullWidths(in log: String) -> [Double] {
    log.split(separator: "\n").compactMap { line in
      guard let open = line.range(of: "Overfull \\hbox ("), let close = line.range(of: "pt too wide") else {
        return nil
      }
      return Double(line[open.upperBound..<close.lowerBound])
    }
  }
}
