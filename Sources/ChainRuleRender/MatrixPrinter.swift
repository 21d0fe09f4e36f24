import ChainRuleMatrix
import ChainRuleSyntax

/// Prints matrix expressions in matrix notation: `xᵀ·((2·(y_pred − y)·w2ᵀ) ⊙ 𝟙[h > 0])`.
///
/// The matrix product and a scalar's product are `·`, the elementwise product `⊙`; the two kinds
/// never mix without brackets, and a product on the right of a matrix product keeps its brackets
/// (`h_reluᵀ·(2·(y_pred − y))`), so the order of multiplication reads as NumPy computes it.
/// Powers are elementwise (Hadamard) powers, `A^∘2`. Nodes that are the user's steps print as
/// their names. Plain output is what the matrix parser reads back: `x.T*((2*(y_pred - y)*w2.T) .* step(h))`.
public struct MatrixPrinter {
  public let graph: MatrixGraph
  public let notation: Notation
  /// Step names by node: a node with a name prints as the name.
  public var names: [MatrixNodeID: String]
  /// Texts printed for nodes as they are (named adjoints such as `∂J/∂o`), bracketed as factors.
  public var labels: [MatrixNodeID: String] = [:]

  public init(graph: MatrixGraph, notation: Notation, names: [MatrixNodeID: String] = [:]) {
    self.graph = graph
    self.notation = notation
    self.names = names
  }

  /// What a printed operand is, for its parent's brackets.
  private enum Kind { case atom, sum, negative, dot, hadamard, division, label }

  private struct Printed {
    var text: String
    var precedence: Int
    var kind: Kind
  }

  /// The text of `id`; if `expandingTop`, a named node is written out rather than named (for
  /// its own definition line).
  public func string(_ id: MatrixNodeID, expandingTop: Bool = false) -> String {
    var memo: [MatrixNodeID: Printed] = [:]
    return printed(id, top: expandingTop ? id : nil, memo: &memo).text
  }

  /// A canonical name in this notation; superscripts `W^(1)` print as `W⁽¹⁾` and `W^{(1)}`.
  public func name(_ canonical: String) -> String {
    guard let caret = canonical.range(of: "^(") else { return notation.name(canonical) }
    let base = String(canonical[..<caret.lowerBound])
    let digits = canonical[caret.upperBound...].prefix { $0 != ")" }
    switch notation {
    case .plain: return canonical
    case .unicode: return notation.name(base) + "⁽" + String(digits.map(Notation.superscript)) + "⁾"
    case .latex: return "{" + notation.name(base) + "^{(" + digits + ")}}"
    }
  }

  private var times: String {
    switch notation {
    case .plain: "*"
    case .unicode: "·"
    case .latex: " "
    }
  }

  private var hadamard: String {
    switch notation {
    case .plain: " .* "
    case .unicode: " ⊙ "
    case .latex: " \\odot "
    }
  }

  private func group(_ text: String) -> String {
    notation == .latex ? "\\left(" + text + "\\right)" : "(" + text + ")"
  }

  private func call(_ name: String, _ arguments: [String]) -> String {
    let joined = arguments.joined(separator: ", ")
    return notation == .latex ? name + "\\left(" + joined + "\\right)" : name + "(" + joined + ")"
  }

  /// A LaTeX base that already carries a superscript, in braces, so a second one is no double
  /// superscript: `{W^{(1)}}^{\top}` (a name printed `{W^{(1)}}` is braced already).
  private static func braced(_ text: String, atom: Bool) -> String {
    guard atom, text.contains("^") else { return text }
    // Already one group when the opening brace closes only at the end.
    if text.hasPrefix("{") && text.hasSuffix("}") {
      var depth = 0
      var closesEarly = false
      for (index, character) in text.enumerated() {
        if character == "{" { depth += 1 }
        if character == "}" { depth -= 1 }
        if depth == 0 && index < text.count - 1 { closesEarly = true }
      }
      if !closesEarly { return text }
    }
    return "{" + text + "}"
  }

  /// `text` bracketed unless `operand` binds at least as tightly as `minimum` and is of a kind
  /// the parent allows beside itself.
  private func operand(_ operand: Printed, atLeast minimum: Int, allowing kinds: Set<Kind> = []) -> String {
    let same = kinds.contains(operand.kind) || operand.kind == .atom
    if operand.precedence >= minimum && (operand.precedence >= Precedence.atom || same || kinds.isEmpty) {
      return operand.text
    }
    return group(operand.text)
  }

  private func printed(_ id: MatrixNodeID, top: MatrixNodeID?, memo: inout [MatrixNodeID: Printed]) -> Printed {
    if let done = memo[id] { return done }
    let result = compute(id, top: top, memo: &memo)
    memo[id] = result
    return result
  }

