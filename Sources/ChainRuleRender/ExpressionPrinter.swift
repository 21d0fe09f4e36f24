import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Prints expressions of a graph as plain text, Unicode or LaTeX.
///
/// Canonical sums print `−` for negative coefficients (`a + (−1)·b` → `a − b`), products put
/// factors with negative exponents under a fraction bar (`a·b⁻¹` → `a/b`), and a coefficient
/// 1/n prints as a division by n (`0.5·x` → `x/2`). Parentheses come from `Precedence`.
/// Plain output parses back to the same function.
///
/// A printer remembers the text of every node it has printed (nodes never change), so printing
/// several derivatives that share subexpressions formats each shared part once. Texts are kept
/// back to back in one UTF-8 buffer: a node's text is assembled from copies of its operands'
/// texts, not by concatenating `String`s (only names and numbers are formatted as strings).
///
/// ```swift
/// ExpressionPrinter(graph: graph, notation: .unicode).string(id)   // "−2·(β₃ − y)·ω₀"
/// ```
public struct ExpressionPrinter {
  /// Brackets around function arguments in LaTeX.
  public enum Brackets: String, Sendable, CaseIterable {
    case round, square
  }

  /// The graph whose nodes are printed.
  public let graph: ExpressionGraph
  /// The output notation.
  public var notation: Notation {
    didSet { if notation != oldValue { memo = Memo() } }
  }
  /// Brackets for function arguments (LaTeX only; the other notations use round ones).
  public var brackets: Brackets {
    didSet { if brackets != oldValue { memo = Memo() } }
  }
  /// The text and precedence of each node printed so far, by node index.
  private var memo = Memo()

  /// Creates a printer.
  public init(graph: ExpressionGraph, notation: Notation, brackets: Brackets = .square) {
    self.graph = graph
    self.notation = notation
    self.brackets = brackets
  }

  /// The text of `id`.
  public func string(_ id: NodeID) -> String {
    // Printing recurses once per level: deep formulas go to a large stack (as
    // `ExpressionGraph.withStack(for:_:)`, with the depth the graph recorded for the node).
    if let done = memo[id] { return memo.text.string(done.span) }
    let printed = graph.treeDepth(id) > 400 ? LargeStack.run { format(id) } : format(id)
    return memo.text.string(printed.span)
  }

  /// The text of `id` as a factor of a product: sums get parentheses.
  public func factorString(_ id: NodeID) -> String {
    text(of: operand(id, above: Precedence.sum))
  }

  /// A node's printed text and how tightly it binds.
  private struct Printed {
    var span: TextSpan
    var precedence: Int
  }

  /// An operand as its parent writes it: its text, in brackets or not.
  private struct Piece {
    var span: TextSpan
    var wrapped: Bool
    /// In a sum: whether the term is written after a minus sign.
    var negative = false
  }

  /// Printed texts by node index; a class so every copy of a printer shares what it printed.
  private final class Memo {
    let text = TextBuffer()
    @exclusivity(unchecked) var entries: [Printed?] = []
    /// The operands of the nodes being printed, a stack shared by the levels of recursion: each
    /// level pushes its operands above its callers' and pops them before returning. The stack
    /// is `pieces[..<top]`; the array only grows, so popping is setting `top`.
    @exclusivity(unchecked) var pieces: [Piece] = []
    var top = 0

    init() { pieces.reserveCapacity(64) }

    /// Pushes `piece` onto the stack.
    func push(_ piece: Piece) {
      if top < pieces.count { pieces[top] = piece } else { pieces.append(piece) }
      top += 1
    }

    subscript(id: NodeID) -> Printed? {
      let index = Int(id.index)
      return index < entries.count ? entries[index] : nil
    }

    func store(_ id: NodeID, _ entry: Printed) {
      let index = Int(id.index)
      if index >= entries.count {
        // Printing interns a few nodes as it goes: grow ahead of the graph.
        entries.append(
          contentsOf: repeatElement(nil, count: index + 1 - entries.count + Swift.max(64, entries.count / 2)))
      }
      entries[index] = entry
    }
  }

  /// The multiplication sign of this notation: `*`, `·` or `\cdot`.
  public var times: String { timesSign.description }

