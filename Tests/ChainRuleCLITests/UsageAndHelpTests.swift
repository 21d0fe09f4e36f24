import ChainRuleCLI
import Testing

/// A command line that is wrong as a command line: exit 64 and a pointer to `--help`.
struct UsageCase: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  /// The message after `error: `, whole.
  var message: String
  /// The subcommand whose help the message points to (nil: the main help).
  var helpFor: String?
  /// Whether `message` is only the start of the message (for lists that grow).
  var partial = false

  var testDescription: String { arguments.joined(separator: " ") }

  /// The line after the message.
  var expectedHint: String {
    let hint = helpFor.map { "chainrule \($0) --help" } ?? "chainrule --help"
    return "see '\(hint)'\n"
  }
}

@Suite("Usage errors exit 64 and point to --help")
struct UsageErrorTests {
  static let cases: [UsageCase] = [
    UsageCase(
      arguments: ["diff"], message: "missing formula: give one as an argument or with --file", helpFor: "diff"),
    UsageCase(
      arguments: ["check"], message: "missing formula: give one as an argument or with --file", helpFor: "check"),
    UsageCase(
      arguments: ["diff", "x", "--wrtt", "x"], message: "unknown option '--wrtt'; did you mean '--wrt'?",
      helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--formt", "json"], message: "unknown option '--formt'; did you mean '--format'?",
      helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--format", "xml"],
      message: "--format must be plain, unicode, latex or json; found 'xml'", helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--format=xml"],
      message: "--format must be plain, unicode, latex or json; found 'xml'", helpFor: "diff"),
    UsageCase(arguments: ["diff", "x", "--at"], message: "option '--at' needs a value", helpFor: "diff"),
    UsageCase(arguments: ["diff", "x", "--file"], message: "option '--file' needs a value", helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--at", "x=abc"], message: "--at: the value of x, 'abc', is not a number",
      helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--at", "x=1e999"],
      message: "--at: the value of x, '1e999', is too large for a 64-bit float",
      helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--at", "x=nan"], message: "--at: the value of x, 'nan', is not a finite number",
      helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--at", "x"],
      message: "--at expects name=value pairs separated by commas, e.g. x=1.5,y=-2; found 'x'", helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--at", "=1"],
      message: "--at expects name=value pairs separated by commas, e.g. x=1.5,y=-2; found '=1'", helpFor: "diff"),
    UsageCase(arguments: ["diff", "x", "--at", "x=1,x=2"], message: "--at gives 'x' twice", helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "y"],
      message: "expected one formula, found 2 arguments (quote the formula)", helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "+", "1"],
      message: "expected one formula, found 3 arguments (quote the formula)", helpFor: "diff"),
    UsageCase(
      arguments: ["check", "x"], message: "check needs a point: add --at name=value,…", helpFor: "check"),
    UsageCase(
      arguments: ["check", "x*y", "--at", "x=1"], message: "--at gives no value for y; add y=…",
      helpFor: "check"),
    UsageCase(
      arguments: ["diff", "x*y*z", "--at", "y=1"], message: "--at gives no value for x, z; add x=…,z=…",
      helpFor: "diff"),
    UsageCase(arguments: ["diff", "x", "--wrt", ""], message: "--wrt needs at least one name", helpFor: "diff"),
    UsageCase(
      arguments: ["diff", "x", "--wrt", "1"],
      message: "--wrt expects names separated by commas, e.g. beta0,omega0; found '1'", helpFor: "diff"),
    UsageCase(arguments: ["diff", "x", "--full=1"], message: "option '--full' takes no value", helpFor: "diff"),
    UsageCase(
      arguments: ["check", "x", "--at", "x=1", "--full"], message: "unknown option '--full'; did you mean '--file'?",
      helpFor: "check"),
    UsageCase(
      arguments: ["diff", "x", "--file", "f.chain"],
      message: "give the formula either as an argument or with --file, not both", helpFor: "diff"),
    UsageCase(
      arguments: ["help", "nope"], message: "no help for 'nope'; subcommands: diff, check", helpFor: nil,
      partial: true),
  ]

  @Test(arguments: cases)
  func usage(_ case_: UsageCase) {
    let result = chainrule(case_.arguments)
    #expect(result.exitCode == 64)
    #expect(result.stdout.isEmpty)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3, "two lines: \(result.stderr)")
    if case_.partial {
      #expect(lines.first?.hasPrefix("error: \(case_.message)") == true, "\(result.stderr)")
    } else {
      #expect(lines.first.map(String.init) == "error: \(case_.message)")
    }
    #expect(result.stderr.hasSuffix("\n" + case_.expectedHint))
    #expect(result.stderr.contains("--help"))
  }
}

@Suite("--help")
struct HelpTests {
  struct HelpCase: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var overview: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let cases: [HelpCase] = [
    HelpCase(arguments: ["--help"], overview: "Differentiate formulas symbolically"),
    HelpCase(arguments: ["-h"], overview: "Differentiate formulas symbolically"),
    HelpCase(arguments: ["help"], overview: "Differentiate formulas symbolically"),
    HelpCase(arguments: ["diff", "--help"], overview: "Print every partial derivative"),
    HelpCase(arguments: ["diff", "-h"], overview: "Print every partial derivative"),
    HelpCase(arguments: ["help", "diff"], overview: "Print every partial derivative"),
    HelpCase(arguments: ["diff", "x", "--at", "x=1", "--help"], overview: "Print every partial derivative"),
    HelpCase(arguments: ["check", "--help"], overview: "Check symbolic derivatives"),
    HelpCase(arguments: ["help", "check"], overview: "Check symbolic derivatives"),
  ]

  @Test(arguments: cases)
  func help(_ case_: HelpCase) {
    let result = chainrule(case_.arguments)
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("OVERVIEW: " + case_.overview))
    for section in ["OVERVIEW:", "USAGE: chainrule", "OPTIONS:", "-h, --help"] {
      #expect(result.stdout.contains(section), "missing \(section)")
    }
    // Sections come in swift-argument-parser's order.
    let order = ["OVERVIEW:", "USAGE:", "OPTIONS:"].compactMap { result.stdout.range(of: $0)?.lowerBound }
    #expect(order == order.sorted())
  }

  @Test("main help lists the subcommands; subcommand help lists arguments and options")
  func sections() {
    let main = chainrule("--help").stdout
    #expect(main.contains("SUBCOMMANDS:"))
    for name in ["diff", "check", "help <subcommand>"] { #expect(main.contains("\n  \(name) ")) }
    let diff = chainrule("help", "diff").stdout
    #expect(diff == chainrule("diff", "--help").stdout)
    for option in ["--wrt <names>", "--at <point>", "--format <format>", "-f, --file <path>", "--full"] {
      #expect(diff.contains(option), "diff help lacks \(option)")
    }
    #expect(diff.contains("ARGUMENTS:\n  <formula>"))
    let check = chainrule("help", "check").stdout
    for option in ["--at <point>", "--wrt <names>", "--format <format>", "-f, --file <path>"] {
      #expect(check.contains(option), "check help lacks \(option)")
    }
  }

  @Test("every example in diff's help runs")
  func examplesRun() {
    #expect(chainrule("diff", "sin(x)^2*y", "--at", "x=1,y=2").exitCode == 0)
    #expect(chainrule("diff", "f = w*x + b; l = (f - y)^2", "--wrt", "w,b", "--format", "json").exitCode == 0)
  }

  @Test("--version")
  func version() {
    let result = chainrule("--version")
    #expect(result == CommandResult(stdout: "chainrule \(ChainRuleCommand.version)\n"))
  }
}
