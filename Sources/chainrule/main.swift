import ChainRuleCLI
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if (arguments.isEmpty || arguments == ["repl"]) && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
  exit(ChainRuleCommand.runInteractiveREPL())
}
let result = ChainRuleCommand.run(
  arguments: arguments,
  stdin: { String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8) },
  isTerminal: isatty(STDOUT_FILENO) == 1)
FileHandle.standardOutput.write(Data(result.stdout.utf8))
FileHandle.standardError.write(Data(result.stderr.utf8))
exit(result.exitCode)
