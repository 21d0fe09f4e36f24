import ChainRuleExpression
import ChainRuleSyntax

/// Presentation MathML, as current browsers draw it natively: `<mi>β</mi>`, `<mn>2</mn>`,
/// `<mo>−</mo>`, `<mfrac>`, `<msup>`, `<msqrt>`.
///
/// Names are `<mi>`, with a numeric or `_` subscript as `<msub>` (`beta0` → `<msub><mi>β</mi>
/// <mn>0</mn></msub>`, `net_h1` → `net` with subscript `h1`); an adjoint's name is the fraction
/// ∂ℓ/∂β₀. Numbers are `<mn>` (`1e-20` as 1 × 10⁻²⁰), signs and brackets `<mo>`, factors are
/// joined by `<mo>·</mo>` as in the Unicode output. Every construct the layout treats as one
/// operand is one element (a bracketed operand is an `<mrow>` holding `(`, the operand and `)`),
/// so `<mfrac>` and `<msup>` always get exactly two children.
struct MathMLStyle: NotationStyle {
  /// Functions' names and shapes follow the Unicode notation (`σ`, `𝟙[u > 0]`).
  var notation: Notation { .unicode }
  /// A sign, never a separator (``separator(negative:in:)`` writes those): in prefix form, so
  /// `= −2` is spaced as a sign.
  var minus: StaticString { "<mo form=\"prefix\">−</mo>" }
  var times: StaticString { "<mo>·</mo>" }
  var openGroup: StaticString { "<mrow><mo>(</mo>" }
  var closeGroup: StaticString { "<mo>)</mo></mrow>" }
  /// The bar groups what is under it, as in LaTeX.
  var denominatorMinimum: Int { Precedence.negative }

  func name(_ canonical: String) -> String { Self.identifier(canonical) }
  func number(_ magnitude: Double) -> String { Self.numeral(magnitude) }

  func separator(negative: Bool, in rope: TextRope) {
    rope.add(negative ? "<mo>−</mo>" : "<mo>+</mo>")
  }

  func fraction(
    numerator: ArraySlice<PrintedOperand>, denominator: ArraySlice<PrintedOperand>, in rope: TextRope
  ) {
    rope.add("<mfrac>")
    putGroup(numerator, in: rope)
    putGroup(denominator, in: rope)
    rope.add("</mfrac>")
  }

  /// Factors as one element: a single factor as it is (the bar groups it: no brackets), several
  /// in an `<mrow>`.
  private func putGroup(_ factors: ArraySlice<PrintedOperand>, in rope: TextRope) {
    if factors.count == 1, var only = factors.first {
      only.wrapped = false
      if Self.isSingleElement(only.piece, in: rope) {
        put(only, in: rope)
        return
      }
      rope.add("<mrow>")
      put(only, in: rope)
      rope.add("</mrow>")
      return
    }
    rope.add("<mrow>")
    joinFactors(factors, in: rope)
    rope.add("</mrow>")
  }

  func power(base: PrintedOperand, exponent: PrintedExponent, in rope: TextRope) {
    rope.add("<msup>")
    if base.wrapped || Self.isSingleElement(base.piece, in: rope) {
      put(base, in: rope)
    } else {
      rope.add("<mrow>")
      rope.add(base.piece)
      rope.add("</mrow>")
    }
    // The superscript's position groups the exponent: no brackets.
    if Self.isSingleElement(exponent.piece, in: rope) {
      rope.add(exponent.piece)
    } else {
      rope.add("<mrow>")
      rope.add(exponent.piece)
      rope.add("</mrow>")
    }
    rope.add("</msup>")
  }

