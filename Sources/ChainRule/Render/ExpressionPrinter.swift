/// Prints expressions of a graph as plain text, Unicode or LaTeX.
///
/// Canonical sums print `−` for negative coefficients (`a + (−1)·b` → `a − b`), products put
/// factors with negative exponents under a fraction bar (`a·b⁻¹` → `a/b`), and a coefficient
/// 1/n prints as a division by n (`0.5·x` → `x/2`). Parentheses come from `Precedence`.
/// Plain output parses back to the same function.
///
/// A printer remembers the text of every node it has printed (nodes never change), so printing
/// several derivatives that share subexpressions formats each shared part once.
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
    if let done = memo[id] { return done.0 }
    return graph.treeDepth(id) > 400 ? LargeStack.run { format(id, memo).0 } : format(id, memo).0
  }

  /// The text of `id` as a factor of a product: sums get parentheses.
  public func factorString(_ id: NodeID) -> String {
    operand(id, above: Precedence.sum, memo)
  }

  /// Printed texts by node index; a class so every copy of a printer shares what it printed.
  private final class Memo {
    @exclusivity(unchecked) var entries: [(text: String, precedence: Int)?] = []

    subscript(id: NodeID) -> (String, Int)? {
      let index = Int(id.index)
      return index < entries.count ? entries[index] : nil
    }

    func store(_ id: NodeID, _ entry: (String, Int)) {
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
  public var times: String {
    switch notation {
    case .plain: "*"
    case .unicode: "·"
    case .latex: " \\cdot "
    }
  }

  private func wrap(_ text: String) -> String {
    notation == .latex ? "\\left(" + text + "\\right)" : "(" + text + ")"
  }

  private func format(_ id: NodeID, _ memo: Memo) -> (String, Int) {
    if let done = memo[id] { return done }
    let result: (String, Int)
    switch graph[id] {
    case .number(let value):
      result = (notation.number(value), value < 0 ? Precedence.negative : Precedence.atom)
    case .symbol(let name):
      // Plain names print as stored, without splitting them.
      result = (notation == .plain ? name : notation.name(name), Precedence.atom)
    case .sum(let terms):
      result = (formatSum(terms, memo), Precedence.sum)
    case .product(let factors):
      result = formatProduct(factors, memo)
    case .power(let base, let exponent):
      if let e = graph.numberValue(exponent), e < 0 {
        result = formatProduct([id], memo)
      } else {
        result = (formatPower(base, exponent, memo), Precedence.power)
      }
    case .call(let function, let arguments):
      result = (formatCall(function, arguments, memo), Precedence.atom)
    }
    memo.store(id, result)
    return result
  }

  /// The text of `id` with parentheses if it binds more loosely than `minimum`.
  private func operand(
    _ id: NodeID, above minimum: Int, _ memo: Memo
  ) -> String {
    let (text, precedence) = format(id, memo)
    return precedence > minimum ? text : wrap(text)
  }

  // MARK: Sums

  private func formatSum(_ terms: [NodeID], _ memo: Memo) -> String {
    var text = ""
    var terms = terms
    // Lead with a positive term where there is one: `b − a`, not `−a + b`.
    if isNegative(terms[0]), let firstPositive = terms.firstIndex(where: { !isNegative($0) }) {
      terms.insert(terms.remove(at: firstPositive), at: 0)
    }
    for (i, term) in terms.enumerated() {
      let (negative, magnitude) = splitSign(term)
      let body = operand(magnitude, above: Precedence.sum, memo)
      if i == 0 {
        text = negative ? notation.minus + body : body
      } else {
        text += (negative ? " \(notation.minus) " : " + ") + body
      }
    }
    return text
  }

  /// Whether a term prints with a leading minus: a negative number or coefficient.
  private func isNegative(_ term: NodeID) -> Bool {
    if let value = graph.numberValue(term) { return value < 0 }
    if case .product(let factors) = graph[term], let c = graph.numberValue(factors[0]) { return c < 0 }
    return false
  }

  private func splitSign(_ term: NodeID) -> (Bool, NodeID) { graph.splitSign(term) }

  // MARK: Products

  private func formatProduct(
    _ factors: [NodeID], _ memo: Memo
  ) -> (String, Int) {
    var coefficient = 1.0
    var numerator: [NodeID] = []
    var denominator: [NodeID] = []
    for factor in factors {
      if let value = graph.numberValue(factor) {
        coefficient *= value
      } else if case .power(let base, let exponent) = graph[factor],
        let e = graph.numberValue(exponent), e < 0
      {
        denominator.append(e == -1 ? base : graph.intern(.power(base, graph.number(-e))))
      } else {
        numerator.append(factor)
      }
    }
    let negative = coefficient < 0
    coefficient = Swift.abs(coefficient)
    var numeratorTexts: [String] = []
    var denominatorTexts: [String] = []
    let reciprocal = 1 / coefficient
    if coefficient < 1 && reciprocal == reciprocal.rounded() && reciprocal < 1e15 {
      denominatorTexts.append(notation.number(reciprocal))
    } else if coefficient != 1 || numerator.isEmpty {
      numeratorTexts.append(notation.number(coefficient))
    }
    for factor in numerator {
      numeratorTexts.append(operand(factor, above: Precedence.negative, memo))
    }
    // `1/(2·y)`: outside LaTeX's \frac a product under the bar needs its brackets.
    let denominatorMinimum = notation == .latex ? Precedence.negative : Precedence.product
    for factor in denominator {
      denominatorTexts.append(operand(factor, above: denominatorMinimum, memo))
    }
    if numeratorTexts.isEmpty { numeratorTexts = ["1"] }
    var text: String
    if notation == .latex {
      let top = joinFactors(numeratorTexts)
      text = denominatorTexts.isEmpty ? top : "\\frac{\(top)}{\(joinFactors(denominatorTexts))}"
    } else {
      text = numeratorTexts.joined(separator: times)
      if !denominatorTexts.isEmpty {
        let bottom = denominatorTexts.joined(separator: times)
        text += "/" + (denominatorTexts.count > 1 ? wrap(bottom) : bottom)
      }
    }
    if negative { return (notation.minus + text, Precedence.negative) }
    let isSingle = numeratorTexts.count == 1 && denominatorTexts.isEmpty
    return (text, isSingle ? Precedence.atom : Precedence.product)
  }

  /// LaTeX factors side by side, with `\cdot` only where juxtaposition would misread: before a
  /// number, and between a name and a bracket (which would read as a function call).
  private func joinFactors(_ texts: [String]) -> String {
    guard notation == .latex else { return texts.joined(separator: times) }
    var result = ""
    for (i, text) in texts.enumerated() {
      if i > 0 {
        result += LaTeXLayout.needsDot(after: texts[i - 1], before: text) ? " \\cdot " : " "
      }
      result += text
    }
    return result
  }

  // MARK: Powers and calls

  private func formatPower(
    _ base: NodeID, _ exponent: NodeID, _ memo: Memo
  ) -> String {
    var baseText = operand(base, above: Precedence.power, memo)
    // `6.02 \times 10^{23}` as a base needs brackets, or LaTeX sees a double superscript.
    if notation == .latex && baseText.contains("\\times") { baseText = wrap(baseText) }
    let (exponentText, exponentPrecedence) = format(exponent, memo)
    switch notation {
    case .latex:
      return baseText + "^{" + exponentText + "}"
    case .unicode:
      if let e = graph.numberValue(exponent), e == e.rounded(), Swift.abs(e) < 1000 {
        let digits = notation.number(e).replacingMinus()
        return baseText + String(digits.map(Notation.superscript))
      }
      return baseText + "^" + (exponentPrecedence >= Precedence.atom ? exponentText : wrap(exponentText))
    case .plain:
      return baseText + "^" + (exponentPrecedence >= Precedence.atom ? exponentText : wrap(exponentText))
    }
  }

  private func formatCall(
    _ function: Function, _ arguments: [NodeID], _ memo: Memo
  ) -> String {
    let texts = arguments.map { format($0, memo).0 }
    let inner = texts.joined(separator: ", ")
    switch notation {
    case .plain:
      return function.name + "(" + inner + ")"
    case .unicode:
      if function == .step { return "𝟙[" + inner + " > 0]" }
      return function.notation(.unicode) + "(" + inner + ")"
    case .latex:
      switch function {
      case .step: return "\\mathbf{1}\\left[" + inner + " > 0\\right]"
      case .sqrt: return "\\sqrt{" + inner + "}"
      case .abs: return "\\left|" + inner + "\\right|"
      default:
        let (open, close) = brackets == .square ? ("\\left[", "\\right]") : ("\\left(", "\\right)")
        return function.notation(.latex) + open + inner + close
      }
    }
  }
}

extension String {
  fileprivate func replacingMinus() -> String {
    String(map { $0 == "−" ? "-" : $0 })
  }
}