  private var timesSign: StaticString {
    switch notation {
    case .plain: "*"
    case .unicode: "·"
    case .latex: " \\cdot "
    }
  }

  private func putMinus() {
    memo.text.append(notation == .unicode ? "−" as StaticString : "-")
  }

  /// The brackets around a grouped operand: `\left(` … `\right)` in LaTeX, `(` … `)` otherwise.
  private var opening: StaticString { notation == .latex ? "\\left(" : "(" }
  private var closing: StaticString { notation == .latex ? "\\right)" : ")" }

  /// Writes `span`, bracketed.
  private func putWrapped(_ span: TextSpan) {
    memo.text.append(opening)
    memo.text.append(span)
    memo.text.append(closing)
  }

  /// Writes an operand as its parent shows it.
  private func put(_ piece: Piece) {
    if piece.wrapped { putWrapped(piece.span) } else { memo.text.append(piece.span) }
  }

  private func format(_ id: NodeID) -> Printed {
    if let done = memo[id] { return done }
    let result: Printed
    switch graph.kind(id) {
    case .number:
      let value = graph.constant(of: id)
      let start = memo.text.count
      memo.text.append(notation.number(value))
      result = Printed(span: memo.text.span(from: start), precedence: value < 0 ? Precedence.negative : Precedence.atom)
    case .symbol:
      let name = graph.symbolName(id) ?? ""
      let start = memo.text.count
      // Plain names print as stored, without splitting them.
      memo.text.append(notation == .plain ? name : notation.name(name))
      result = Printed(span: memo.text.span(from: start), precedence: Precedence.atom)
    case .sum:
      result = Printed(span: formatSum(id), precedence: Precedence.sum)
    case .product:
      result = formatProduct(id)
    case .power:
      let (base, exponent) = graph.powerParts(id) ?? (id, id)
      if let e = graph.numberValue(exponent), e < 0 {
        result = formatProduct(id)
      } else {
        result = Printed(span: formatPower(base, exponent), precedence: Precedence.power)
      }
    case .call:
      result = Printed(span: formatCall(id), precedence: Precedence.atom)
    }
    memo.store(id, result)
    return result
  }

  /// `id`'s text, to be bracketed if it binds more loosely than `minimum`.
  private func operand(_ id: NodeID, above minimum: Int) -> Piece {
    let printed = format(id)
    return Piece(span: printed.span, wrapped: printed.precedence <= minimum)
  }

  // MARK: Sums

  private func formatSum(_ id: NodeID) -> TextSpan {
    let slots = graph.operandSlots(id)
    // Lead with a positive term where there is one: `b − a`, not `−a + b`.
    var lead = slots.lowerBound
    if isNegative(graph.operand(atSlot: lead)),
      let firstPositive = slots.first(where: { !isNegative(graph.operand(atSlot: $0)) })
    {
      lead = firstPositive
    }
    let base = memo.top
    defer { memo.top = base }
    func push(_ term: NodeID) {
      let (negative, magnitude) = graph.splitSign(term)
      var piece = operand(magnitude, above: Precedence.sum)
      piece.negative = negative
      memo.push(piece)
    }
    push(graph.operand(atSlot: lead))
    for slot in slots where slot != lead { push(graph.operand(atSlot: slot)) }
    let start = memo.text.count
    for i in base..<memo.top {
      let piece = memo.pieces[i]
      if i == base {
        if piece.negative { putMinus() }
      } else if piece.negative {
        memo.text.append(" " as StaticString)
        putMinus()
        memo.text.append(" " as StaticString)
      } else {
        memo.text.append(" + " as StaticString)
      }
      put(piece)
    }
    return memo.text.span(from: start)
  }

  /// Whether a term prints with a leading minus: a negative number or coefficient.
  private func isNegative(_ term: NodeID) -> Bool {
    if let value = graph.numberValue(term) { return value < 0 }
    guard graph.kind(term) == .product, let c = graph.numberValue(graph.operand(of: term, at: 0)) else { return false }
    return c < 0
  }

  // MARK: Products

