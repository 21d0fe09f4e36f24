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
  /// The input is wrong; the text is already rendered (diagnostic with caret, or a message).
  case input(String)
}

/// Exit codes, as in `sysexits.h`.
enum ExitCode {
  static let success: Int32 = 0
  static let failure: Int32 = 1
  static let usage: Int32 = 64
}