  func call(
    _ function: Function, arguments: ArraySlice<PrintedOperand>, brackets: ExpressionPrinter.Brackets,
    in rope: TextRope
  ) {
    switch function.definition.shape {
    case .squareRoot:
      rope.add("<msqrt>")
      putArguments(arguments, in: rope)
      rope.add("</msqrt>")
    case .absoluteValue:
      rope.add("<mrow><mo>|</mo>")
      putArguments(arguments, in: rope)
      rope.add("<mo>|</mo></mrow>")
    case .indicator:
      rope.add("<mrow><mn>𝟙</mn><mo>[</mo>")
      putArguments(arguments, in: rope)
      rope.add("<mo>&gt;</mo><mn>0</mn><mo>]</mo></mrow>")
    case .call:
      // The name, the invisible "function application" operator, the bracketed arguments.
      rope.add("<mrow><mi>")
      rope.add(TextMetrics.escapedXML(function.notation(.unicode)))
      rope.add("</mi><mo>\u{2061}</mo><mrow>")
      rope.add(brackets == .square ? "<mo>[</mo>" : "<mo>(</mo>")
      putArguments(arguments, in: rope)
      rope.add(brackets == .square ? "<mo>]</mo>" : "<mo>)</mo>")
      rope.add("</mrow></mrow>")
    }
  }

  func putArguments(_ arguments: ArraySlice<PrintedOperand>, in rope: TextRope) {
    for i in arguments.indices {
      if i > arguments.startIndex { rope.add("<mo>,</mo>") }
      rope.add(arguments[i].piece)
    }
  }

  // MARK: Tokens

  /// A canonical name as MathML: `x` → `<mi>x</mi>`, `beta0` → `<msub><mi>β</mi><mn>0</mn></msub>`,
  /// `net_h1` → `<msub><mi>net</mi><mrow><mi>h</mi><mn>1</mn></mrow></msub>`, `dl/dw` → ∂ℓ/∂w.
  static func identifier(_ canonical: String) -> String {
    if let (result, step) = AdjointName.parts(of: canonical) { return partial(of: result, withRespectTo: step) }
    let spelling = SymbolSpelling(canonical: canonical)
    let parts = spelling.base.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let head = "<mi>" + TextMetrics.escapedXML(letters(parts[0])) + "</mi>"
    var subscripts: [String] = parts.count > 1 ? parts[1].split(separator: "_").map(String.init) : []
    if let digits = spelling.subscriptDigits {
      if subscripts.isEmpty { subscripts = [digits] } else { subscripts[subscripts.count - 1] += digits }
    }
    guard !subscripts.isEmpty else { return head }
    var tokens: [String] = []
    for (i, part) in subscripts.enumerated() {
      if i > 0 { tokens.append("<mo separator=\"true\">,</mo>") }
      tokens += runs(of: part)
    }
    let below = tokens.count == 1 ? tokens[0] : "<mrow>" + tokens.joined() + "</mrow>"
    return "<msub>" + head + below + "</msub>"
  }

  /// A Greek letter's symbol for its spelled-out name (`beta` → `β`, `l` → `ℓ`), else the text.
  private static func letters(_ text: String) -> String {
    GreekLetters.letter(named: text).map(String.init) ?? text
  }

  /// A subscript as tokens: runs of digits `<mn>`, runs of other characters `<mi>`.
  private static func runs(of text: String) -> [String] {
    var tokens: [String] = []
    var run = ""
    var digits = false
    func flush() {
      guard !run.isEmpty else { return }
      tokens.append(digits ? "<mn>\(run)</mn>" : "<mi>" + TextMetrics.escapedXML(letters(run)) + "</mi>")
      run = ""
    }
    for character in text {
      let isDigit = character.isASCII && character.isNumber
      if isDigit != digits { flush() }
      digits = isDigit
      run.append(character)
    }
    flush()
    return tokens
  }

  /// ∂result/∂variable as a fraction.
  static func partial(of result: String, withRespectTo variable: String) -> String {
    "<mfrac><mrow><mo>∂</mo>" + identifier(result) + "</mrow><mrow><mo>∂</mo>" + identifier(variable)
      + "</mrow></mfrac>"
  }

  /// A non-negative number: `<mn>2.5</mn>`; in scientific notation `1.5 × 10⁻⁸`.
  static func numeral(_ magnitude: Double) -> String {
    let text = Notation.plain.number(magnitude)
    guard let e = text.firstIndex(of: "e") else { return "<mn>\(text)</mn>" }
    var exponent = String(text[text.index(after: e)...])
    if exponent.hasPrefix("+") { exponent.removeFirst() }
    let negative = exponent.hasPrefix("-")
    if negative { exponent.removeFirst() }
    let power = negative ? "<mrow><mo>−</mo><mn>\(exponent)</mn></mrow>" : "<mn>\(exponent)</mn>"
    return "<mrow><mn>\(text[..<e])</mn><mo>×</mo><msup><mn>10</mn>\(power)</msup></mrow>"
  }