  /// What a factor with a negative constant exponent puts under the bar: `u` for `u⁻¹`, `u²`
  /// for `u⁻²`; nil for other factors.
  private func denominator(_ factor: NodeID) -> NodeID? {
    guard let (base, exponent) = graph.powerParts(factor), let e = graph.numberValue(exponent), e < 0 else {
      return nil
    }
    return e == -1 ? base : graph.intern(.power(base, graph.number(-e)))
  }

  /// A product's text, or a reciprocal power's (`u⁻¹` → `1/u`) as a product of one factor.
  private func formatProduct(_ id: NodeID) -> Printed {
    let isProduct = graph.kind(id) == .product
    let slots = isProduct ? graph.operandSlots(id) : 0..<1
    func factor(_ slot: Int) -> NodeID { isProduct ? graph.operand(atSlot: slot) : id }
    var coefficient = 1.0
    for slot in slots { if let value = graph.numberValue(factor(slot)) { coefficient *= value } }
    // Constants whose product overflows (kept apart by the graph) print one by one, as stored.
    let foldsConstants = coefficient.isFinite
    if !foldsConstants { coefficient = 1 }
    func isNumerator(_ factor: NodeID) -> Bool {
      (!foldsConstants || graph.numberValue(factor) == nil) && !isReciprocal(factor)
    }
    let hasNumerator = slots.contains(where: { isNumerator(factor($0)) })
    let negative = coefficient < 0
    coefficient = Swift.abs(coefficient)
    // The coefficient, printed once, goes above or below the bar.
    let reciprocal = 1 / coefficient
    let coefficientBelow = coefficient < 1 && reciprocal == reciprocal.rounded() && reciprocal < 1e15
    let coefficientAbove = !coefficientBelow && (coefficient != 1 || !hasNumerator)
    // The pieces above the bar, then those below, on the shared stack.
    let base = memo.top
    defer { memo.top = base }
    if coefficientAbove { memo.push(literal(notation.number(coefficient))) }
    for slot in slots where isNumerator(factor(slot)) {
      memo.push(operand(factor(slot), above: Precedence.negative))
    }
    if memo.top == base { memo.push(literal("1")) }
    let numerator = base..<memo.top
    // `1/(2·y)`: outside LaTeX's \frac a product under the bar needs its brackets.
    let denominatorMinimum = notation == .latex ? Precedence.negative : Precedence.product
    if coefficientBelow { memo.push(literal(notation.number(reciprocal))) }
    for slot in slots {
      if let below = denominator(factor(slot)) { memo.push(operand(below, above: denominatorMinimum)) }
    }
    let denominator = numerator.upperBound..<memo.top

    let start = memo.text.count
    if negative { putMinus() }
    if notation == .latex {
      if denominator.isEmpty {
        joinFactors(numerator)
      } else {
        memo.text.append("\\frac{" as StaticString)
        joinFactors(numerator)
        memo.text.append("}{" as StaticString)
        joinFactors(denominator)
        memo.text.append("}" as StaticString)
      }
    } else {
      joinFactors(numerator)
      if !denominator.isEmpty {
        memo.text.append("/" as StaticString)
        if denominator.count > 1 {
          memo.text.append("(" as StaticString)
          joinFactors(denominator)
          memo.text.append(")" as StaticString)
        } else {
          joinFactors(denominator)
        }
      }
    }
    let isSingle = numerator.count == 1 && denominator.isEmpty
    return Printed(
      span: memo.text.span(from: start),
      precedence: negative ? Precedence.negative : isSingle ? Precedence.atom : Precedence.product)
  }

  /// Whether `factor` is a power with a negative constant exponent (it goes under the bar).
  private func isReciprocal(_ factor: NodeID) -> Bool {
    guard let (_, exponent) = graph.powerParts(factor), let e = graph.numberValue(exponent) else { return false }
    return e < 0
  }

  /// A text that is no node's, written to the buffer to be placed like an operand.
  private func literal(_ text: String) -> Piece {
    let start = memo.text.count
    memo.text.append(text)
    return Piece(span: memo.text.span(from: start), wrapped: false)
  }

