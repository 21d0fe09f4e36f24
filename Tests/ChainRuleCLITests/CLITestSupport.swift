import ChainRuleCLI
import Foundation
import Testing

/// Runs `chainrule` in process, as the executable would with these arguments.
///
/// - Parameters:
///   - arguments: The command-line arguments, without the program name.
///   - stdin: What standard input holds; nil means it is not valid UTF-8.
/// - Returns: stdout, stderr and the exit code.
func chainrule(_ arguments: String..., stdin: String? = "") -> CommandResult {
  chainrule(arguments, stdin: stdin)
}

/// Runs `chainrule` in process on an argument array.
func chainrule(_ arguments: [String], stdin: String? = "") -> CommandResult {
  ChainRuleCommand.run(arguments: arguments, stdin: { stdin }, isTerminal: false)
}

/// The textbook's toy model and point, exactly as `shared/tools/contract-check` spells them.
enum Toy {
  static let formula =
    "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)^2"
  static let point = "beta0=1,beta1=2,beta2=-3,beta3=0.4,omega0=0.1,omega1=-0.4,omega2=2,omega3=3,x=2.3,y=2"
  static let parameters = ["beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3"]
}

/// A JSON document parsed with Foundation, with the lookups the contract tests need.
struct JSONDocument {
  let object: [String: Any]

  /// Parses `text`, recording a test issue (and returning nil) if it is not a JSON object.
  init?(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [])
      guard let object = parsed as? [String: Any] else {
        Issue.record("top-level JSON value is not an object", sourceLocation: sourceLocation)
        return nil
      }
      self.object = object
    } catch {
      Issue.record("not valid JSON: \(error)\n\(text.prefix(400))", sourceLocation: sourceLocation)
      return nil
    }
  }
}

/// Whether `a` and `b` agree to within `tolerance`, relative to the larger magnitude (and
/// absolutely near zero).
func isClose(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
  if a == b { return true }
  return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// A number from a JSON value, whether Foundation parsed it as an integer or a double.
func jsonNumber(_ value: Any?) -> Double? {
  if let number = value as? NSNumber, !(value is Bool) { return number.doubleValue }
  return value as? Double
}

/// What a malformed-input diagnostic looks like once split into its parts.
///
/// ```
/// error: unknown function 'sinn'
///  --> input:1:1
/// 1 | sinn(x^2)
///   | ^^^^ did you mean 'sin'?
/// ```
struct RenderedDiagnostic {
  var message: String
  var sourceName: String
  var line: Int
  var column: Int
  /// The source line as drawn after `N | `.
  var sourceLine: String
  /// The caret line after `  | `: spaces, carets and an optional hint.
  var caretLine: String

  /// The column (from 1) of the first caret.
  var caretColumn: Int? {
    caretLine.firstIndex(of: "^").map { caretLine.distance(from: caretLine.startIndex, to: $0) + 1 }
  }

  /// How many carets are drawn.
  var caretWidth: Int {
    caretLine.drop { $0 == " " }.prefix { $0 == "^" }.count
  }

  /// How many characters of a long source line are drawn (not counting the `…` at a cut end).
  static let windowWidth = 100

  /// Checks that `line`, too long to draw whole, is drawn as a window of ``windowWidth``
  /// characters around the caret, with `…` at each end where the line is cut, and that the caret
  /// stands under the character at the true column named after `-->`.
  func expectWindow(of line: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let width = Self.windowWidth
    let characters = Array(line)
    var shown = Array(sourceLine)
    let cutAtStart = shown.first == "…"
    let cutAtEnd = shown.last == "…"
    if cutAtStart { shown.removeFirst() }
    if cutAtEnd { shown.removeLast() }
    #expect(shown.count == width, "window of \(shown.count): \(sourceLine)", sourceLocation: sourceLocation)
    guard let caret = caretColumn else {
      Issue.record("no caret", sourceLocation: sourceLocation)
      return
    }
    // The window starts at characters[start]: the caret is drawn `column - start` cells into it.
    let start = column - (caret - (cutAtStart ? 1 : 0))
    guard start >= 0, start + shown.count <= characters.count else {
      Issue.record("caret \(caret) does not fit column \(column)", sourceLocation: sourceLocation)
      return
    }
    #expect(Array(characters[start..<start + shown.count]) == shown, sourceLocation: sourceLocation)
    #expect(cutAtStart == (start > 0), "'…' at the start", sourceLocation: sourceLocation)
    #expect(cutAtEnd == (start + shown.count < characters.count), "'…' at the end", sourceLocation: sourceLocation)
    // Around the caret: centred, unless the window reaches an end of the line.
    let offset = column - start
    if cutAtStart && cutAtEnd {
      #expect(abs(offset - width / 2) <= 1, "caret \(offset) cells into the window", sourceLocation: sourceLocation)
    } else {
      #expect((1...width).contains(offset), sourceLocation: sourceLocation)
    }
  }

  /// Parses `text`, or returns nil if it does not have the four-line shape.
  init?(_ text: String) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 4, lines[0].hasPrefix("error: ") else { return nil }
    message = String(lines[0].dropFirst("error: ".count))
    let location = lines[1].drop { $0 == " " }
    guard location.hasPrefix("--> ") else { return nil }
    let parts = location.dropFirst(4).split(separator: ":")
    guard parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1])
    else { return nil }
    sourceName = parts.dropLast(2).joined(separator: ":")
    self.line = line
    self.column = column
    let gutter = String(line) + " | "
    guard lines[2].hasPrefix(gutter) else { return nil }
    sourceLine = String(lines[2].dropFirst(gutter.count))
    let caretGutter = String(repeating: " ", count: String(line).count) + " | "
    guard lines[3].hasPrefix(caretGutter) else { return nil }
    caretLine = String(lines[3].dropFirst(caretGutter.count))
  }
}
