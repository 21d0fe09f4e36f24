import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// Prints expressions of a graph as plain text, Unicode or LaTeX (``MathMLPrinter`` uses the
/// same layout for MathML).
///
/// The layout is the same in every notation (``ProductLayout`` and the sum rules of
/// `DisplayLayout.swift`): sums print `−` for negative coefficients (`a + (−1)·b` → `a − b`),
/// products put factors with negative exponents under a fraction bar (`a·b⁻¹` → `a/b`), and a
/// coefficient 1/n prints as a division by n (`0.5·x` → `x/2`). Parentheses come from
/// ``Precedence``; the spelling of each construct from the notation's ``NotationStyle``. Plain
/// output parses back to the same function.
///
/// A printer remembers the text of every node it has printed (nodes never change), as a piece
/// of a ``TextRope`` that refers to its operands' pieces, so printing every partial derivative
/// of a deep formula, which share most of their parts, takes time and memory in proportion to
/// the number of distinct nodes; only ``string(_:)`` writes a text out in full. Printing adds no
/// node to the graph.
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
    didSet { if notation != oldValue { engine = Self.engine(graph, notation, brackets) } }
  }
  /// Brackets for function arguments (LaTeX only; the other notations use round ones).
  public var brackets: Brackets {
    didSet { if brackets != oldValue { engine = Self.engine(graph, notation, brackets) } }
  }
  /// The layout engine of this notation, with the text of every node printed so far (shared by
  /// every copy of the printer).
  private var engine: any PrintingEngine

  /// Creates a printer.
  public init(graph: ExpressionGraph, notation: Notation, brackets: Brackets = .square) {
    self.graph = graph
    self.notation = notation
    self.brackets = brackets
    engine = Self.engine(graph, notation, brackets)
  }

  private static func engine(_ graph: ExpressionGraph, _ notation: Notation, _ brackets: Brackets) -> any PrintingEngine
  {
    switch notation {
    case .plain: LayoutEngine(graph: graph, style: PlainStyle(), brackets: brackets)
    case .unicode: LayoutEngine(graph: graph, style: UnicodeStyle(), brackets: brackets)
    case .latex: LayoutEngine(graph: graph, style: LaTeXStyle(), brackets: brackets)
    }
  }

  /// The text of `id`.
  public func string(_ id: NodeID) -> String { engine.string(id) }

  /// The length in bytes of `id`'s text, found without writing it out (saturating at
  /// `Int.max`): what a command checks before it prints a closed form that may be huge.
  public func length(_ id: NodeID) -> Int { engine.length(id) }

  /// Writes `id`'s text in pieces, in order, without building it as one string.
  public func write(_ id: NodeID, to output: (UnsafeBufferPointer<UInt8>) -> Void) { engine.write(id, to: output) }

  /// The text of `id` as a factor of a product: sums get parentheses.
  public func factorString(_ id: NodeID) -> String { engine.factorString(id) }

  /// At most `limit` characters of `id`'s text, ending in `…` when cut, written out only as far
  /// as needed: for messages that quote a subexpression that may be huge.
  public func abbreviated(_ id: NodeID, characters limit: Int) -> String {
    let text = engine.prefix(id, bytes: 4 * limit + 4)
    return text.count > limit ? String(text.prefix(limit - 3)) + "…" : text
  }

  /// The multiplication sign of this notation: `*`, `·` or `\cdot`.
  public var times: String { engine.times }
}

/// A node's printed text and how tightly it binds.
private struct Printed {
  var piece: TextRope.Piece
  var precedence: Int
}

/// What ``ExpressionPrinter`` asks of the engine of its notation.
protocol PrintingEngine: AnyObject {
  func string(_ id: NodeID) -> String
  func length(_ id: NodeID) -> Int
  func write(_ id: NodeID, to output: (UnsafeBufferPointer<UInt8>) -> Void)
  func factorString(_ id: NodeID) -> String
  func prefix(_ id: NodeID, bytes: Int) -> String
  var times: String { get }
}

/// The layout shared by every notation, specialised for one ``NotationStyle``: formats each node
/// once into a ``TextRope`` and remembers it.
final class LayoutEngine<Style: NotationStyle>: PrintingEngine {
  let graph: ExpressionGraph
  let style: Style
  let brackets: ExpressionPrinter.Brackets
  let rope = TextRope()
  /// The text and precedence of each node printed so far, by node index.
  @exclusivity(unchecked) private var entries: [Printed?] = []
  /// The operands of the nodes being printed, a stack shared by the levels of recursion: each
  /// level pushes its operands above its callers' and pops them before returning.
  @exclusivity(unchecked) private var operands: [PrintedOperand] = []

