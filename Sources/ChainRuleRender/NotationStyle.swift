import ChainRuleExpression
import ChainRuleSyntax

/// How one notation writes each construct of an expression.
///
/// ``ExpressionPrinter`` makes every decision that does not depend on the notation — which
/// terms carry a minus, what goes under the fraction bar, where brackets are needed (by
/// ``Precedence``) — and asks the style only how to spell the result: names, numbers, signs,
/// brackets, a product's factors side by side, a fraction, a power, a call. A new notation
/// (MathML, say) is a new conforming type in a file of its own.
protocol NotationStyle {
  /// The notation this style writes.
  var notation: Notation { get }
  /// The minus sign, as a term's sign and as a separator (`-`, `−`).
  var minus: StaticString { get }
  /// The sign written between factors when nothing else decides (`*`, `·`, ` \cdot `).
  var times: StaticString { get }
  /// The bracket pair around a grouped operand.
  var openGroup: StaticString { get }
  var closeGroup: StaticString { get }
  /// The precedence below which a factor under the bar needs brackets.
  var denominatorMinimum: Int { get }

  /// A variable's name (canonical spelling in, this notation's out).
  func name(_ canonical: String) -> String
  /// A non-negative number.
  func number(_ magnitude: Double) -> String
  /// Writes factors side by side.
  func joinFactors(_ factors: ArraySlice<PrintedOperand>, in rope: TextRope)
  /// Writes `numerator / denominator`; each side is already a list of factors.
  func fraction(
    numerator: ArraySlice<PrintedOperand>, denominator: ArraySlice<PrintedOperand>, in rope: TextRope)
  /// Writes `base ^ exponent`.
  func power(base: PrintedOperand, exponent: PrintedExponent, in rope: TextRope)
  /// Writes `function(arguments)`.
  func call(
    _ function: Function, arguments: ArraySlice<PrintedOperand>, brackets: ExpressionPrinter.Brackets, in rope: TextRope
  )
  /// Writes the sign between two terms of a sum: ` + ` or ` − `.
  func separator(negative: Bool, in rope: TextRope)
}

/// An operand as its parent writes it: its text, in brackets or not.
struct PrintedOperand {
  var piece: TextRope.Piece
  var wrapped: Bool
  /// In a sum: whether the term is written after a minus sign.
  var negative = false
}

/// A power's exponent: its text, how tightly it binds, and its value when it is a constant.
struct PrintedExponent {
  var piece: TextRope.Piece
  var precedence: Int
  var constant: Double?
}

extension NotationStyle {
  var denominatorMinimum: Int { Precedence.product }

  /// Adds an operand as its parent shows it: bracketed or not.
  func put(_ operand: PrintedOperand, in rope: TextRope) {
    if operand.wrapped {
      rope.add(openGroup)
      rope.add(operand.piece)
      rope.add(closeGroup)
    } else {
      rope.add(operand.piece)
    }
  }

  func joinFactors(_ factors: ArraySlice<PrintedOperand>, in rope: TextRope) {
    for i in factors.indices {
      if i > factors.startIndex { rope.add(times) }
      put(factors[i], in: rope)
    }
  }

  func separator(negative: Bool, in rope: TextRope) {
    if negative {
      rope.add(" ")
      rope.add(minus)
      rope.add(" ")
    } else {
      rope.add(" + ")
    }
  }

  /// `a/b`, or `a/(b·c)` when several factors go under the bar.
  func fraction(
    numerator: ArraySlice<PrintedOperand>, denominator: ArraySlice<PrintedOperand>, in rope: TextRope
  ) {
    joinFactors(numerator, in: rope)
    rope.add("/")
    if denominator.count > 1 {
      rope.add("(")
      joinFactors(denominator, in: rope)
      rope.add(")")
    } else {
      joinFactors(denominator, in: rope)
    }
  }

  /// `u^e`, the exponent bracketed unless it is an atom.
  func power(base: PrintedOperand, exponent: PrintedExponent, in rope: TextRope) {
    put(base, in: rope)
    rope.add("^")
    put(PrintedOperand(piece: exponent.piece, wrapped: exponent.precedence < Precedence.atom), in: rope)
  }

  /// `name(a, b)`.
  func call(
    _ function: Function, arguments: ArraySlice<PrintedOperand>, brackets: ExpressionPrinter.Brackets,
    in rope: TextRope
  ) {
    rope.add(function.notation(notation))
    rope.add("(")
    putArguments(arguments, in: rope)
    rope.add(")")
  }

  /// Arguments separated by commas.
  func putArguments(_ arguments: ArraySlice<PrintedOperand>, in rope: TextRope) {
    for i in arguments.indices {
      if i > arguments.startIndex { rope.add(", ") }
      rope.add(arguments[i].piece)
    }
  }
}

/// ASCII that ChainRule reads back: `-2*(beta3 - y)*omega0^2`.
struct PlainStyle: NotationStyle {
  var notation: Notation { .plain }
  var minus: StaticString { "-" }
  var times: StaticString { "*" }
  var openGroup: StaticString { "(" }
  var closeGroup: StaticString { ")" }

  /// Plain names print as stored, without splitting them (an adjoint as `dE/dw1`).
  func name(_ canonical: String) -> String {
    AdjointName.parts(of: canonical) == nil ? canonical : Notation.plain.name(canonical)
  }
  func number(_ magnitude: Double) -> String { Notation.plain.number(magnitude) }
}

/// Textbook symbols for the terminal: `−2·(β₃ − y)·ω₀²`.
struct UnicodeStyle: NotationStyle {
  var notation: Notation { .unicode }
  var minus: StaticString { "−" }
  var times: StaticString { "·" }
  var openGroup: StaticString { "(" }
  var closeGroup: StaticString { ")" }

  func name(_ canonical: String) -> String { Notation.unicode.name(canonical) }
  func number(_ magnitude: Double) -> String { Notation.unicode.number(magnitude) }

  /// Whole exponents below 1000 as superscripts (`x²`, `x⁻¹`), others with `^`.
  func power(base: PrintedOperand, exponent: PrintedExponent, in rope: TextRope) {
    if let e = exponent.constant, e == e.rounded(), Swift.abs(e) < 1000 {
      put(base, in: rope)
      rope.add(String(Notation.plain.number(e).map(Notation.superscript)))
      return
    }
    put(base, in: rope)
    rope.add("^")
    put(PrintedOperand(piece: exponent.piece, wrapped: exponent.precedence < Precedence.atom), in: rope)
  }

  /// The indicator as `𝟙[u > 0]`, every other function as `name(…)`.
  func call(
    _ function: Function, arguments: ArraySlice<PrintedOperand>, brackets: ExpressionPrinter.Brackets,
    in rope: TextRope
  ) {
    guard function.definition.shape == .indicator else {
      rope.add(function.notation(notation))
      rope.add("(")
      putArguments(arguments, in: rope)
      rope.add(")")
      return
    }
    rope.add("𝟙[")
    putArguments(arguments, in: rope)
    rope.add(" > 0]")
  }
}
