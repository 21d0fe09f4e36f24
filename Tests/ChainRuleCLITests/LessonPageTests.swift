import ChainRule
import ChainRuleCLI
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `chainrule html`: one page per scalar example, checked as text in process and as a person sees
/// it in headless Chromium (a screenshot that is not blank, MathML in the DOM, every step named,
/// nothing in the console).
@Suite struct LessonPageTests {
  /// Every scalar example with the point its comment suggests (the matrix ones are refused).
  static let pages: [(name: String, arguments: [String])] = [
    ("toy-model", ["-f", example("toy-model.chain"), "--at", TraceSnapshotTests.toyPoint]),
    ("toy-model-steps", ["-f", example("toy-model-steps.chain"), "--at", TraceSnapshotTests.toyPoint]),
    ("sigmoid-network", ["-f", example("sigmoid-network.chain"), "--at", TraceSnapshotTests.sigmoidPoint]),
    ("shared-use", ["-f", example("shared-use.chain"), "--at", "w=0.5,b=-0.2,x=1.5,y=0.3"]),
    ("softmax-cross-entropy", ["-f", example("softmax-cross-entropy.chain"), "--at", "z1=1,z2=2,z3=0.5"]),
    (
      "deep-chain",
      [
        "-f", example("deep-chain.chain"), "--at",
        "x=1,y=0," + (1...10).map { "w\($0)=0.5,b\($0)=0.1" }.joined(separator: ","),
      ]
    ),
    (
      "l2-regularisation",
      [
        "-f", example("l2-regularisation.chain"), "--data-names", "x1,x2,y,lambda", "--at",
        "x1=1,x2=-0.5,y=0.3,lambda=0.1,w11=0.2,w12=-0.4,w21=0.7,w22=0.1,v1=0.5,v2=-0.3",
      ]
    ),
    (
      "relu-network",
      [
        "-f", example("relu-network.chain"), "--at",
        "x1=1,x2=2,y=1,a11=0.5,a12=-0.3,a13=0.8,a21=-0.2,a22=0.4,a23=-0.6,b1=0.7,b2=-0.5,b3=0.2",
      ]
    ),
    (
      "toy-training",
      [
        "-f", example("toy-model-steps.chain"), "--data", example("toy-data.csv"), "--epochs", "40", "--at",
        "beta0=0,beta1=0,beta2=0,beta3=0,omega0=1,omega1=1,omega2=1,omega3=1",
      ]
    ),
    ("no-point", ["sigmoid(w*x + b)"]),
  ]

  static func example(_ name: String) -> String { GraphCommandTests.example(name) }

  /// The page's text from the CLI, in process.
  static func page(_ arguments: [String]) throws -> String {
    let result = chainrule(["html"] + arguments)
    #expect(result.exitCode == 0, "\(result.stderr)")
    return result.stdout
  }

  /// The forward steps' names (canonical), as the library cuts the formula.
  static func stepNames(_ arguments: [String]) throws -> [String] {
    let source: String
    if let i = arguments.firstIndex(of: "-f") {
      source = try String(contentsOfFile: arguments[i + 1], encoding: .utf8)
    } else {
      source = arguments[0]
    }
    let formula = try Formula(parsing: source)
    var data = Trace.defaultDataNames(among: formula.variables)
    if let i = arguments.firstIndex(of: "--data-names") {
      data = Set(arguments[i + 1].split(separator: ",").map(String.init))
    }
    return ForwardProgram(formula: formula, dataNames: data).steps.map(\.name)
  }

