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
          width += scale() * (groups.map { LaTeXLayout.width($0) }.max() ?? 0)
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
  ///
  /// The suffix (a value) stays on the expression's last line when it fits there. When it does
  /// not, the last piece moves down beside it; and a short result (one line) that would push
  /// its value alone onto a second line is broken more finely, so the second line keeps some
  /// of it (`2 \bigl(β_3 + … \\ - y\bigr) = 0.74`).
  public func lines(lhs: String, _ id: NodeID, suffix: String? = nil) -> [String] {
    let budget = lineWidth - Self.width(lhs) - 2
    var groups = fill(lhs: lhs, pieces(id, budget: budget), suffix: suffix)
    if let suffix, groups.count > 1, groups[groups.count - 1].count == 1 {
      if !moveLastPieceDown(&groups) && groups.count == 2 {
        var finer = fill(lhs: lhs, pieces(id, budget: budget - Self.width("= " + suffix) - 2), suffix: suffix)
        if finer[finer.count - 1].count > 1 || moveLastPieceDown(&finer), finer.count == 2 { groups = finer }
      }
    }
    return groups.map(text(of:))
  }

  /// Moves the last piece of the line before the last (a lone value) down beside it, when that
  /// fits and leaves the line before with something on it.
  private func moveLastPieceDown(_ groups: inout [[String]]) -> Bool {
    let last = groups.count - 1
    guard last > 0, groups[last].count == 1, groups[last - 1].count > 1, let moved = groups[last - 1].last else {
      return false
    }
    // The first line's first piece is `lhs =`: keep something after it.
    if last - 1 == 0 && groups[0].count == 2 { return false }
    let candidate = [moved] + groups[last]
    guard Self.width(text(of: candidate)) <= lineWidth else { return false }
    groups[last - 1].removeLast()
    groups[last] = candidate
    return true
  }

  /// `lhs =` and the pieces, filled greedily into lines; each line is a list of pieces.
  private func fill(lhs: String, _ expressionPieces: [String], suffix: String?) -> [[String]] {
    var pieces = expressionPieces
    if let suffix { pieces.append("= " + suffix) }
    var groups: [[String]] = []
    var current = [lhs + " ="]
    for piece in pieces {
      let candidate = current + [piece]
      // The first piece always joins `lhs =`.
      let isFresh = groups.isEmpty && current.count == 1
      if !isFresh && Self.width(text(of: candidate)) > lineWidth {
        groups.append(current)
        current = [piece]
      } else {
        current = candidate
      }
    }
    groups.append(current)
    return groups
  }

  /// One line's text. Factors sit side by side; `\cdot` only where juxtaposition would
  /// misread, and at the start of a continued line.
  private func text(of pieces: [String]) -> String {
    var line = ""
    var previous = ""
    for piece in pieces {
      let isFactor = piece.hasPrefix(Self.factorMark)
      let text = isFactor ? String(piece.dropFirst(Self.factorMark.count)) : piece
      if line.isEmpty {
        line = isFactor ? "\\cdot " + text : text
      } else {
        line += (isFactor && Self.needsDot(after: previous, before: text) ? " \\cdot " : " ") + text
      }
      previous = text
    }
    return line
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
    case .product(let operands):
      // A product inside a product (as the rules assemble it) is one run of factors; a negative
      // one stays whole, so it is bracketed where it follows another factor.
      // A nested fraction stays whole as well.
      func isDenominator(_ factor: NodeID) -> Bool {
        if case .power(_, let e) = graph[factor], let value = graph.numberValue(e), value < 0 { return true }
        return false
      }
      var factors: [NodeID] = []
      func add(_ factor: NodeID) {
        if case .product(let inner) = graph[factor], !isNegative(factor), !inner.contains(where: isDenominator) {
          for f in inner { add(f) }
        } else {
          factors.append(factor)
        }
      }
      for factor in operands { add(factor) }
      if factors.contains(where: isDenominator) { return fractionPieces(factors, whole, budget: budget) }
      var result: [String] = []
      for (i, factor) in factors.enumerated() {
        if let c = graph.numberValue(factor) {
          // A negative number after another factor is bracketed: `w \cdot \left(-2\right)`.
          if i > 0 && c < 0 {
            result.append(Self.factorMark + "\\left(" + printer.string(factor) + "\\right)")
          } else if i > 0 {
            result.append(Self.factorMark + printer.string(factor))
          } else {
            result.append(c == -1 ? "-" : printer.string(factor))
          }
          continue
        }
        var factorPieces = bracketedPieces(factor, budget: budget, bracketNegative: i > 0)
        if i > 0 { factorPieces[0] = Self.factorMark + factorPieces[0] }
        result += factorPieces
      }
      return mergeSign(result)
    case .call(let function, let arguments) where function.arity == 1 && function.definition.shape == .call:
      let inner = pieces(arguments[0], budget: budget)
      let square = LaTeXStyle.usesSquareBrackets(function, printer.brackets)
      let (open, close) = square ? ("\\bigl[", "\\bigr]") : ("\\bigl(", "\\bigr)")
      return [function.notation(.latex) + open + inner[0]] + inner.dropFirst().dropLast()
        + (inner.count > 1 ? [inner[inner.count - 1] + close] : [])
        + (inner.count == 1 ? [close] : [])
    default:
      return [whole]
    }
  }

  /// A fraction too wide for a line, as `\frac{c}{denominator}` and then the numerator's
  /// factors, which may break: `\frac{1}{2} \cdot 2 \bigl(v_{1} … \bigr) \tanh…`. A fraction
  /// whose numerator is a constant or one unbreakable factor stays whole.
  private func fractionPieces(_ factors: [NodeID], _ whole: String, budget: Double) -> [String] {
    func isDenominator(_ factor: NodeID) -> Bool {
      if case .power(_, let e) = graph[factor], let value = graph.numberValue(e), value < 0 { return true }
      return false
    }
    var numerator = factors.filter { !isDenominator($0) }
    var over = factors.filter(isDenominator)
    var sign = ""
    if let first = numerator.first, let c = graph.numberValue(first) {
      numerator.removeFirst()
      if c == -1 { sign = "-" } else { over.insert(first, at: 0) }
    }
    guard !numerator.isEmpty else { return [whole] }
    var rest =
      numerator.count == 1
      ? bracketedPieces(numerator[0], budget: budget, bracketNegative: true)
      : pieces(graph.product(numerator), budget: budget)
    if rest.count == 1 && numerator.count == 1 { return [whole] }
    if !rest[0].hasPrefix(Self.factorMark) { rest[0] = Self.factorMark + rest[0] }
    return [sign + printer.string(graph.product(over))] + rest
  }

  /// A factor's pieces, with a sum in `\bigl( … \bigr)` so it may break; a negative factor
  /// after another (`bracketNegative`) is bracketed too, as the book writes
  /// `\omega_{3} \cdot \left(-\sin\left[f_{2}\right]\right)`, never `\cdot -\sin`.
  private func bracketedPieces(_ id: NodeID, budget: Double, bracketNegative: Bool = false) -> [String] {
    let isSum: Bool
    if case .sum = graph[id] { isSum = true } else { isSum = false }
    guard isSum || (bracketNegative && (isNegative(id) || printer.string(id).hasPrefix("-"))) else {
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
