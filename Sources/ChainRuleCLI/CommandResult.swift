import ChainRule
import Foundation

/// What a run of the command-line tool produced: its two streams and its exit code.
public struct CommandResult: Equatable, Sendable {
  public var stdout: String
  public var stderr: String
  public var exitCode: Int32

  public init(stdout: String = "", stderr: String = "", exitCode: Int32 = 0) {
    self.stdout = stdout
    self.stderr = stderr
    self.exitCode = exitCode
  }
}

/// A failure that ends a command: bad usage (exit 64, `EX_USAGE`) or bad input (exit 1).
enum CommandError: Error {
  /// The command line itself is wrong; the message is printed with a pointer to `--help`.
  case usage(String, command: String?)
  /// The input is wrong.
  case input(InputError)

  /// What the command prints on standard error for it.
  var text: String {
    switch self {
    case .usage(let message, let command):
      "error: \(message)\nsee '\(command.map { "chainrule \($0) --help" } ?? "chainrule --help")'\n"
    case .input(let error): error.text
    }
  }
}

/// Bad input, as a value; worded once, in ``text``.
enum InputError: Error {
  /// A problem in a formula, drawn with its source line and a caret, and an optional note.
  case diagnostic(Diagnostic, source: String, sourceName: String, note: String? = nil)
  /// A problem in a matrix-mode formula (a shape that does not fit, a parse error), drawn so.
  case matrixDiagnostic(MatrixDiagnostic, source: String, sourceName: String)
  /// A problem said in a sentence (a file that cannot be read, a value that cannot be computed),
  /// with where it happened (`in step f₂`) when that helps.
  case message(String, context: String? = nil)

  /// The text for standard error: `error: …` and a line break.
  var text: String {
    switch self {
    case .diagnostic(let diagnostic, let source, let name, let note):
      DiagnosticRenderer(sourceName: name).render(diagnostic, in: source) + (note.map { $0 + "\n" } ?? "")
    case .matrixDiagnostic(let diagnostic, let source, let name):
      DiagnosticRenderer(sourceName: name).render(diagnostic, in: source)
    case .message(let message, let context):
      "error: " + (context.map { "\($0): " } ?? "") + message + "\n"
    }
  }
}

/// Exit codes, as in `sysexits.h`.
enum ExitCode {
  static let success: Int32 = 0
  static let failure: Int32 = 1
  static let usage: Int32 = 64
}
