import ChainRuleCLI
import Foundation

let result = ChainRuleCommand.run(
  arguments: Array(CommandLine.arguments.dropFirst()),
  stdin: { String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8) },
  isTerminal: isatty(STDOUT_FILENO) == 1)
FileHandle.standardOutput.write(Data(result.stdout.utf8))
FileHandle.standardError.write(Data(result.stderr.utf8))
exit(result.exitCode)
