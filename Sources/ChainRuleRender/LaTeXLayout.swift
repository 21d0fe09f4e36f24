import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Breaks long LaTeX formulas into lines at top-level `+`, `−` and `·`, for `multline*`.
///
/// A formula that fits is one piece. A longer one is cut by its structure: a sum into its terms,
/// a product into its factors (joined by `\cdot`), and a bracketed sum or a function call whose
/// argument is too long into `\bigl( … \bigr)` pieces, which — unlike `\left … \right` — may
/// span lines. Widths are estimated in glyphs: subscripts and superscripts count less, commands
/// count as the symbols they print.
public struct LaTeXLayout {
  /// The printer used for pieces that fit.
  public let printer: ExpressionPrinter
  /// Glyphs per line, as estimated by ``width(_:)``; 56 fits the text width of an `article`
  /// page at 10pt (checked by the pdflatex test, which fails on overfull boxes).
  public var lineWidth: Double = 56

  public init(printer: ExpressionPrinter, lineWidth: Double = 56) {
    self.printer = printer
    self.lineWidth = lineWidth
  }

  private var graph: ExpressionGraph { printer.graph }

  /// The approximate printed width of a LaTeX math string, in glyphs.
  public static func width(_ latex: String) -> Double {
    var width = 0.0
    var scriptDepth: [Int] = []
    var depth = 0
    var pendingScript = false
    var characters = Array(latex)
    var i = 0
    func scale() -> Double { scriptDepth.isEmpty ? 1 : 0.7 }
    while i < characters.count {
      let c = characters[i]
      switch c {
      case "\\":
        var j = i + 1
        var name = ""
        while j < characters.count, characters[j].isLetter {
          name.append(characters[j])
          j += 1
        }
        if name.isEmpty { j = min(j + 1, characters.count) }
        if name == "frac" {
          // A fraction is as wide as the wider of its numerator and denominator.
          var groups: [String] = []
          var k = j
          while groups.count < 2, k < characters.count, characters[k] == "{" {
            var level = 0
            var group = ""
            while k < characters.count {
              let ch = characters[k]
              if ch == "{" { level += 1 }
              if ch == "}" { level -= 1 }
              k += 1
              if level == 0 { break }
              if !(ch == "{" && level == 1) { group.append(ch) }
            }
            groups.append(group)
          }
          width += scale() * (groups.map { LaTeXLayout.width($0) }.max() ?? 0) * 0.85
          i = k
          continue
        }
        width += scale() * commandWidth(name)
        i = j
        continue
      case "^", "_":
        pendingScript = true
      case "{":
        depth += 1
        if pendingScript { scriptDepth.append(depth) }
        pendingScript = false
      case "}":
        if scriptDepth.last == depth { scriptDepth.removeLast() }
        depth -= 1
      case " ":
        break
      case "+", "-", "=", ">":
        width += scale() * 1.8
      default:
        width += scale() * (pendingScript ? 0.7 : 1)
        pendingScript = false
      }
      i += 1
    }
    characters.removeAll()
    return width
  }

  private static func commandWidth(_ name: String) -> Double {
    switch name {
    case "left", "right", "bigl", "bigr", "frac", "operatorname", "mathit", "mathbf", "mathrm", "text", "": 0
    case "cdot": 1.5
    case "sin", "cos", "tan", "exp", "log", "max", "min": 3
    case "tanh", "sinh", "cosh": 4
    case "arctan", "arcsin", "arccos": 6
    case "partial", "ell": 1
    case "sqrt": 1.5
    default: 1.2
    }
  }

  /// Lines of `lhs = expression` (and `= suffix`), each narrow enough for the page.
  public func lines(lhs: String, _ id: NodeID, suffix: String? = nil) -> [String] {
    var pieces = self.pieces(id, budget: lineWidth - Self.width(lhs) - 2)
    if let suffix { pieces.append("= " + suffix) }
    var lines: [String] = []
    var current = lhs + " ="
    var currentIsFresh = true
    var previous = ""
    for piece in pieces {
      let isFactor = piece.hasPrefix(Self.factorMark)
      let text = isFactor ? String(piece.dropFirst(Self.factorMark.count)) : piece
      // Factors sit side by side; `\cdot` only where juxtaposition would misread, and at the
      // start of a continued line.
      let joiner = isFactor && Self.needsDot(after: previous, before: text) ? " \\cdot " : " "
      let candidate = current + joiner + text
      if !currentIsFresh && Self.width(candidate) > lineWidth {
        lines.append(current)
        current = isFactor ? "\\cdot " + text : text
      } else {
        current = candidate
      }
      currentIsFresh = false
      previous = text
    }
    lines.append(current)
    return lines
  }

