import ChainRuleCLI
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `chainrule graph`: the SVG is well-formed and names every step, the DOT is valid Graphviz,
/// the format follows the file name, and bad input gets a clear error.
@Suite struct GraphCommandTests {
  static let toyPoint = TraceSnapshotTests.toyPoint
  static let sigmoidPoint = TraceSnapshotTests.sigmoidPoint

  static func example(_ name: String) -> String { Snapshot.examples.appendingPathComponent(name).path }

  /// The texts of every `<text>` element (tspans joined), in document order.
  final class SVGTexts: NSObject, XMLParserDelegate {
    var texts: [String] = []
    var depth = 0
    var current = ""
    var elements: [String] = []

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      elements.append(name)
      if name == "text" {
        depth += 1
        current = ""
      }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if depth > 0 { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      if name == "text" {
        depth -= 1
        texts.append(current)
      }
    }
  }

  /// Parses `svg` as XML, recording an issue if it is not well-formed.
  static func parse(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> SVGTexts {
    let parser = XMLParser(data: Data(svg.utf8))
    let texts = SVGTexts()
    parser.delegate = texts
    #expect(
      parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    return texts
  }

  /// The step names `trace` prints for the same arguments, as the forward pass lists them.
  static func stepNames(_ arguments: [String]) -> [String] {
    let trace = chainrule(["trace"] + arguments + ["--format", "unicode"])
    let forward = trace.stdout.split(separator: "\n").dropFirst().prefix { $0.hasPrefix("  ") }
    return forward.compactMap { $0.split(separator: " ").first.map(String.init) }
  }

  @Test(arguments: [
    ["--file", example("toy-model.chain"), "--at", toyPoint],
    ["--file", example("sigmoid-network.chain"), "--at", sigmoidPoint],
    ["--file", example("shared-use.chain"), "--at", "w=0.5,b=-0.2,x=1.5,y=0.3"],
    ["--file", example("toy-model.chain"), "--at", toyPoint, "--steps", "primitive"],
  ])
  func theSVGIsWellFormedAndShowsEveryStepWithItsValueAndAdjoint(_ arguments: [String]) throws {
    let result = chainrule(["graph"] + arguments)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(!result.stdout.contains("<script"), "no scripts")
    #expect(!result.stdout.contains("href"), "no external files")
    let texts = Self.parse(result.stdout).texts
    let names = Self.stepNames(arguments)
    #expect(names.count >= 6)
    for name in names {
      #expect(texts.contains { $0.hasPrefix(name + " = ") }, "no box titled \(name)")
      #expect(texts.contains { $0.hasPrefix("∂") && $0.contains("/∂\(name) = ") }, "no adjoint of \(name)")
    }
  }

  @Test func withoutAPointTheBoxesShowExpressionsOnly() {
    let result = chainrule("graph", "-f", Self.example("toy-model.chain"))
    #expect(result.exitCode == 0, "\(result.stderr)")
    let texts = Self.parse(result.stdout).texts
    #expect(texts.contains("f₀ = β₀ + ω₀·x"))
    #expect(texts.contains("β₀"))
    // The local derivatives are still on the edges: ∂h₁/∂f₀ = cos(f₀).
    #expect(texts.contains("cos(f₀)"))
    #expect(!texts.contains { $0.contains("∂ℓ/∂f₀ =") })
  }

  @Test func dotMatchesItsSnapshot() {
    let result = chainrule("graph", "-f", Self.example("toy-model.chain"), "--at", Self.toyPoint, "--format", "dot")
    #expect(result.exitCode == 0, "\(result.stderr)")
    Snapshot.expectMatches(result.stdout, named: "graph-toy-model.dot")
  }

  /// The DOT statements, checked as Graphviz reads them: one digraph, every node declared once
  /// with a quoted label, every edge between declared nodes, quotes and braces balanced.
  @Test(arguments: ["toy-model.chain", "sigmoid-network.chain", "softmax-cross-entropy.chain"])
  func dotIsValidGraphviz(_ example: String) throws {
    let result = chainrule("graph", "-f", Self.example(example), "--format", "dot")
    #expect(result.exitCode == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "digraph computation {")
    #expect(lines.last == "}")
    var declared: Set<String> = []
    for line in lines.dropFirst().dropLast() {
      #expect(line.hasSuffix(";"), "\(line)")
      // Unescaped quotes pair up.
      let quotes = line.replacingOccurrences(of: "\\\"", with: "").filter { $0 == "\"" }.count
      #expect(quotes % 2 == 0, "\(line)")
      let words = line.split(separator: " ")
      guard let first = words.first, first.hasPrefix("n"), first.dropFirst().allSatisfy(\.isNumber) else { continue }
      if words.count > 2, words[1] == "->" {
        let target = String(words[2].prefix { $0 != ";" })
        #expect(declared.contains(String(first)) && declared.contains(target), "\(line)")
      } else {
        #expect(declared.insert(String(first)).inserted, "\(first) declared twice")
        #expect(line.contains("label=\""), "\(line)")
      }
      // Record labels: braces balanced outside escapes.
      if line.contains("shape=record"), let start = line.range(of: "label=\"") {
        let label = line[start.upperBound...].prefix { $0 != "\"" }.replacingOccurrences(of: "\\{", with: "")
          .replacingOccurrences(of: "\\}", with: "")
        #expect(label.filter { $0 == "{" }.count == label.filter { $0 == "}" }.count, "\(line)")
      }
    }
    if let dot = Self.graphviz {
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-dot-\(UUID())")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let input = directory.appendingPathComponent("graph.dot")
      try result.stdout.write(to: input, atomically: true, encoding: .utf8)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: dot)
      process.arguments = ["-Tsvg", "-o", directory.appendingPathComponent("graph.svg").path, input.path]
      let errors = Pipe()
      process.standardError = errors
      try process.run()
      process.waitUntilExit()
      let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(process.terminationStatus == 0 && message.isEmpty, "dot: \(message)")
    }
  }

