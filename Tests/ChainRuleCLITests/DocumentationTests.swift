import ChainRule
import ChainRuleCLI
import Foundation
import Testing

/// The outputs pasted into docs/*.md are the tool's real outputs: every ```console block that
/// starts with `$ chainrule …` is run, and its output must match the block. A line `…` in a
/// block skips lines. `RECORD_SNAPSHOTS=1` rewrites the blocks (whole outputs, no skips).
@Suite struct DocumentationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  struct Block {
    var command: String
    var expected: [String]
    /// Line range of the expected output in the file (0-based, half-open).
    var lines: Range<Int>
  }

  static func blocks(in text: String) -> [Block] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var blocks: [Block] = []
    var i = 0
    while i < lines.count {
      if lines[i] == "```console", i + 1 < lines.count, lines[i + 1].hasPrefix("$ chainrule") {
        var command = String(lines[i + 1].dropFirst(2))
        var j = i + 2
        while command.hasSuffix("\\"), j < lines.count {
          command = String(command.dropLast()) + lines[j].trimmingCharacters(in: .whitespaces)
          j += 1
        }
        let start = j
        while j < lines.count && lines[j] != "```" { j += 1 }
        blocks.append(Block(command: command, expected: Array(lines[start..<j]), lines: start..<j))
        i = j
      }
      i += 1
    }
    return blocks
  }

  /// Splits a shell command line with single quotes, as the docs write them.
  static func words(_ command: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quoted = false
    var inWord = false
    for character in command {
      if character == "'" {
        quoted.toggle()
        inWord = true
      } else if character == " " && !quoted {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(character)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }

  static func run(_ command: String) -> [String] {
    var arguments = Array(words(command).dropFirst())
    arguments = arguments.map { $0.hasPrefix("Examples/") ? root.appendingPathComponent($0).path : $0 }
    let result = ChainRuleCommand.run(arguments: arguments)
    var output = result.stdout + result.stderr
    output = output.replacingOccurrences(of: root.path + "/", with: "")
    var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last == "" { lines.removeLast() }
    return lines
  }

  static let documents = ["docs/tutorial.md", "README.md", "docs/reference.md"]

  @Test(arguments: documents)
  func consoleBlocksShowRealOutput(_ document: String) throws {
    let url = Self.root.appendingPathComponent(document)
    var text = try String(contentsOf: url, encoding: .utf8)
    let blocks = Self.blocks(in: text)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      for block in blocks.reversed() {
        lines.replaceSubrange(block.lines, with: Self.run(block.command))
      }
      text = lines.joined(separator: "\n")
      try text.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    for block in blocks {
      let actual = Self.run(block.command)
      // Chunks separated by `…` must appear in order.
      var chunks: [[String]] = [[]]
      for line in block.expected {
        if line == "…" { chunks.append([]) } else { chunks[chunks.count - 1].append(line) }
      }
      var position = 0
      for chunk in chunks where !chunk.isEmpty {
        var found: Int? = nil
        var start = position
        while start + chunk.count <= actual.count {
          if Array(actual[start..<start + chunk.count]) == chunk {
            found = start
            break
          }
          start += 1
        }
        #expect(
          found != nil,
          "\(document): output of '\(block.command)' no longer contains:\n\(chunk.joined(separator: "\n"))")
        position = (found ?? position) + chunk.count
      }
    }
  }

  /// The function table of docs/reference.md lists every standard function with the derivative
  /// `diff` prints from the function's own entry (``FunctionDefinition/derivatives``).
  @Test("the reference's function table shows each function's derivative", arguments: Function.standardFunctions)
  func functionTableMatchesDefinitions(function: Function) throws {
    let text = try String(contentsOf: Self.root.appendingPathComponent("docs/reference.md"), encoding: .utf8)
    let arguments = function.arity == 2 ? ["a", "b"] : ["u"]
    let call = "\(function.name)(\(arguments.joined(separator: ", ")))"
    let row = try #require(
      text.split(separator: "\n").first { $0.hasPrefix("| `\(call)`") }, "no row for \(call) in docs/reference.md")
    let formula = try Formula(parsing: call)
    let printer = formula.printer(.unicode)
    for (variable, derivative) in zip(arguments, formula.gradient(withRespectTo: arguments)) {
      let printed = printer.string(formula.simplified(derivative))
      #expect(row.contains("`\(printed)`"), "\(call): the row lacks ∂/∂\(variable) = `\(printed)`: \(row)")
    }
    for alias in function.definition.aliases { #expect(row.contains(alias), "\(call): alias \(alias) not listed") }
  }
}