  // swift-format-ignore
  private func compute(_ id: MatrixNodeID, top: MatrixNodeID?, memo: inout [MatrixNodeID: Printed]) -> Printed {
    if id != top, let label = labels[id] { return Printed(text: label, precedence: Precedence.product - 1, kind: .label) }
    if id != top, let step = names[id] { return Printed(text: name(step), precedence: Precedence.atom, kind: .atom) }
    let node = graph[id]
    func sub(_ child: MatrixNodeID) -> Printed { printed(child, top: top, memo: &memo) }
    let atom = Precedence.atom
    switch node.operation {
    case .variable, .size:
      return Printed(text: name(node.name ?? "?"), precedence: atom, kind: .atom)
    case .constant:
      let value = node.number ?? 0
      let k = 1 / Swift.abs(value)
      if k == k.rounded() && k >= 2 && k < 1e6 {
        // 1/2 rather than 0.5: the coefficients of λ/2 and of a mean.
        let text = (value < 0 ? notation.minus : "") + "1/" + Notation.plain.number(k)
        return Printed(text: text, precedence: value < 0 ? Precedence.negative : Precedence.product, kind: .division)
      }
      return Printed(text: notation.number(value), precedence: value < 0 ? Precedence.negative : atom, kind: .atom)
    case .identity:
      let text = notation == .plain ? "eye(\(node.shape.rows))" : "I"
      return Printed(text: text, precedence: atom, kind: .atom)
    case .broadcast:
      // Repeating is written as a product with ones: c·𝟏, 𝟏·r for a row, c·𝟏ᵀ for a column.
      let inner = graph.shape(node.a)
      let ones: String
      switch notation {
      case .plain:
        let rows = graph.bindings.isOne(inner.rows) ? node.shape.rows.description : "1"
        let columns = graph.bindings.isOne(inner.columns) ? node.shape.columns.description : "1"
        ones = "ones(\(rows), \(columns))"
      default:
        let one = MatrixRule.rule(for: .broadcast).spelling.text(notation)
        let isColumn = !graph.bindings.isOne(inner.rows) && graph.bindings.isOne(inner.columns)
        ones = isColumn ? one + (notation == .latex ? "^{\\top}" : "ᵀ") : one
      }
      if graph.isConstant(node.a, 1) && graph.isScalar(node.a) { return Printed(text: ones, precedence: atom, kind: .atom) }
      let value = sub(node.a)
      if graph.isScalar(node.a) || (!graph.bindings.isOne(inner.rows) && graph.bindings.isOne(inner.columns)) {
        let text = operand(value, atLeast: Precedence.product, allowing: [.dot, .division]) + times + ones
        return Printed(text: text, precedence: Precedence.product, kind: .dot)
      }
      return Printed(text: ones + times + operand(value, atLeast: Precedence.product + 1), precedence: Precedence.product, kind: .dot)
    case .matmul:
      let left = operand(sub(node.a), atLeast: Precedence.product, allowing: [.dot])
      let right = operand(sub(node.b), atLeast: Precedence.product + 1)
      return Printed(text: left + times + right, precedence: Precedence.product, kind: .dot)
    case .transpose:
      let inner = sub(node.a)
      let base = inner.precedence >= atom ? inner.text : group(inner.text)
      let text: String
      switch notation {
      case .plain: text = base + ".T"
      case .unicode: text = base + "ᵀ"
      case .latex: text = Self.braced(base, atom: inner.precedence >= atom) + "^{\\top}"
      }
      return Printed(text: text, precedence: atom, kind: .atom)
    case .add:
      let left = sub(node.a)
      let leftText = left.precedence >= Precedence.sum ? left.text : group(left.text)
      if let magnitude = negativeTerm(node.b, top: top, memo: &memo) {
        return Printed(text: leftText + " " + notation.minus + " " + magnitude, precedence: Precedence.sum, kind: .sum)
      }
      let right = sub(node.b)
      let rightText = right.precedence > Precedence.negative ? right.text : group(right.text)
      return Printed(text: leftText + " + " + rightText, precedence: Precedence.sum, kind: .sum)
    case .multiply:
      return product(node, top: top, memo: &memo)
    case .power where node.number == -1 && graph.isScalar(node.a):
      let base = sub(node.a)
      let slash = notation == .latex ? " / " : "/"
      return Printed(
        text: "1" + slash + (base.precedence > Precedence.product ? base.text : group(base.text)),
        precedence: Precedence.product, kind: .division)
    case .power:
      let base = sub(node.a)
      let p = node.number ?? 1
      var baseText = base.precedence >= atom ? base.text : group(base.text)
      let scalar = graph.isScalar(node.a)
      switch notation {
      case .plain:
        return Printed(text: baseText + "^" + (p < 0 ? "(\(Notation.plain.number(p)))" : Notation.plain.number(p)), precedence: Precedence.power, kind: .atom)
      case .unicode:
        let exponent = Notation.plain.number(p)
        let whole = p == p.rounded() && Swift.abs(p) < 1000
        let text = scalar && whole ? baseText + String(exponent.map(Notation.superscript)) : baseText + (scalar ? "^" : "^∘") + exponent
        return Printed(text: text, precedence: Precedence.power, kind: .atom)
      case .latex:
        baseText = Self.braced(baseText, atom: base.precedence >= atom)
        let exponent = Notation.latex.number(p)
        return Printed(text: baseText + "^{" + (scalar ? "" : "\\circ ") + exponent + "}", precedence: Precedence.power, kind: .atom)
      }
    case .function:
      return function(node, top: top, memo: &memo)
    case .sum:
      let inner = sub(node.a)
      let axis = node.axis ?? .all
      if axis == .all || notation == .plain {
        let argument = axis == .all ? [inner.text] : [inner.text, axis == .rows ? "axis=0" : "axis=1"]
        return Printed(text: call(notation == .latex ? "\\operatorname{sum}" : "sum", argument), precedence: atom, kind: .atom)
      }
      let ones = MatrixRule.rule(for: .broadcast).spelling.text(notation)
      if axis == .rows {
        let onesT = notation == .latex ? ones + "^{\\top}" : ones + "ᵀ"
        return Printed(text: onesT + times + operand(inner, atLeast: Precedence.product + 1), precedence: Precedence.product, kind: .dot)
      }
      return Printed(text: operand(inner, atLeast: Precedence.product, allowing: [.dot]) + times + ones, precedence: Precedence.product, kind: .dot)
    case .softmax, .oneHot, .trace:
      let spelling = MatrixRule.rule(for: node.operation).spelling.text(notation)
      return Printed(text: call(spelling, [sub(node.a).text]), precedence: atom, kind: .atom)
    case .crossEntropy:
      let spelling = MatrixRule.rule(for: .crossEntropy).spelling.text(notation)
      return Printed(text: call(spelling, [sub(node.a).text, sub(node.b).text]), precedence: atom, kind: .atom)
    case .frobeniusSquared:
      let inner = sub(node.a).text
      switch notation {
      case .plain: return Printed(text: "norm2(\(inner))^2", precedence: Precedence.power, kind: .atom)
      case .unicode: return Printed(text: "‖\(inner)‖²_F", precedence: atom, kind: .atom)
      case .latex: return Printed(text: "\\left\\|\(inner)\\right\\|_F^{2}", precedence: atom, kind: .atom)
      }
    }
  }