  /// Marks a piece that continues a product (rather than a sum).
  static let factorMark = "\u{1}"

  /// Whether two factors side by side would misread without `\cdot`: a number after anything, or
  /// a bracket after a name (which would read as a function call).
  static func needsDot(after previous: String, before next: String) -> Bool {
    if next.first?.isNumber == true { return true }
    let opensBracket = next.hasPrefix("\\left(") || next.hasPrefix("\\bigl(")
    let previousIsNumber = !previous.isEmpty && previous.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }
    return opensBracket && !previousIsNumber
  }

  /// The breakable pieces of `id`; joined with spaces they are its LaTeX.
  func pieces(_ id: NodeID, budget: Double) -> [String] {
    let whole = printer.string(id)
    if Self.width(whole) <= budget { return [whole] }
    switch graph[id] {
    case .sum(let terms):
      var ordered = terms.array
      if isNegative(ordered[0]), let positive = ordered.firstIndex(where: { !isNegative($0) }) {
        ordered.insert(ordered.remove(at: positive), at: 0)
      }
      var result: [String] = []
      for (i, term) in ordered.enumerated() {
        let (negative, magnitude) = splitSign(term)
        var termPieces = pieces(magnitude, budget: budget)
        let sign = negative ? "- " : (i == 0 ? "" : "+ ")
        termPieces[0] = sign + termPieces[0]
        result += termPieces
      }
      return result
    case .product(let factors):
      let hasDenominator = factors.contains { factor in
        if case .power(_, let e) = graph[factor], let value = graph.numberValue(e), value < 0 { return true }
        return false
      }
      if hasDenominator { return [whole] }
      var result: [String] = []
      for (i, factor) in factors.enumerated() {
        if let c = graph.numberValue(factor) {
          result.append(c == -1 ? "-" : printer.string(factor))
          continue
        }
        var factorPieces = bracketedPieces(factor, budget: budget)
        if i > 0 { factorPieces[0] = Self.factorMark + factorPieces[0] }
        result += factorPieces
      }
      return mergeSign(result)
    case .call(let function, let arguments) where function.arity == 1:
      let inner = pieces(arguments[0], budget: budget)
      return [function.notation(.latex) + "\\bigl[" + inner[0]] + inner.dropFirst().dropLast()
        + (inner.count > 1 ? [inner[inner.count - 1] + "\\bigr]"] : [])
        + (inner.count == 1 ? ["\\bigr]"] : [])
    default:
      return [whole]
    }
  }

  /// A factor's pieces, with a sum in `\bigl( … \bigr)` so it may break.
  private func bracketedPieces(_ id: NodeID, budget: Double) -> [String] {
    guard case .sum = graph[id] else {
      return pieces(id, budget: budget)
    }
    let whole = printer.string(id)
    if Self.width(whole) + 2 <= budget { return ["\\left(" + whole + "\\right)"] }
    var inner = pieces(id, budget: budget)
    inner[0] = "\\bigl(" + inner[0]
    inner[inner.count - 1] += "\\bigr)"
    return inner
  }

  /// A lone `-` piece joins the piece after it.
  private func mergeSign(_ pieces: [String]) -> [String] {
    guard pieces.first == "-", pieces.count > 1 else { return pieces }
    var rest = Array(pieces.dropFirst())
    let first = rest[0].hasPrefix(Self.factorMark) ? String(rest[0].dropFirst(Self.factorMark.count)) : rest[0]
    rest[0] = "-" + first
    return rest
  }

  private func isNegative(_ id: NodeID) -> Bool { splitSign(id).0 }

  private func splitSign(_ term: NodeID) -> (Bool, NodeID) { graph.splitSign(term) }

}

extension String {
  /// Replaces the first `count` occurrences of `target`.
  func replacingOccurrences(of target: String, with replacement: String, count: Int) -> String {
    var result = self
    var done = 0
    var searchStart = result.startIndex
    while done < count, let range = result.range(of: target, range: searchStart..<result.endIndex) {
      result.replaceSubrange(range, with: replacement)
      searchStart = result.index(range.lowerBound, offsetBy: replacement.count)
      done += 1
    }
    return result
  }
}
