import ChainRule

/// The options of one subcommand, parsed from the command line.
///
/// Values may follow their option (`--at x=1`) or be joined with `=` (`--at=x=1`).
struct Arguments {
  /// Options that take a value, for this subcommand.
  let valueOptions: Set<String>
  /// Options that are flags.
  let flagOptions: Set<String>

  var values: [String: String] = [:]
  var flags: Set<String> = []
  var positionals: [String] = []

  init(valueOptions: Set<String>, flagOptions: Set<String>) {
    self.valueOptions = valueOptions
    self.flagOptions = flagOptions.union(["--help"])
  }

  /// Reads `arguments`, resolving short spellings (`-f`, `-o`, `-h`).
  mutating func parse(_ arguments: [String], command: String) throws(CommandError) {
    var i = 0
    var onlyPositionals = false
    while i < arguments.count {
      var argument = arguments[i]
      i += 1
      if onlyPositionals || argument == "-" || !argument.hasPrefix("-") || Self.isNumber(argument) {
        positionals.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositionals = true
        continue
      }
      var inlineValue: String? = nil
      if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
        inlineValue = String(argument[argument.index(after: equals)...])
        argument = String(argument[..<equals])
      }
      argument = Self.longName(argument)
      if flagOptions.contains(argument) {
        guard inlineValue == nil else {
          throw .usage("option '\(argument)' takes no value", command: command)
        }
        flags.insert(argument)
      } else if valueOptions.contains(argument) {
        if let inlineValue {
          values[argument] = inlineValue
        } else {
          guard i < arguments.count else {
            throw .usage("option '\(argument)' needs a value", command: command)
          }
          values[argument] = arguments[i]
          i += 1
        }
      } else {
        let known = (Array(valueOptions) + Array(flagOptions)).sorted()
        var message = "unknown option '\(argument)'"
        if let best = Suggestion.closest(to: argument, among: known) {
          message += "; did you mean '\(best)'?"
        }
        throw .usage(message, command: command)
      }
    }
  }

  private static func longName(_ option: String) -> String {
    switch option {
    case "-f": "--file"
    case "-o": "--output"
    case "-h": "--help"
    default: option
    }
  }

  /// A leading minus that starts a number (`-2`) or a formula (`-x^2`, `-sin(x)`) is not an
  /// option: only `--name` and the short options `-f`, `-o`, `-h` are.
  private static func isNumber(_ argument: String) -> Bool {
    guard argument.count > 1, !argument.hasPrefix("--") else { return false }
    return !["-f", "-o", "-h"].contains(argument)
  }
}
