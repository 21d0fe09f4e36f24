import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// The left side of an answer line, `∂ℓ/∂ω₀`: which function is differentiated by which name.
public struct DerivativeHeader: Hashable, Sendable {
  /// The function differentiated (canonical name: `l` for `ℓ` or `\ell`).
  public var function: String
  /// The name differentiated by (canonical: `omega0`).
  public var variable: String

  public init(function: String, variable: String) {
    self.function = function
    self.variable = variable
  }

  /// Reads `dl/dw`, `d l / d w`, `∂ℓ/∂ω₀`, `\partial\ell/\partial\omega_0`,
  /// `\frac{\partial \ell}{\partial \omega_0}` or `\frac{d\ell}{d\omega_0}`; nil for anything else.
  ///
  /// ```swift
  /// DerivativeHeader(reading: "∂ℓ/∂ω₀")   // function "l", variable "omega0"
  /// ```
  public init?(reading text: some StringProtocol) {
    let scalars = Array(String(text).unicodeScalars)
    var reader = ScalarReader(scalars)
    guard let (function, variable) = reader.readDerivative(), reader.atEndIgnoringSpaces else { return nil }
    self.init(function: function, variable: variable)
  }

  /// Whether `text` looks like an attempt at a derivative header (it has `/`, `∂` or `\frac`),
  /// so a left side that fails to read is reported rather than taken for a definition.
  static func looksLikeHeader(_ text: some StringProtocol) -> Bool {
    text.contains("/") || text.contains("∂") || text.contains("\\frac") || text.contains("\\partial")
  }
}

/// A learner's answer: an optional `∂ℓ/∂w =` header and the expression after it.
public struct Answer: Sendable {
  /// The header, if the answer had one.
  public var header: DerivativeHeader?
  /// The expression, parsed.
  public var expression: SyntaxTree
  /// The expression as typed (after the `=` of a header).
  public var text: String
  /// Adjoints `∂ℓ/∂s` written in the expression (read only for backward-pass lines): the
  /// placeholder symbol each became, and the step or parameter `s` it names.
  public var adjointReferences: [String: String] = [:]

  /// Reads an answer written on one line, or in a range of a larger text (a file of answers).
  ///
  /// Diagnostics point into `source` with its lines and columns: the text outside `range` is
  /// blanked for parsing, not removed, so offsets stay where they were.
  ///
  /// - Parameters:
  ///   - source: The text holding the answer.
  ///   - range: Where the answer is in `source` (default: all of it).
  ///   - adjoints: For a backward-pass line: the loss's name and the names `s` whose
  ///     `∂loss/∂s` may appear in the expression; nil to read the expression as a formula.
  /// - Throws: ``Diagnostic`` when the expression does not parse, or ``AnswerError`` when the
  ///   header does not read or more than one expression is given.
  public init(
    parsing source: String, range: Range<String.Index>? = nil, adjoints: (loss: String, names: Set<String>)? = nil
  ) throws(AnswerError) {
    let range = range ?? source.startIndex..<source.endIndex
    let line = source[range]
    var bodyStart = range.lowerBound
    if let equals = line.firstIndex(of: "=") {
      let lhs = line[..<equals]
      guard let header = DerivativeHeader(reading: lhs) else {
        throw .unreadableHeader(String(lhs).trimmingSpaces())
      }
      self.header = header
      bodyStart = source.index(after: equals)
    }
    let body = source[bodyStart..<range.upperBound]
    text = String(body).trimmingSpaces()
    guard !text.isEmpty else { throw .emptyAnswer }
    var blanked = Answer.blanking(source, outside: bodyStart..<range.upperBound)
    if let adjoints {
      var references = AdjointReferences(loss: adjoints.loss, names: adjoints.names)
      blanked = references.replace(in: blanked)
      adjointReferences = references.placeholders
    }
    let program: Program
    do {
      program = try Parser.parse(blanked)
    } catch {
      throw .parse(error)
    }
    guard program.definitions.count == 1, program.result.name == nil else {
      throw .notOneExpression
    }
    expression = program.result.body
  }

