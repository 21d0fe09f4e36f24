import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleMatrix
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

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
  ///
  /// `\r\n` ends a line like `\n`; combining marks add no column, so a caret lands under the
  /// character they decorate.
  public static func location(of offset: Int, in source: String) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var byte = 0
    for scalar in source.unicodeScalars {
      if byte >= offset { break }
      byte += UTF8.width(scalar)
      switch scalar {
      case "\n":
        line += 1
        column = 1
      case "\r":
        break
      default:
        if !Self.isCombining(scalar) { column += 1 }
      }
    }
    return (line, column)
  }

  private static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .spacingMark: true
    default: scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value)
    }
  }

  /// The widest source line shown; longer lines are cut to a window around the caret.
  static let maximumLineWidth = 100

  /// The full text of the diagnostic, ending in a newline.
  public func render(_ diagnostic: Diagnostic, in source: String) -> String {
    render(message: diagnostic.message, hint: diagnostic.hint, span: diagnostic.span, in: source)
  }

  /// The full text of a matrix-mode diagnostic (a shape error or a parse error), ending in a
  /// newline.
  public func render(_ diagnostic: MatrixDiagnostic, in source: String) -> String {
    render(message: diagnostic.message, hint: diagnostic.hint, span: diagnostic.span, in: source)
  }

  /// A message with its hint, drawn at `span`.
  func render(message: String, hint: String?, span: SourceSpan, in source: String) -> String {
    let diagnostic = (message: message, hint: hint, span: span)
    let (line, column) = Self.location(of: diagnostic.span.start, in: source)
    let lines = source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    var lineText = line - 1 < lines.count ? String(String.UnicodeScalarView(lines[line - 1])) : ""
    if lineText.unicodeScalars.last == "\r" { lineText.unicodeScalars.removeLast() }
    var cells: [String] = []
    for scalar in lineText.unicodeScalars {
      if Self.isCombining(scalar), !cells.isEmpty {
        cells[cells.count - 1].unicodeScalars.append(scalar)
      } else {
        cells.append(scalar.properties.generalCategory == .control ? " " : String(scalar))
      }
    }
    let endLocation = Self.location(of: diagnostic.span.end, in: source)
    var width =
      endLocation.line == line
      ? max(1, endLocation.column - column) : max(1, cells.count - column + 1)
    var caretColumn = column
    if cells.count > Self.maximumLineWidth {
      // Show a window around the caret, marked with ellipses where the line goes on.
      let start = max(0, min(column - 1 - Self.maximumLineWidth / 2, cells.count - Self.maximumLineWidth))
      let end = min(cells.count, start + Self.maximumLineWidth)
      var window = Array(cells[start..<end])
      caretColumn = column - start
      if start > 0 {
        window.insert("…", at: 0)
        caretColumn += 1
      }
      if end < cells.count { window.append("…") }
      cells = window
      width = min(width, max(1, cells.count - caretColumn + 1))
    }
    let printable = cells.joined()
    let gutter = String(repeating: " ", count: String(line).count)
    var text = "error: \(diagnostic.message)\n"
    text += "\(gutter)--> \(sourceName):\(line):\(column)\n"
    text += "\(line) | \(printable)\n"
    text += "\(gutter) | " + String(repeating: " ", count: max(0, caretColumn - 1))
    text += String(repeating: "^", count: width)
    if let hint = diagnostic.hint { text += " " + hint }
    return text + "\n"
  }
}