  init(graph: ExpressionGraph, style: Style, brackets: ExpressionPrinter.Brackets) {
    self.graph = graph
    self.style = style
    self.brackets = brackets
    operands.reserveCapacity(64)
  }

  func string(_ id: NodeID) -> String { rope.string(printed(id).piece) }

  func length(_ id: NodeID) -> Int { rope.length(printed(id).piece) }

  func write(_ id: NodeID, to output: (UnsafeBufferPointer<UInt8>) -> Void) {
    rope.forEachRun(of: printed(id).piece, output)
  }

  func factorString(_ id: NodeID) -> String {
    let operand = self.operand(id, above: Precedence.sum)
    let mark = rope.begin()
    style.put(operand, in: rope)
    return rope.string(rope.end(mark))
  }

  var times: String { style.times.description }

  func prefix(_ id: NodeID, bytes: Int) -> String { rope.prefix(printed(id).piece, bytes: bytes) }

  /// `id` printed, recursing once per level: deep formulas go to a large stack.
  private func printed(_ id: NodeID) -> Printed {
    if let done = entry(id) { return done }
    return graph.treeDepth(id) > 400 ? LargeStack.run { format(id) } : format(id)
  }

  private func entry(_ id: NodeID) -> Printed? {
    let index = Int(id.index)
    return index < entries.count ? entries[index] : nil
  }

  private func store(_ id: NodeID, _ entry: Printed) {
    let index = Int(id.index)
    if index >= entries.count {
      entries.append(
        contentsOf: repeatElement(nil, count: index + 1 - entries.count + Swift.max(64, entries.count / 2)))
    }
    entries[index] = entry
  }

  /// The operands pushed since `base`, popped.
  private func pop(to base: Int) { operands.removeLast(operands.count - base) }

  private func format(_ id: NodeID) -> Printed {
    if let done = entry(id) { return done }
    let result: Printed
    switch graph.kind(id) {
    case .number:
      let value = graph.constant(of: id)
      result = Printed(
        piece: signed(value < 0, rope.text(style.number(Swift.abs(value)))),
        precedence: value < 0 ? Precedence.negative : Precedence.atom)
    case .symbol:
      result = Printed(piece: rope.text(style.name(graph.symbolName(id) ?? "")), precedence: Precedence.atom)
    case .sum:
      result = Printed(piece: formatSum(id), precedence: Precedence.sum)
    case .product:
      result = formatProduct(graph.productLayout(id))
    case .power:
      if graph.reciprocalExponent(id) != nil {
        result = formatProduct(graph.productLayout(id))
      } else {
        let (base, exponent) = graph.powerParts(id) ?? (id, id)
        let printed = format(exponent)
        let exponentPart = PrintedExponent(
          piece: printed.piece, precedence: printed.precedence, constant: graph.numberValue(exponent))
        result = Printed(piece: formatPower(base, exponentPart), precedence: Precedence.power)
      }
    case .call:
      result = Printed(piece: formatCall(id), precedence: Precedence.atom)
    }
    store(id, result)
    return result
  }

  /// `piece`, after a minus sign when `negative`.
  private func signed(_ negative: Bool, _ piece: TextRope.Piece) -> TextRope.Piece {
    guard negative else { return piece }
    let mark = rope.begin()
    rope.add(style.minus)
    rope.add(piece)
    return rope.end(mark)
  }

  /// `id`'s text, to be bracketed if it binds more loosely than `minimum`.
  private func operand(_ id: NodeID, above minimum: Int) -> PrintedOperand {
    let printed = format(id)
    return PrintedOperand(piece: printed.piece, wrapped: printed.precedence <= minimum)
  }

  // MARK: Sums

  private func formatSum(_ id: NodeID) -> TextRope.Piece {
    let slots = graph.operandSlots(id)
    let lead = graph.leadingTermSlot(ofSum: id)
    let base = operands.count
    defer { pop(to: base) }
    push(term: graph.operand(atSlot: lead), leading: lead == slots.lowerBound)
    for slot in slots where slot != lead { push(term: graph.operand(atSlot: slot)) }
    let mark = rope.begin()
    for i in base..<operands.count {
      let term = operands[i]
      if i == base {
        if term.negative { rope.add(style.minus) }
      } else {
        style.separator(negative: term.negative, in: rope)
      }
      style.put(term, in: rope)
    }
    return rope.end(mark)
  }