  /// `source` with every character outside `range` (except line breaks) replaced by spaces of
  /// the same UTF-8 length, so offsets into it are offsets into `source`.
  static func blanking(_ source: String, outside range: Range<String.Index>) -> String {
    let lower = source.utf8.distance(from: source.startIndex, to: range.lowerBound)
    let upper = source.utf8.distance(from: source.startIndex, to: range.upperBound)
    var bytes = Array(source.utf8)
    for i in bytes.indices where (i < lower || i >= upper) && bytes[i] != UInt8(ascii: "\n") {
      bytes[i] = UInt8(ascii: " ")
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// Why an answer could not be read (besides a parse error in its expression).
public enum AnswerError: Error, Sendable {
  /// The expression does not parse.
  case parse(Diagnostic)
  /// The text before `=` is not a derivative such as `dl/dw`.
  case unreadableHeader(String)
  /// Nothing after the `=`.
  case emptyAnswer
  /// Definitions or several expressions where one expression belongs.
  case notOneExpression

  /// The message, for errors other than ``parse(_:)`` (whose ``Diagnostic`` is drawn with its caret).
  public var message: String {
    switch self {
    case .parse(let diagnostic): diagnostic.message
    case .unreadableHeader(let text):
      "cannot read '\(text)' as a derivative; write it as dl/dw, ∂ℓ/∂w or \\frac{\\partial \\ell}{\\partial w}"
    case .emptyAnswer: "the answer is empty"
    case .notOneExpression: "an answer is one expression, without definitions"
    }
  }
}

/// A file of answers: lines `dl/dw = …` among the formula's own lines.
///
/// A line whose left side reads as a ``DerivativeHeader`` (or tries to: it holds `/`, `∂` or
/// `\frac`) is an answer; every other line belongs to the formula.
public struct AnswerSheet: Sendable {
  /// The formula's lines, with the answer lines blanked (so diagnostics keep their lines).
  public var formulaSource: String
  /// Each answer line's range in the text.
  public var answerRanges: [Range<String.Index>]
  /// Whether any line belongs to the formula.
  public var hasFormula: Bool

  /// Splits `text` into the formula's lines and the answer lines.
  public init(_ text: String) {
    var formula = ""
    var ranges: [Range<String.Index>] = []
    var hasFormula = false
    var lineStart = text.startIndex
    while true {
      // "\r\n" is one Character in Swift: a CRLF file ends its lines there too.
      let lineEnd = text[lineStart...].firstIndex { $0 == "\n" || $0 == "\r\n" } ?? text.endIndex
      let line = text[lineStart..<lineEnd]
      let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      if let equals = code.firstIndex(of: "="), DerivativeHeader.looksLikeHeader(code[..<equals]) {
        ranges.append(lineStart..<lineEnd)
        formula += String(repeating: " ", count: line.utf8.count)
      } else {
        formula += line
        if !code.allSatisfy(\.isWhitespace) { hasFormula = true }
      }
      guard lineEnd < text.endIndex else { break }
      formula.append(text[lineEnd])
      lineStart = text.index(after: lineEnd)
    }
    formulaSource = formula
    answerRanges = ranges
    self.hasFormula = hasFormula
  }
}

/// Finds `∂ℓ/∂s` (in any spelling a header accepts) inside an expression's text and replaces each
/// with a placeholder symbol, padded to the same UTF-8 length so diagnostics keep their columns.
struct AdjointReferences {
  let loss: String
  let names: Set<String>
  /// Placeholder symbol → the step or parameter it stands for.
  private(set) var placeholders: [String: String] = [:]
  private var placeholderOf: [String: String] = [:]

  init(loss: String, names: Set<String>) {
    self.loss = loss
    self.names = names
  }

  /// The placeholder symbol for the adjoint of `name`: letters only (`zqa`, `zqb`, …), which both
  /// the plain and the LaTeX reader take as one name.
  static func placeholder(_ index: Int) -> String {
    var letters = ""
    var n = index
    repeat {
      letters = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(n % 26))) + letters
      n = n / 26 - 1
    } while n >= 0
    return "zq" + letters
  }

  mutating func replace(in text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < scalars.count {
      let atBoundary = i == 0 || !ScalarReader.isNameScalar(scalars[i - 1])
      if atBoundary {
        var reader = ScalarReader(scalars, at: i)
        if let (function, variable) = reader.readDerivative(), function == loss, names.contains(variable) {
          let symbol = placeholder(for: variable)
          let length = scalars[i..<reader.position].reduce(0) { $0 + UTF8.width($1) }
          if length >= symbol.utf8.count {
            out.append(contentsOf: symbol.unicodeScalars)
            out.append(contentsOf: String(repeating: " ", count: length - symbol.utf8.count).unicodeScalars)
            i = reader.position
            continue
          }
        }
      }
      out.append(scalars[i])
      i += 1
    }
    return String(out)
  }

  private mutating func placeholder(for name: String) -> String {
    if let existing = placeholderOf[name] { return existing }
    var index = placeholders.count
    var symbol = Self.placeholder(index)
    while names.contains(symbol) || symbol == loss {
      index += 1
      symbol = Self.placeholder(index)
    }
    placeholders[symbol] = name
    placeholderOf[name] = symbol
    return symbol
  }
}

/// Reads derivative notation from Unicode scalars: `d`/`∂`/`\partial` before a name, a `/` or a
/// `\frac{…}{…}` between two of them.
struct ScalarReader {
  let scalars: [Unicode.Scalar]
  var position: Int

