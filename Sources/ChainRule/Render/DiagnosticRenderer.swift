/// Draws a ``Diagnostic`` the way compilers do: message, location, source line and a caret.
///
/// ```
/// error: unknown function 'sinn'
///  --> input:1:1
/// 1 | sinn(x^2)
///   | ^^^^ did you mean 'sin'?
/// ```
/// Columns count characters, not bytes, so carets line up under `β₀`.
public struct DiagnosticRenderer {
  /// The name shown after `-->`, e.g. `input` or a file path.
  public var sourceName: String

  /// Creates a renderer that calls the source `sourceName`.
  public init(sourceName: String = "input") { self.sourceName = sourceName }

  /// Line and column (both from 1, column in characters) of a UTF-8 offset.
  public static func location(of offset: Int, in source: String) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var byte = 0
    for character in source {
      if byte >= offset { break }
      byte += character.utf8.count
      if character == "\n" || character == "\r\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return (line, column)
  }

  /// The full text of the diagnostic, ending in a newline.
  public func render(_ diagnostic: Diagnostic, in source: String) -> String {
    let (line, column) = Self.location(of: diagnostic.span.start, in: source)
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let lineText = line - 1 < lines.count ? String(lines[line - 1]) : ""
    let printable = String(lineText.map { $0.isPrintableForCaret ? $0 : " " })
    let endLocation = Self.location(of: diagnostic.span.end, in: source)
    let lineLength = printable.count
    let width =
      endLocation.line == line
      ? max(1, endLocation.column - column) : max(1, lineLength - column + 1)
    let gutter = String(repeating: " ", count: String(line).count)
    var text = "error: \(diagnostic.message)\n"
    text += "\(gutter)--> \(sourceName):\(line):\(column)\n"
    text += "\(line) | \(printable)\n"
    text += "\(gutter) | " + String(repeating: " ", count: column - 1)
    text += String(repeating: "^", count: width)
    if let hint = diagnostic.hint { text += " " + hint }
    return text + "\n"
  }
}

extension Character {
  /// Control characters are drawn as spaces so the caret line stays aligned.
  fileprivate var isPrintableForCaret: Bool {
    !unicodeScalars.contains { $0.properties.generalCategory == .control }
  }
}