  /// Writes factors side by side: joined by the notation's sign, or in LaTeX with `\cdot` only
  /// where juxtaposition would misread: before a number, and between a name and a bracket (which
  /// would read as a function call).
  private func joinFactors(_ range: Range<Int>) {
    for i in range {
      let piece = memo.pieces[i]
      if i > range.lowerBound {
        if notation != .latex {
          memo.text.append(timesSign)
        } else if LaTeXLayout.needsDot(after: text(of: memo.pieces[i - 1]), before: text(of: piece)) {
          memo.text.append(" \\cdot " as StaticString)
        } else {
          memo.text.append(" " as StaticString)
        }
      }
      put(piece)
    }
  }

  /// The text of a piece as a `String`, brackets included.
  private func text(of piece: Piece) -> String {
    let inner = memo.text.string(piece.span)
    guard piece.wrapped else { return inner }
    return opening.description + inner + closing.description
  }

  // MARK: Powers and calls

  private func formatPower(_ base: NodeID, _ exponent: NodeID) -> TextSpan {
    var basePiece = operand(base, above: Precedence.power)
    // `6.02 \times 10^{23}` as a base needs brackets, or LaTeX sees a double superscript.
    if notation == .latex && !basePiece.wrapped && contains(basePiece.span, "\\times") { basePiece.wrapped = true }
    switch notation {
    case .unicode:
      if let e = graph.numberValue(exponent), e == e.rounded(), Swift.abs(e) < 1000 {
        let start = memo.text.count
        put(basePiece)
        for character in Notation.plain.number(e) { memo.text.append(String(Notation.superscript(character))) }
        return memo.text.span(from: start)
      }
    case .latex, .plain: break
    }
    let exponentPrinted = format(exponent)
    let start = memo.text.count
    put(basePiece)
    if notation == .latex {
      memo.text.append("^{" as StaticString)
      memo.text.append(exponentPrinted.span)
      memo.text.append("}" as StaticString)
    } else {
      memo.text.append("^" as StaticString)
      put(Piece(span: exponentPrinted.span, wrapped: exponentPrinted.precedence < Precedence.atom))
    }
    return memo.text.span(from: start)
  }

  /// Whether the text of `span` contains the ASCII `needle`.
  private func contains(_ span: TextSpan, _ needle: StaticString) -> Bool {
    let haystack = memo.text.bytes(span)
    let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
    guard pattern.count <= haystack.count else { return false }
    for offset in 0...(haystack.count - pattern.count)
    where haystack[offset] == pattern[0] && pattern.indices.allSatisfy({ haystack[offset + $0] == pattern[$0] }) {
      return true
    }
    return false
  }

  private func formatCall(_ id: NodeID) -> TextSpan {
    let function = graph.function(of: id) ?? .sin
    let base = memo.top
    defer { memo.top = base }
    for slot in graph.operandSlots(id) {
      memo.push(Piece(span: format(graph.operand(atSlot: slot)).span, wrapped: false))
    }
    let start = memo.text.count
    func putArguments() {
      for i in base..<memo.top {
        if i > base { memo.text.append(", " as StaticString) }
        memo.text.append(memo.pieces[i].span)
      }
    }
    switch notation {
    case .plain, .unicode:
      if notation == .unicode && function.definition.shape == .indicator {
        memo.text.append("𝟙[" as StaticString)
        putArguments()
        memo.text.append(" > 0]" as StaticString)
      } else {
        memo.text.append(function.notation(notation))
        memo.text.append("(" as StaticString)
        putArguments()
        memo.text.append(")" as StaticString)
      }
    case .latex:
      switch function.definition.shape {
      case .indicator:
        memo.text.append("\\mathbf{1}\\left[" as StaticString)
        putArguments()
        memo.text.append(" > 0\\right]" as StaticString)
      case .squareRoot:
        memo.text.append("\\sqrt{" as StaticString)
        putArguments()
        memo.text.append("}" as StaticString)
      case .absoluteValue:
        memo.text.append("\\left|" as StaticString)
        putArguments()
        memo.text.append("\\right|" as StaticString)
      case .call:
        memo.text.append(function.notation(.latex))
        memo.text.append(brackets == .square ? "\\left[" as StaticString : "\\left(")
        putArguments()
        memo.text.append(brackets == .square ? "\\right]" as StaticString : "\\right)")
      }
    }
    return memo.text.span(from: start)
  }
}
