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
        f = \\ell x + \\mathit{net}_{h1}

        \\frac{\\partial f}{\\partial \\ell} = x

        \\frac{\\partial f}{\\partial x} = \\ell

        \\frac{\\partial f}{\\partial \\mathit{net}_{h1}} = 1

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

  /// Compiles the toy model's full document with pdflatex; runs wherever pdflatex is installed
  /// (CI installs it) and fails on any LaTeX error or an overfull box wider than 10pt.
  @Test(.enabled(if: PDFLaTeX.path != nil || ProcessInfo.processInfo.environment["CI"] != nil))
  func toyDocumentCompilesWithoutOverfullBoxes() throws {
    let pdflatex = try #require(PDFLaTeX.path, "pdflatex is missing: .ci/run installs texlive-latex-base")
    for (name, arguments) in [
      ("toy", ["--file", Self.example("toy-model.chain"), "--at", Self.toyPoint, "--steps"]),
      ("sigmoid", ["--file", Self.example("sigmoid-network.chain"), "--at", Self.sigmoidPoint, "--steps"]),
    ] {
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-latex-\(UUID())")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let tex = directory.appendingPathComponent("\(name).tex")
      let result = ChainRuleCommand.run(arguments: ["latex"] + arguments + ["-o", tex.path])
      #expect(result.exitCode == 0, "\(result.stderr)")
      let process = Process()
      process.executableURL = URL(fileURLWithPath: pdflatex)
      process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "\(name).tex"]
      process.currentDirectoryURL = directory
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      let log = try String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)
      #expect(process.terminationStatus == 0, "pdflatex failed on \(name):\n\(log.suffix(2000))")
      #expect(!log.contains("\n! "), "LaTeX error in \(name)")
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
