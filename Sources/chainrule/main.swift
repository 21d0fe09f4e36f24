import ChainRuleCLI
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if (arguments.isEmpty || arguments == ["repl"]) && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
  // On a terminal, plain `chainrule` opens the REPL on the built-in toy model.
  exit(ChainRuleCommand.runInteractiveREPL(startWithToyModel: arguments.isEmpty))
}
let result = ChainRuleCommand.run(
  arguments: arguments,
  stdin: { String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8) },
  isTerminal: isatty(STDOUT_FILENO) == 1, executable: CommandLine.arguments.first)
FileHandle.standardOutput.write(Data(result.stdout.utf8))
FileHandle.standardError.write(Data(result.stderr.utf8))
exit(result.exitCode)
