/// One subcommand, declared once: its name, its options, its help and what it runs.
///
/// The option parser reads ``options`` (which take a value, which are flags), the help text is
/// written from the same declaration in swift-argument-parser's shape (OVERVIEW, USAGE,
/// ARGUMENTS, OPTIONS), and the main help lists every subcommand's ``summary``. Adding a
/// subcommand is one declaration in its own file plus its entry in
/// ``ChainRuleCommand/subcommands``.
struct Subcommand: Sendable {
  /// The word typed after `chainrule`: `diff`, `trace`, ….
  let name: String
  /// The line under SUBCOMMANDS in the main help.
  let summary: String
  /// The OVERVIEW line of its own help.
  let overview: String
  /// The USAGE lines, without `USAGE: ` (continuation lines carry their own indent).
  let usage: [String]
  /// The positional arguments, described.
  let arguments: [HelpEntry]
  /// Every option the subcommand accepts (`--help` is added to all).
  let options: [CommandOption]
  /// Closing text: a paragraph, EXAMPLES, a list of commands; printed as written.
  let discussion: String?
  /// Runs the subcommand on its parsed options.
  let run: @Sendable (Arguments, CommandContext) throws(CommandError) -> CommandResult

  /// The option that every subcommand accepts.
  static let helpOption = CommandOption("--help", short: "-h", help: "Show help information.")

  /// The options the parser accepts: the declared ones and `--help`.
  var allOptions: [CommandOption] { options + [Self.helpOption] }

  /// A fresh parser for this subcommand's options.
  func argumentParser() -> Arguments {
    let all = allOptions
    return Arguments(
      valueOptions: Set(all.filter { $0.value != nil }.map(\.name)),
      flagOptions: Set(all.filter { $0.value == nil }.map(\.name)))
  }

  /// The `--help` text.
  var help: String {
    var out = "OVERVIEW: \(overview)\n\n"
    out += "USAGE: " + usage.joined(separator: "\n") + "\n"
    if !arguments.isEmpty {
      out += "\nARGUMENTS:\n" + arguments.map(\.text).joined()
    }
    if !options.isEmpty {
      out += "\nOPTIONS:\n" + allOptions.map { $0.entry.text }.joined()
    }
    if let discussion { out += "\n" + discussion }
    return out
  }
}

/// What a subcommand reads besides its options.
struct CommandContext {
  /// Reads all of standard input, or nil if it is not UTF-8.
  let stdin: () -> String?
  /// Whether standard output is a terminal (chooses Unicode output).
  let isTerminal: Bool
}

/// One option of a subcommand: its spelling, its value's placeholder (nil for a flag) and its
/// description, which the help prints beside it.
struct CommandOption: Sendable {
  /// The long spelling, `--at`.
  let name: String
  /// The short spelling, `-f`, if there is one.
  let short: String?
  /// The placeholder of its value, `<point>`; nil for a flag.
  let value: String?
  /// The description, one string per help line.
  let help: [String]

  init(_ name: String, short: String? = nil, value: String? = nil, help: String...) {
    self.name = name
    self.short = short
    self.value = value
    self.help = help
  }

  /// The option as a help entry: `-f, --file <path>` beside its description.
  var entry: HelpEntry {
    var label = short.map { "\($0), " } ?? ""
    label += name
    if let value { label += " " + value }
    return HelpEntry(label, help)
  }
}

/// A term and its description in a help text, aligned in two columns.
struct HelpEntry: Sendable {
  let label: String
  let lines: [String]

  init(_ label: String, _ lines: [String]) {
    self.label = label
    self.lines = lines
  }

  init(_ label: String, _ line: String...) { self.init(label, line) }

  /// The column the descriptions start in.
  static let column = 26

  /// The entry's lines, the first beside its label (or under it when the label is long).
  var text: String {
    let indent = String(repeating: " ", count: Self.column)
    let head = "  " + label
    var out = ""
    if head.count < Self.column {
      out += head + String(repeating: " ", count: Self.column - head.count) + (lines.first ?? "") + "\n"
    } else {
      out += head + "\n" + indent + (lines.first ?? "") + "\n"
    }
    for line in lines.dropFirst() { out += indent + line + "\n" }
    return out
  }
}

extension CommandOption {
  /// `-f, --file <path>`, the same for every command that reads a formula.
  static let file = CommandOption(
    "--file", short: "-f", value: "<path>", help: "Read the formula from a file ('-' for standard input).")
  /// `--data <names>`: which variables are data, not parameters.
  static let data = CommandOption(
    "--data", value: "<names>", help: "The data names, e.g. x,y (default: x, y, t, i with any subscript,",
    "x_i, y_i, target, input).")
}