  /// Graphviz's `dot` on PATH, if installed (the structural check runs either way).
  static var graphviz: String? {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    return directories.map { "\($0)/dot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  @Test(arguments: [("graph.svg", "<svg"), ("graph.dot", "digraph"), ("graph.gv", "digraph"), ("graph.tex", "%")])
  func theFormatFollowsTheFileName(_ file: String, _ start: String) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-graph-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent(file).path
    let result = chainrule("graph", "x*y + sin(x)", "-o", path)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout == "wrote \(path)\n")
    let written = try String(contentsOfFile: path, encoding: .utf8)
    #expect(written.hasPrefix(start))
    if file.hasSuffix(".tex") { #expect(written.contains("\\begin{tikzpicture}")) }
  }

  @Test(arguments: [
    (
      ["graph", "x^2", "--format", "png"],
      "error: --format must be svg, dot or tikz; found 'png'\nsee 'chainrule graph --help'\n", 64
    ),
    (["graph", "x*y", "--at", "x=1"], "error: --at gives no value for y; add y=…\nsee 'chainrule graph --help'\n", 64),
    (
      ["graph", "x^2", "--steps", "fine"],
      "error: --steps must be textbook or primitive; found 'fine'\nsee 'chainrule graph --help'\n", 64
    ),
    (
      ["graph", "log(w*x)", "--at", "w=-1,x=2"],
      "error: in step ℓ: log(f₀) is undefined: log needs a positive argument, but here its argument is −2\n", 1
    ),
  ])
  func badInputGetsAClearError(_ arguments: [String], _ message: String, _ code: Int32) {
    let result = chainrule(arguments)
    #expect(result.exitCode == code)
    #expect(result.stderr == message)
    #expect(result.stdout.isEmpty)
  }

  @Test func aGraphTooLargeToDrawIsRefused() {
    let formula = (1...2_100).map { "w\($0)*x\($0)" }.joined(separator: " + ")
    let result = chainrule("graph", formula)
    #expect(result.exitCode == 1)
    #expect(
      result.stderr == "error: the graph would have 4202 nodes; pictures are drawn up to 4000 (try a smaller formula)\n"
    )
  }

  @Test func graphIsInTheMainHelp() {
    #expect(chainrule("--help").stdout.contains("  graph                   Draw the forward steps"))
    #expect(chainrule("graph", "--help").stdout.hasPrefix("OVERVIEW: Draw a formula's forward steps"))
  }

  /// An image format graph does not write is refused, not given SVG under its name.
  @Test func imageExtensionIsRefused() {
    let result = chainrule("graph", "x^2", "-o", "/tmp/chainrule-graph-test.png")
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("error: cannot write a .png file"))
  }
}
