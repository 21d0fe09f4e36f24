import ChainRuleSyntax

/// LaTeX math mode: `-2 \left(\beta_{3} - y\right) \omega_{0}^{2}`.
///
/// Factors sit side by side with a space, and `\cdot` only where juxtaposition would misread:
/// before a number (`2 \cdot 3`), and between a name and a bracket (`w \cdot \left(…\right)`
/// would otherwise read as a function call). Fractions are `\frac{…}{…}`; functions take the
/// book's square brackets (or round ones), `\sqrt{u}`, `\left|u\right|` and `\mathbf{1}[u > 0]`
/// as their definitions' shapes say. `\exp` keeps round brackets in either style, as the book
/// writes it: `\cos\left[\beta_{2} + \omega_{2} \exp\left(f_{1}\right)\right]`.
struct LaTeXStyle: NotationStyle {
  var notation: Notation { .latex }
  var minus: StaticString { "-" }
  var times: StaticString { " \\cdot " }
  var openGroup: StaticString { "\\left(" }
  var closeGroup: StaticString { "\\right)" }
  /// `\frac` draws the bar, so a product under it needs no brackets; a negative one still does
  /// (a lone sum or negative operand needs none either: see ``fraction(numerator:denominator:in:)``).
  var denominatorMinimum: Int { Precedence.negative }

  func name(_ canonical: String) -> String { Notation.latex.name(canonical) }
  func number(_ magnitude: Double) -> String { Notation.latex.number(magnitude) }

  func joinFactors(_ factors: ArraySlice<PrintedOperand>, in rope: TextRope) {
    var previous: PrintedOperand? = nil
    for factor in factors {
      if let previous {
        rope.add(needsDot(after: previous, before: factor, in: rope) ? " \\cdot " : " ")
      }
      put(factor, in: rope)
      previous = factor
    }
  }

  /// Whether `\cdot` must stand between two factors: before a number, and between a factor
  /// that is not a number and a bracket.
  private func needsDot(after previous: PrintedOperand, before next: PrintedOperand, in rope: TextRope) -> Bool {
    let nextEdges = rope.edges(next.piece)
    if !next.wrapped && nextEdges.contains(.startsWithDigit) { return true }
    let opensBracket = next.wrapped || nextEdges.contains(.startsWithBracket)
    let previousIsNumber =
      !previous.wrapped && rope.edges(previous.piece).contains(.isNumeral)
      && rope.length(previous.piece) > 0
    return opensBracket && !previousIsNumber
  }

  func fraction(
    numerator: ArraySlice<PrintedOperand>, denominator: ArraySlice<PrintedOperand>, in rope: TextRope
  ) {
    // The bar groups what is above and below it: one operand there needs no brackets,
    // `\frac{e^{z_{2}}}{e^{z_{1}} + e^{z_{2}}}`.
    func unwrappedIfAlone(_ operands: ArraySlice<PrintedOperand>) -> ArraySlice<PrintedOperand> {
      guard operands.count == 1, var only = operands.first else { return operands }
      only.wrapped = false
      return [only]
    }
    rope.add("\\frac{")
    joinFactors(unwrappedIfAlone(numerator), in: rope)
    rope.add("}{")
    joinFactors(unwrappedIfAlone(denominator), in: rope)
    rope.add("}")
  }

  func power(base: PrintedOperand, exponent: PrintedExponent, in rope: TextRope) {
    var base = base
    // `6.02 \times 10^{23}` as a base needs brackets, or LaTeX sees a double superscript.
    if !base.wrapped && rope.edges(base.piece).contains(.containsTimes) { base.wrapped = true }
    put(base, in: rope)
    rope.add("^{")
    rope.add(exponent.piece)
    rope.add("}")
  }

  func call(
    _ function: Function, arguments: ArraySlice<PrintedOperand>, brackets: ExpressionPrinter.Brackets,
    in rope: TextRope
  ) {
    switch function.definition.shape {
    case .indicator:
      rope.add("\\mathbf{1}\\left[")
      putArguments(arguments, in: rope)
      rope.add(" > 0\\right]")
    case .squareRoot:
      rope.add("\\sqrt{")
      putArguments(arguments, in: rope)
      rope.add("}")
    case .absoluteValue:
      rope.add("\\left|")
      putArguments(arguments, in: rope)
      rope.add("\\right|")
    case .call:
      let square = Self.usesSquareBrackets(function, brackets)
      rope.add(function.notation(.latex))
      rope.add(square ? "\\left[" : "\\left(")
      putArguments(arguments, in: rope)
      rope.add(square ? "\\right]" : "\\right)")
    }
  }

  /// Whether a call of `function` takes square brackets: in the square style, every function
  /// but `exp`, which the book writes with round ones.
  static func usesSquareBrackets(_ function: Function, _ brackets: ExpressionPrinter.Brackets) -> Bool {
    brackets == .square && function.name != "exp"
  }
}