  /// A term with a negative coefficient, as the text of its magnitude: `(−2)·A` → `2·A`; nil
  /// for any other term.
  private func negativeTerm(_ id: MatrixNodeID, top: MatrixNodeID?, memo: inout [MatrixNodeID: Printed]) -> String? {
    guard names[id] == nil || id == top, labels[id] == nil else { return nil }
    let node = graph[id]
    if node.operation == .constant, let value = node.number, value < 0 { return notation.number(-value) }
    guard node.operation == .multiply, let c = graph.constantValue(node.a), c < 0 else { return nil }
    let rest = printed(node.b, top: top, memo: &memo)
    if c == -1 { return rest.precedence > Precedence.sum ? rest.text : group(rest.text) }
    return scaled(-c, node.b, rest, top: top, memo: &memo).text
  }

  /// `c·A` for a positive c; `λ/2·A` and `A/2` when c is 1/k.
  private func scaled(
    _ c: Double, _ restID: MatrixNodeID, _ rest: Printed, top: MatrixNodeID?, memo: inout [MatrixNodeID: Printed]
  ) -> Printed {
    let k = 1 / c
    let slash = notation == .latex ? " / " : "/"
    if k == k.rounded() && k >= 2 && k < 1e6 {
      let node = graph[restID]
      let denominator = Notation.plain.number(k)
      if node.operation == .multiply, names[restID] == nil, graph.isScalar(node.a),
        graph.constantValue(node.a) == nil
      {
        let s = printed(node.a, top: top, memo: &memo)
        let r = printed(node.b, top: top, memo: &memo)
        let text =
          operand(s, atLeast: Precedence.atom) + slash + denominator + times
          + operand(r, atLeast: Precedence.product, allowing: [.dot])
        return Printed(text: text, precedence: Precedence.product, kind: .dot)
      }
      let text = operand(rest, atLeast: Precedence.product, allowing: [.dot, .division]) + slash + denominator
      return Printed(text: text, precedence: Precedence.product, kind: .division)
    }
    let text = notation.number(c) + times + operand(rest, atLeast: Precedence.product, allowing: [.dot, .division])
    return Printed(text: text, precedence: Precedence.product, kind: .dot)
  }