  @Test(arguments: pages.map(\.name))
  func pageIsSelfContainedAndWellFormed(name: String) throws {
    let arguments = try #require(Self.pages.first { $0.name == name }).arguments
    let html = try Self.page(arguments)
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    // No scripts, nothing loaded: the only URLs are the SVG namespace.
    #expect(!html.contains("<script"))
    #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("url(http"))
    #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
    #expect(html.contains("<math"))
    #expect(html.contains("<svg"))
    #if canImport(FoundationXML) || os(macOS)
      // The page is also well-formed XML (void elements closed, every text escaped).
      // (FoundationXML crashes on an empty document, so only a page is parsed.)
      let xml = html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
      if !xml.isEmpty { #expect(throws: Never.self) { try XMLDocument(xmlString: xml, options: []) } }
    #endif
  }

  @Test func toyPageHasEveryPart() throws {
    let html = try Self.page(Self.pages[0].arguments)
    for heading in [
      "1. The model", "2. The computation graph", "3. The forward and backward passes",
      "4. Every derivative in closed form", "5. Each derivative, rule by rule",
    ] {
      #expect(html.contains("<h2>\(heading)</h2>"), "missing \(heading)")
    }
    // The forward table: f₀ = β₀ + ω₀·x = 1.23, as trace prints it.
    #expect(
      html.contains(
        "<tr><td><math><msub><mi>f</mi><mn>0</mn></msub></math></td><td class=\"eq\"><math><mo>=</mo></math></td>"
          + "<td><math><msub><mi>β</mi><mn>0</mn></msub><mo>+</mo><msub><mi>ω</mi><mn>0</mn></msub><mo>·</mo><mi>x</mi></math></td>"
          + "<td class=\"value\">1.23</td></tr>"))
    // Backward pass #2: ∂ℓ/∂ω₀ = x·∂ℓ/∂f₀ = 5.24607143099.
    #expect(html.contains("<mi>x</mi><mo>·</mo><mfrac><mrow><mo>∂</mo><mi>ℓ</mi></mrow>"))
    #expect(html.contains("5.24607143099"))
    // The rule-by-rule derivation names its rules.
    for rule in ["chain rule", "power rule", "sum rule"] { #expect(html.contains(">\(rule)</td>")) }
    #expect(!html.contains("<h2>6. Training"))
  }

  @Test func trainingPagePlotsTheLoss() throws {
    let html = try Self.page(try #require(Self.pages.first { $0.name == "toy-training" }).arguments)
    #expect(html.contains("<h2>6. Training on "))
    #expect(html.contains("Loss per epoch"))
    #expect(html.contains("sgd, learning rate 0.05, full batch (40 rows), 40 epochs, seed 1"))
    #expect(html.contains("the starting values of the training and the first row of"))
  }

  @Test func matrixFilesAreRefused() {
    for file in ["mlp-l2.chain", "numpy-two-layer.chain", "softmax-regression.chain"] {
      let result = chainrule("html", "-f", Self.example(file))
      #expect(result.exitCode == 1)
      #expect(
        result.stderr
          == "error: html draws scalar formulas only, and '\(Self.example(file))' declares matrix shapes (matrix mode); see it with 'chainrule trace -f \(Self.example(file)) --random 1'\n"
      )
    }
  }

  @Test func usageErrors() {
    let lr = chainrule("html", "x^2", "--lr", "0.1")
    #expect(lr.exitCode == 64)
    #expect(lr.stderr.hasPrefix("error: --lr sets the training, which needs --data file.csv\n"))
    let missing = chainrule("html", "x^2", "--data", "/nonexistent.csv")
    #expect(missing.exitCode == 1)
    #expect(missing.stderr == "error: cannot read the data file '/nonexistent.csv'\n")
    let help = chainrule("html", "--help")
    #expect(help.stdout.hasPrefix("OVERVIEW: Write a lesson on a formula as one HTML page"))
    #expect(chainrule("--help").stdout.contains("\n  html "))
  }

  /// A small page whole, as a golden file (open it in a browser to review a re-record).
  @Test func neuronPageSnapshot() throws {
    let html = try Self.page(["z = w*x + b; p = sigmoid(z); l = (p - y)^2", "--at", "w=0.5,b=-0.2,x=1.5,y=1"])
    Snapshot.expectMatches(html, named: "html-neuron.html")
  }

  @Test func writesTheFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-\(UUID()).html").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = chainrule(["html", "x^2*y", "--at", "x=1,y=2", "-o", path])
    #expect(result == CommandResult(stdout: "wrote \(path)\n"))
    let html = try String(contentsOfFile: path, encoding: .utf8)
    #expect(html.contains("<msup><mi>x</mi><mn>2</mn></msup>"))
  }

  // MARK: In the browser

  @Test(
    "every lesson page renders in Chromium: not blank, MathML in the DOM, every step named, no console message",
    .enabled(
      if: Chromium.path != nil || ProcessInfo.processInfo.environment["CI"] != nil,
      "chromium is not installed (apt-get install -y chromium; .ci/run installs it)"))
  func everyPageRendersInChromium() throws {
    let chromium = try #require(Chromium.path, "chromium is missing: .ci/run installs it")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-lesson-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    // The control: a page whose script logs to the console, which the check must see.
    let control = directory.appendingPathComponent("control.html")
    try "<!DOCTYPE html><html><body><p>control</p><script>console.error('control message')</script></body></html>"
      .write(to: control, atomically: true, encoding: .utf8)
    let controlRun = try Chromium.dumpDOM(control, chromium: chromium)
    #expect(Chromium.consoleMessages(controlRun.log).contains { $0.contains("control message") })

    for (name, arguments) in Self.pages {
      let file = directory.appendingPathComponent("\(name).html")
      let result = chainrule(["html"] + arguments + ["-o", file.path])
      #expect(result.exitCode == 0, "\(name): \(result.stderr)")

      let run = try Chromium.dumpDOM(file, chromium: chromium)
      #expect(run.status == 0, "\(name): chromium failed:\n\(run.log.suffix(2000))")
      #expect(Chromium.consoleMessages(run.log).isEmpty, "\(name): \(Chromium.consoleMessages(run.log))")
      let dom = run.dom
      // MathML parsed as MathML: the elements are in the DOM, and fractions among them.
      #expect(dom.components(separatedBy: "<math").count > 10, "\(name): too few <math> elements")
      for element in ["<mi>", "<mo>", "<mfrac>"] { #expect(dom.contains(element), "\(name): no \(element)") }
      // Every step is named: in a MathML table cell, and in the graph's box.
      for step in try Self.stepNames(arguments) {
        let cell = "<td><math>\(MathMLPrinter.name(step))</math></td>"
        #expect(dom.contains(cell), "\(name): no row for step \(step)")
        let box = Notation.unicode.name(step)
        #expect(dom.contains(">\(box) = ") || dom.contains(">\(box)</tspan>"), "\(name): no box for step \(step)")
      }

      let png = directory.appendingPathComponent("\(name).png")
      let (width, height) = (1000, 2400)
      let shot = try Chromium.screenshot(file, width: width, height: height, to: png, chromium: chromium)
      #expect(shot.status == 0, "\(name): chromium failed:\n\(shot.log.suffix(2000))")
      let image = try PNGImage(contentsOf: png)
      #expect(image.width == width && image.height == height)
      // Text, formulas and the graph: a page measures 3 to 8 % of pixels inked; a blank one 0.
      let stats = image.statistics(rows: 0..<height, columns: 0..<width)
      #expect(
        stats.inked > 0.01 && stats.variance > 100, "\(name): variance \(stats.variance), \(stats.inked * 100)% inked")
    }
  }
}
