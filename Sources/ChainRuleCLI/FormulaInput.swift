import ChainRule
import Foundation

/// Where a command's formula comes from, and how its problems are reported.
struct FormulaInput {
  /// The formula's text.
  var source: String
  /// The name used in diagnostics: `input`, a file path, or `stdin`.
  var name: String

  /// The formula from the positional argument, `--file PATH`, or `--file -` (standard input).
  static func read(
    _ arguments: Arguments, command: String, stdin: () -> String?
  ) throws(CommandError) -> FormulaInput {
    let file = arguments.values["--file"]
    if arguments.positionals.count > 1 {
      throw .usage(
        "expected one formula, found \(arguments.positionals.count) arguments (quote the formula)",
        command: command)
    }
    if let file {
      guard arguments.positionals.isEmpty else {
        throw .usage("give the formula either as an argument or with --file, not both", command: command)
      }
      if file == "-" {
        guard let text = stdin() else { throw .input(.message("could not read standard input as UTF-8")) }
        return FormulaInput(source: text, name: "stdin")
      }
      guard let data = FileManager.default.contents(atPath: file) else {
        throw .input(.message("cannot read file '\(file)'"))
      }
      guard let text = String(data: data, encoding: .utf8) else {
        throw .input(.message("'\(file)' is not valid UTF-8 text"))
      }
      return FormulaInput(source: text, name: file)
    }
    guard let formula = arguments.positionals.first else {
      throw .usage("missing formula: give one as an argument or with --file", command: command)
    }
    if formula == "-" {
      guard let text = stdin() else { throw .input(.message("could not read standard input as UTF-8")) }
      return FormulaInput(source: text, name: "stdin")
    }
    return FormulaInput(source: formula, name: "input")
  }

  /// Parses the formula, rendering any diagnostic with its caret; `relu` follows `convention`.
  func parse(relu convention: ReluConvention = .zero) throws(CommandError) -> Formula {
    do throws(Diagnostic) {
      guard convention != .zero else { return try Formula(parsing: source) }
      let program = convention.apply(to: try Parser.parse(source))
      if let problem = program.constantWithoutValue() { throw problem }
      return Formula(program: program)
    } catch {
      var notes = namedFile.map { ["note: '\($0)' is a file; to read the formula from it, write -f \($0)"] } ?? []
      if MatrixParser.declaresShapes(source) {
        notes.append("note: declarations such as 'x: 64×1000' are matrix mode, which 'diff' and 'trace' read")
      }
      let note = notes.isEmpty ? nil : notes.joined(separator: "\n")
      throw .input(.diagnostic(error, source: source, sourceName: name, note: note))
    }
  }

  /// The formula argument when it is the path of an existing file (`chainrule diff model.chain`),
  /// which the user most likely meant to read with `-f`.
  private var namedFile: String? {
    guard name == "input", !source.contains("\n"), source.contains("/") || source.contains(".") else { return nil }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue else {
      return nil
    }
    return source
  }
}