  /// A product: `−A`, `2·A`, `λ·W`, `A ⊙ B`, `A/B`.
  // swift-format-ignore
  private func product(_ node: MatrixNode, top: MatrixNodeID?, memo: inout [MatrixNodeID: Printed]) -> Printed {
    let a = printed(node.a, top: top, memo: &memo)
    // A ⊙ B^∘−1 is A/B (A ⊘ B between matrices).
    let denominator = graph[node.b]
    if denominator.operation == .power, let p = denominator.number, p < 0, names[node.b] == nil {
      let base = printed(denominator.a, top: top, memo: &memo)
      let shown = p == -1 ? base : printed(graph.power(denominator.a, -p), top: top, memo: &memo)
      let slash = notation == .unicode && !graph.isScalar(denominator.a) ? " ⊘ " : (notation == .latex ? " / " : "/")
      let left = operand(a, atLeast: Precedence.product, allowing: [.dot, .division])
      let right = shown.precedence > Precedence.product ? shown.text : group(shown.text)
      return Printed(text: left + slash + right, precedence: Precedence.product, kind: .division)
    }
    // c⁻¹·A is A/c.
    let first = graph[node.a]
    if first.operation == .power, first.number == -1, names[node.a] == nil, graph.isScalar(node.a) {
      let base = printed(first.a, top: top, memo: &memo)
      let b = printed(node.b, top: top, memo: &memo)
      let slash = notation == .latex ? " / " : "/"
      let left = operand(b, atLeast: Precedence.product, allowing: [.dot, .division])
      let right = base.precedence > Precedence.product ? base.text : group(base.text)
      return Printed(text: left + slash + right, precedence: Precedence.product, kind: .division)
    }
    if let c = graph.constantValue(node.a) {
      let rest = printed(node.b, top: top, memo: &memo)
      if c == -1 {
        let text = rest.precedence > Precedence.negative && rest.kind != .label ? rest.text : group(rest.text)
        return Printed(text: notation.minus + text, precedence: Precedence.negative, kind: .negative)
      }
      if c < 0 {
        let magnitude = scaled(-c, node.b, rest, top: top, memo: &memo)
        return Printed(text: notation.minus + magnitude.text, precedence: Precedence.negative, kind: .negative)
      }
      return scaled(c, node.b, rest, top: top, memo: &memo)
    }
    let b = printed(node.b, top: top, memo: &memo)
    if graph.isScalar(node.a) || graph.isScalar(node.b) {
      let left = operand(a, atLeast: Precedence.product, allowing: [.dot, .division])
      let right = operand(b, atLeast: Precedence.product, allowing: [.dot])
      return Printed(text: left + times + right, precedence: Precedence.product, kind: .dot)
    }
    let left = operand(a, atLeast: Precedence.product, allowing: [.hadamard])
    let right = operand(b, atLeast: Precedence.product + 1)
    return Printed(text: left + hadamard + right, precedence: Precedence.product, kind: .hadamard)
  }

  /// f(A) from the function's entry; the indicator as 𝟙[A > 0]; √(‖A‖²_F) as ‖A‖_F.
  private func function(_ node: MatrixNode, top: MatrixNodeID?, memo: inout [MatrixNodeID: Printed]) -> Printed {
    guard let f = node.function else { return Printed(text: "?", precedence: Precedence.atom, kind: .atom) }
    if f == .sqrt, graph.operation(node.a) == .frobeniusSquared, names[node.a] == nil {
      let inner = printed(graph[node.a].a, top: top, memo: &memo).text
      switch notation {
      case .plain: return Printed(text: "norm2(\(inner))", precedence: Precedence.atom, kind: .atom)
      case .unicode: return Printed(text: "‖\(inner)‖_F", precedence: Precedence.atom, kind: .atom)
      case .latex: return Printed(text: "\\left\\|\(inner)\\right\\|_F", precedence: Precedence.atom, kind: .atom)
      }
    }
    let arguments = node.operands.map { printed($0, top: top, memo: &memo).text }
    if f.definition.shape == .indicator && notation != .plain {
      let text =
        notation == .latex
        ? "\\mathbf{1}\\left[" + arguments[0] + " > 0\\right]" : "𝟙[" + arguments[0] + " > 0]"
      return Printed(text: text, precedence: Precedence.atom, kind: .atom)
    }
    return Printed(text: call(f.notation(notation), arguments), precedence: Precedence.atom, kind: .atom)
  }
}

extension MatrixSpelling {
  /// The spelling in `notation`.
  public func text(_ notation: Notation) -> String {
    switch notation {
    case .plain: plain
    case .unicode: unicode
    case .latex: latex
    }
  }
}