  /// Whether a piece is exactly one element (`<mi>x</mi>`, `<msup>…</msup>`), so it can stand
  /// alone as a child of `<mfrac>` or `<msup>`. Long pieces are not looked at (and get an
  /// `<mrow>` around them, which is always correct).
  static func isSingleElement(_ piece: TextRope.Piece, in rope: TextRope) -> Bool {
    guard rope.length(piece) <= 4_096 else { return false }
    return isSingleElement(rope.string(piece).utf8)
  }

  /// Whether `text` is one element: its first tag's matching end tag is its last byte.
  static func isSingleElement(_ text: String.UTF8View) -> Bool {
    let bytes = Array(text)
    guard bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">") else { return false }
    var depth = 0
    var i = 0
    while i < bytes.count {
      guard bytes[i] == UInt8(ascii: "<") else {
        if depth == 0 { return false }
        i += 1
        continue
      }
      let closing = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/")
      var j = i
      while j < bytes.count && bytes[j] != UInt8(ascii: ">") { j += 1 }
      let selfClosing = j > 0 && j < bytes.count && bytes[j - 1] == UInt8(ascii: "/")
      if closing {
        depth -= 1
        if depth == 0 { return j == bytes.count - 1 }
      } else if selfClosing {
        if depth == 0 { return j == bytes.count - 1 }
      } else {
        depth += 1
      }
      i = j + 1
    }
    return false
  }
}

/// Prints expressions of a graph as presentation MathML, for HTML pages.
///
/// The layout is ``ExpressionPrinter``'s (the same signs, fractions and brackets as the other
/// notations); ``MathMLStyle`` spells it in MathML elements. ``content(_:)`` is the elements
/// without the `<math>` root, to combine with other elements in one formula; ``math(_:display:)``
/// wraps them.
///
/// ```swift
/// MathMLPrinter(graph: graph).content(id)   // "<msup><mi>x</mi><mn>2</mn></msup>"
/// ```
public struct MathMLPrinter {
  /// The graph whose nodes are printed.
  public let graph: ExpressionGraph
  private let engine: LayoutEngine<MathMLStyle>

  /// Creates a printer; `brackets` are those around function arguments (round by default).
  public init(graph: ExpressionGraph, brackets: ExpressionPrinter.Brackets = .round) {
    self.graph = graph
    engine = LayoutEngine(graph: graph, style: MathMLStyle(), brackets: brackets)
  }

  /// The MathML elements of `id`, without a `<math>` root.
  public func content(_ id: NodeID) -> String { engine.string(id) }

  /// `id` as a factor of a product: sums in brackets.
  public func factorContent(_ id: NodeID) -> String { engine.factorString(id) }

  /// The length in bytes of `id`'s MathML, found without writing it out.
  public func length(_ id: NodeID) -> Int { engine.length(id) }

  /// `id` as a `<math>` element; `display` makes it a block formula.
  public func math(_ id: NodeID, display: Bool = false) -> String { Self.math(content(id), display: display) }

  /// Elements wrapped in a `<math>` root.
  public static func math(_ content: String, display: Bool = false) -> String {
    (display ? "<math display=\"block\">" : "<math>") + content + "</math>"
  }

  /// A variable's name: `<msub><mi>β</mi><mn>0</mn></msub>`.
  public static func name(_ canonical: String) -> String { MathMLStyle.identifier(canonical) }

  /// ∂result/∂variable as a fraction.
  public static func partial(of result: String, withRespectTo variable: String) -> String {
    MathMLStyle.partial(of: result, withRespectTo: variable)
  }

  /// A number, signed: `<mn>2</mn>`, `<mo>−</mo><mn>0.5</mn>`.
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return "<mi>undefined</mi>" }
    let text = MathMLStyle.numeral(Swift.abs(value))
    return value < 0 ? "<mrow><mo form=\"prefix\">−</mo>" + text + "</mrow>" : text
  }

  /// Operator text as an `<mo>` element (`=`, `+`, `·`), escaped.
  public static func op(_ text: String) -> String { "<mo>" + TextMetrics.escapedXML(text) + "</mo>" }
}
