import ChainRuleCLI
import Foundation
import Testing

/// A temporary file that deletes itself.
final class TemporaryFile {
  let path: String

  init(_ name: String, contents: Data) throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("chainrule-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try contents.write(to: url)
    path = url.path
  }

  convenience init(_ name: String, text: String) throws {
    try self.init(name, contents: Data(text.utf8))
  }

  deinit {
    try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
  }
}

@Suite("Formulas from files and standard input")
struct FormulaInputTests {
  static let model = """
    # a one-neuron model
    f = w*x + b
    l = (f - y)^2

    """

  @Test("--file PATH reads definitions from a file")
  func fromFile() throws {
    let file = try TemporaryFile("model.chain", text: Self.model)
    let result = chainrule("diff", "--file", file.path, "--wrt", "w,b", "--at", "w=2,b=1,x=3,y=4")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("f = w*x + b\nl = (f - y)^2\nat w = 2, b = 1, x = 3, y = 4:  l = 9\n"))
    // ∂l/∂w = 2(f − y)·x = 2·3·3 = 18, ∂l/∂b = 2(f − y) = 6.
    #expect(result.stdout.contains("dl/dw = "))
    #expect(result.stdout.contains("     = 18\n"))
    #expect(result.stdout.contains("     = 6\n"))
  }

  @Test("-f and --file=PATH are the same as --file PATH")
  func fileSpellings() throws {
    let file = try TemporaryFile("model.chain", text: Self.model)
    let long = chainrule("diff", "--file", file.path, "--format", "json")
    #expect(long.exitCode == 0)
    #expect(chainrule("diff", "-f", file.path, "--format", "json") == long)
    #expect(chainrule("diff", "--file=\(file.path)", "--format", "json") == long)
  }

  @Test("a diagnostic in a file names the file and the line")
  func diagnosticInFile() throws {
    let file = try TemporaryFile("broken.chain", text: "f = w*x + b\nl = (f - y) y\n")
    let result = chainrule("diff", "--file", file.path)
    #expect(result.exitCode == 1)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr == """
        error: missing operator before 'y'
         --> \(file.path):2:13
        2 | l = (f - y) y
          |             ^ write '*' to multiply

        """)
  }

  @Test("a file path given as the formula gets a pointer to -f")
  func filePathAsFormula() throws {
    let file = try TemporaryFile("model.chain", text: Self.model)
    let result = chainrule("diff", file.path)
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
    let note = "note: '\(file.path)' is a file; to read the formula from it, write -f \(file.path)\n"
    #expect(result.stderr.hasSuffix(note))
    // A formula that only looks like a path gets the plain diagnostic.
    #expect(!chainrule("diff", "x/y.").stderr.contains("note:"))
  }

  @Test("a missing file is an input error, not a usage error")
  func missingFile() {
    let result = chainrule("diff", "--file", "/nonexistent/chainrule/model.chain")
    #expect(
      result == CommandResult(stderr: "error: cannot read file '/nonexistent/chainrule/model.chain'\n", exitCode: 1))
  }

  @Test("a file that is not UTF-8 is reported by name")
  func invalidUTF8File() throws {
    let file = try TemporaryFile("latin1.chain", contents: Data([0x78, 0x20, 0x2B, 0x20, 0xFF]))
    let result = chainrule("diff", "--file", file.path)
    #expect(result == CommandResult(stderr: "error: '\(file.path)' is not valid UTF-8 text\n", exitCode: 1))
  }

  @Test("--file - reads standard input")
  func fromStdin() {
    let result = chainrule(["diff", "--file", "-", "--at", "x=0,y=1", "--format", "json"], stdin: "sin(x)*y\n")
    #expect(result.exitCode == 0, "\(result.stderr)")
    guard let json = JSONDocument(result.stdout) else { return }
    #expect(json.object["input"] as? String == "sin(x)*y\n")
    #expect(json.object["expression"] as? String == "y*sin(x)")
    #expect(jsonNumber(json.object["value"]) == 0)
  }

  @Test("a lone '-' as the formula reads standard input too")
  func dashPositional() {
    let viaFile = chainrule(["diff", "--file", "-"], stdin: "x^3")
    let viaDash = chainrule(["diff", "-"], stdin: "x^3")
    #expect(viaDash.exitCode == 0)
    #expect(viaDash == viaFile)
    #expect(viaDash.stdout.contains("dl/dx = 3*x^2\n"))
  }

  @Test("a diagnostic in standard input is located in 'stdin'")
  func diagnosticInStdin() {
    let result = chainrule(["diff", "--file", "-"], stdin: "sin(x")
    #expect(result.exitCode == 1)
    #expect(
      result.stderr == """
        error: '(' is never closed
         --> stdin:1:4
        1 | sin(x
          |    ^ add the closing bracket

        """)
  }

  @Test("standard input that is not UTF-8: exit 1 and a clear message", arguments: [["--file", "-"], ["-"]])
  func invalidUTF8Stdin(_ source: [String]) {
    for command in ["diff", "check"] {
      let result = ChainRuleCommand.run(arguments: [command] + source + ["--at", "x=1"], stdin: { nil })
      #expect(result == CommandResult(stderr: "error: could not read standard input as UTF-8\n", exitCode: 1))
    }
  }

  @Test("empty standard input holds no formula")
  func emptyStdin() {
    let result = chainrule(["diff", "--file", "-"], stdin: "")
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("error: the input holds no formula\n --> stdin:1:1\n"))
  }

  @Test("a formula that starts with a minus sign is a formula, not an option", arguments: ["-x^2", "-sin(x)"])
  func leadingMinus(_ formula: String) {
    let result = chainrule("diff", formula)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    // The same as after '--', which ends the options.
    #expect(result == chainrule("diff", "--", formula))
    #expect(result.stdout.hasPrefix("l = \(formula)\n"))
    let check = chainrule("check", formula, "--at", "x=0.5")
    #expect(check.exitCode == 0, "\(check.stderr)")
    #expect(check.stdout.hasSuffix("\nthe derivative agrees with the numbers\n"))
  }

  @Test("the derivatives of formulas that start with a minus sign")
  func leadingMinusDerivatives() {
    #expect(chainrule("diff", "-x^2").stdout == "l = -x^2\n\ndl/dx = -2*x\n")
    #expect(chainrule("diff", "-sin(x)").stdout == "l = -sin(x)\n\ndl/dx = -cos(x)\n")
  }

  @Test("check reads files too")
  func checkFromFile() throws {
    let file = try TemporaryFile("model.chain", text: Self.model)
    let result = chainrule("check", "--file", file.path, "--at", "w=0.5,b=-1,x=1.5,y=0.2")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("all 4 derivatives agree"))
  }
}