  init(_ scalars: [Unicode.Scalar], at position: Int = 0) {
    self.scalars = scalars
    self.position = position
  }

  var atEndIgnoringSpaces: Bool {
    var copy = self
    copy.skipSpaces()
    return copy.position == scalars.count
  }

  /// A letter, digit, `_`, subscript digit or Greek letter: part of a name.
  static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
    c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || (0x2080...0x2089).contains(c.value)
  }

  mutating func skipSpaces() {
    while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
  }

  private mutating func consume(_ word: String) -> Bool {
    let word = Array(word.unicodeScalars)
    guard position + word.count <= scalars.count, Array(scalars[position..<position + word.count]) == word else {
      return false
    }
    position += word.count
    return true
  }

  /// `(function, variable)` from `dF/dV` or `\frac{dF}{dV}` at the current position.
  mutating func readDerivative() -> (String, String)? {
    let start = position
    skipSpaces()
    if consume("\\frac") || consume("\\dfrac") {
      skipSpaces()
      guard let top = readGroup(), let bottom = readGroupAfterSpaces() else {
        position = start
        return nil
      }
      guard let function = Self.differential(top), let variable = Self.differential(bottom) else {
        position = start
        return nil
      }
      return (function, variable)
    }
    guard let function = readDifferential() else {
      position = start
      return nil
    }
    skipSpaces()
    guard consume("/") else {
      position = start
      return nil
    }
    skipSpaces()
    guard let variable = readDifferential() else {
      position = start
      return nil
    }
    return (function, variable)
  }

  private mutating func readGroupAfterSpaces() -> [Unicode.Scalar]? {
    skipSpaces()
    return readGroup()
  }

  /// `{…}` with nested braces; the inside.
  private mutating func readGroup() -> [Unicode.Scalar]? {
    guard position < scalars.count, scalars[position] == "{" else { return nil }
    var depth = 0
    let start = position + 1
    while position < scalars.count {
      if scalars[position] == "{" { depth += 1 }
      if scalars[position] == "}" {
        depth -= 1
        if depth == 0 {
          let inside = Array(scalars[start..<position])
          position += 1
          return inside
        }
      }
      position += 1
    }
    return nil
  }

  /// `d name`, `∂name`, `\partial name`, `\mathrm{d} name` as a whole: the canonical name.
  static func differential(_ scalars: [Unicode.Scalar]) -> String? {
    var reader = ScalarReader(scalars)
    guard let name = reader.readDifferential(), reader.atEndIgnoringSpaces else { return nil }
    return name
  }

  /// The differential's name at the current position.
  private mutating func readDifferential() -> String? {
    skipSpaces()
    let start = position
    guard consume("\\partial") || consume("∂") || consume("\\mathrm{d}") || consume("d") else { return nil }
    skipSpaces()
    guard let name = readName() else {
      position = start
      return nil
    }
    return name
  }

  /// A name: letters, digits, subscripts, `\command`s and `_{…}` groups, as one canonical name.
  private mutating func readName() -> String? {
    let start = position
    while position < scalars.count {
      let c = scalars[position]
      if Self.isNameScalar(c) {
        position += 1
      } else if c == "\\", position + 1 < scalars.count, scalars[position + 1].properties.isAlphabetic,
        position == start || scalars[position - 1] == "_"
      {
        // A command such as \omega (at the start or as a subscript), then its letters.
        position += 1
        while position < scalars.count, scalars[position].properties.isAlphabetic { position += 1 }
      } else if c == "{", position > start, scalars[position - 1] == "_" {
        guard readGroup() != nil else { break }
      } else if c == " ", position > start, scalars[position - 1] == "_" {
        position += 1
      } else {
        break
      }
    }
    guard position > start else { return nil }
    var text = String(String.UnicodeScalarView(scalars[start..<position]))
    // `\ell` and `\omega` need the LaTeX reader; a bare `\ell` is one name there.
    if text.hasSuffix("_") { text.removeLast() }
    guard let name = Parser.canonicalName(text) else {
      position = start
      return nil
    }
    return name
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  func trimmingSpaces() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return String(self[first...last])
  }
}