  /// Pushes a sum's term without its sign: a negative number's magnitude, a product with its
  /// coefficient's sign flipped, or the term itself.
  ///
  /// - Parameter leading: Whether the term comes first as written: a sum there, as `w·x + b − y`
  ///   is built before simplification, needs no brackets when it starts with a plus.
  private func push(term: NodeID, leading: Bool = false) {
    guard graph.isNegativeTerm(term) else {
      if leading, graph.kind(term) == .sum,
        !graph.isNegativeTerm(graph.operand(atSlot: graph.leadingTermSlot(ofSum: term)))
      {
        operands.append(PrintedOperand(piece: format(term).piece, wrapped: false))
      } else {
        operands.append(operand(term, above: Precedence.sum))
      }
      return
    }
    let magnitude: Printed
    if let value = graph.numberValue(term) {
      magnitude = Printed(piece: rope.text(style.number(-value)), precedence: Precedence.atom)
    } else {
      magnitude = formatProduct(graph.productLayout(term, flipsSign: true))
    }
    operands.append(
      PrintedOperand(piece: magnitude.piece, wrapped: magnitude.precedence <= Precedence.sum, negative: true))
  }

  // MARK: Products

  /// A product's text as its layout says: the coefficient once, the factors above the bar and
  /// the reciprocal ones below it.
  private func formatProduct(_ layout: ProductLayout) -> Printed {
    let base = operands.count
    defer { pop(to: base) }
    if let coefficient = layout.coefficientAbove { operands.append(literal(style.number(coefficient))) }
    for position in 0..<layout.factorCount {
      let factor = layout.factor(position, in: graph)
      guard layout.isNumerator(factor, in: graph) else { continue }
      if position == 0 && layout.flipsFirstFactor, let value = graph.numberValue(factor) {
        operands.append(literal(style.number(Swift.abs(value))))
      } else {
        operands.append(operand(factor, above: Precedence.negative))
      }
    }
    if operands.count == base { operands.append(literal(style.number(1))) }
    let numerator = base..<operands.count
    if let reciprocal = layout.coefficientBelow { operands.append(literal(style.number(reciprocal))) }
    for position in 0..<layout.factorCount {
      guard let (below, exponent) = graph.reciprocalExponent(layout.factor(position, in: graph)) else { continue }
      if exponent == 1 {
        operands.append(operand(below, above: style.denominatorMinimum))
      } else {
        // `u⁻ⁿ` puts `uⁿ` under the bar, printed here without storing it as a node.
        let exponentPart = PrintedExponent(
          piece: rope.text(style.number(exponent)), precedence: Precedence.atom, constant: exponent)
        let power = formatPower(below, exponentPart)
        operands.append(PrintedOperand(piece: power, wrapped: Precedence.power <= style.denominatorMinimum))
      }
    }
    let denominator = numerator.upperBound..<operands.count

    let mark = rope.begin()
    if layout.negative { rope.add(style.minus) }
    if denominator.isEmpty {
      style.joinFactors(operands[numerator], in: rope)
    } else {
      style.fraction(numerator: operands[numerator], denominator: operands[denominator], in: rope)
    }
    let isSingle = numerator.count == 1 && denominator.isEmpty
    return Printed(
      piece: rope.end(mark),
      precedence: layout.negative ? Precedence.negative : isSingle ? Precedence.atom : Precedence.product)
  }

  /// A text that is no node's, placed like an operand.
  private func literal(_ text: String) -> PrintedOperand {
    PrintedOperand(piece: rope.text(text), wrapped: false)
  }

  // MARK: Powers and calls

  private func formatPower(_ base: NodeID, _ exponent: PrintedExponent) -> TextRope.Piece {
    let basePart = operand(base, above: Precedence.power)
    let mark = rope.begin()
    style.power(base: basePart, exponent: exponent, in: rope)
    return rope.end(mark)
  }

  private func formatCall(_ id: NodeID) -> TextRope.Piece {
    let function = graph.function(of: id) ?? .sin
    let base = operands.count
    defer { pop(to: base) }
    for slot in graph.operandSlots(id) {
      operands.append(PrintedOperand(piece: format(graph.operand(atSlot: slot)).piece, wrapped: false))
    }
    let mark = rope.begin()
    style.call(function, arguments: operands[base...], brackets: brackets, in: rope)
    return rope.end(mark)
  }
}
