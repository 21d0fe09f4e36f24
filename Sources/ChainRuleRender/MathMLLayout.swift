import ChainRuleExpression
import ChainRuleSyntax

/// Breaks long MathML formulas into lines at top-level `+`, `−` and `·`, as ``LaTeXLayout``
/// does for LaTeX: browsers do not break MathML, so a long closed form would run off the page.
///
/// A formula that fits is one line. A longer one is cut by its structure: a sum into its terms,
/// a product into its factors, a bracketed sum or a function's argument that is too long into
/// pieces whose brackets open on one line and close on a later one. Widths are the Unicode
/// text's length in characters, which overestimates MathML's (its fractions are stacked).
public struct MathMLLayout {
  /// The printer of the pieces.
  public let printer: MathMLPrinter
  /// Characters per line, measured in the Unicode text.
  public var lineWidth: Int
  private let text: ExpressionPrinter

  public init(printer: MathMLPrinter, lineWidth: Int = 100) {
    self.printer = printer
    self.lineWidth = lineWidth
    text = ExpressionPrinter(graph: printer.graph, notation: .unicode)
  }

  private var graph: ExpressionGraph { printer.graph }

  /// A piece of a line: its MathML, its width, and whether it continues a product.
  private struct Piece {
    var mathML: String
    var width: Int
    var isFactor = false
  }

  /// The lines of `id`, the first after a left-hand side `lead` characters wide; every line but
  /// the first starts with its operator (`+ …`, `· …`).
  public func lines(_ id: NodeID, lead: Int) -> [String] {
    let pieces = self.pieces(id, budget: Swift.max(20, lineWidth - lead))
    var lines: [String] = []
    var current = ""
    var width = lead
    for piece in pieces {
      let joiner = piece.isFactor ? "<mo>·</mo>" : ""
      if !current.isEmpty && width + piece.width + 1 > lineWidth {
        lines.append(current)
        current = joiner + piece.mathML
        width = 4 + piece.width
      } else {
        current += joiner + piece.mathML
        width += piece.width + (piece.isFactor ? 1 : 0)
      }
    }
    lines.append(current)
    return lines
  }

  /// The width of `id` as text, without writing out more than needed.
  private func width(_ id: NodeID) -> Int {
    let bytes = text.length(id)
    // Greek letters and subscripts take two or three bytes each.
    return bytes <= 4_096 ? text.string(id).count : bytes / 2
  }

  /// The breakable pieces of `id`; one after another they are its MathML.
  private func pieces(_ id: NodeID, budget: Int) -> [Piece] {
    let whole = Piece(mathML: printer.content(id), width: width(id))
    if whole.width <= budget { return [whole] }
    switch graph[id] {
    case .sum(let terms):
      var ordered = terms.array
      if graph.splitSign(ordered[0]).negative,
        let positive = ordered.firstIndex(where: { !graph.splitSign($0).negative })
      {
        ordered.insert(ordered.remove(at: positive), at: 0)
      }
      var result: [Piece] = []
      for (i, term) in ordered.enumerated() {
        let (negative, magnitude) = graph.splitSign(term)
        var termPieces = pieces(magnitude, budget: budget)
        let sign = negative ? (i == 0 ? "<mo form=\"prefix\">−</mo>" : "<mo>−</mo>") : (i == 0 ? "" : "<mo>+</mo>")
        termPieces[0].mathML = sign + termPieces[0].mathML
        termPieces[0].width += sign.isEmpty ? 0 : 2
        termPieces[0].isFactor = false
        result += termPieces
      }
      return result
    case .product(let factors):
      // Fractions and fractional coefficients stay whole: the layout puts factors under a bar.
      let keepsWhole = factors.contains { factor in
        if case .power(_, let e) = graph[factor], let value = graph.numberValue(e), value < 0 { return true }
        if let c = graph.numberValue(factor), c != c.rounded() { return true }
        return false
      }
      if keepsWhole { return [whole] }
      var result: [Piece] = []
      var pendingMinus = false
      for factor in factors {
        if let c = graph.numberValue(factor), c == -1 {
          pendingMinus = true
          continue
        }
        var factorPieces = bracketedPieces(factor, budget: budget)
        if pendingMinus {
          factorPieces[0].mathML = "<mo form=\"prefix\">−</mo>" + factorPieces[0].mathML
          factorPieces[0].width += 1
          pendingMinus = false
        } else if !result.isEmpty {
          factorPieces[0].isFactor = true
        }
        result += factorPieces
      }
      return result
    case .call(let function, let arguments) where function.arity == 1 && function.definition.shape == .call:
      var inner = pieces(arguments[0], budget: budget)
      let name = "<mi>" + TextMetrics.escapedXML(function.notation(.unicode)) + "</mi><mo>\u{2061}</mo>"
      inner[0].mathML = name + "<mo stretchy=\"false\">(</mo>" + inner[0].mathML
      inner[0].width += function.notation(.unicode).count + 1
      inner[inner.count - 1].mathML += "<mo stretchy=\"false\">)</mo>"
      return inner
    default:
      return [whole]
    }
  }

  /// A factor's pieces, a sum in brackets that open on one line and may close on another.
  private func bracketedPieces(_ id: NodeID, budget: Int) -> [Piece] {
    guard case .sum = graph[id] else { return pieces(id, budget: budget) }
    let whole = width(id)
    if whole + 2 <= budget {
      return [Piece(mathML: "<mrow><mo>(</mo>" + printer.content(id) + "<mo>)</mo></mrow>", width: whole + 2)]
    }
    var inner = pieces(id, budget: budget)
    inner[0].mathML = "<mo stretchy=\"false\">(</mo>" + inner[0].mathML
    inner[0].width += 1
    inner[inner.count - 1].mathML += "<mo stretchy=\"false\">)</mo>"
    return inner
  }
}
