import ChainRuleMatrix

/// Prints a ``MatrixDerivation``: the differential line by line with the rule of each line, the
/// identification, and the layout convention.
///
/// ```
/// ∂loss/∂w₂ step by step: the differential, its trace form, the identification
///   dloss = d sum((y_pred − y)^∘2)
///         = tr(𝟏ᵀ·d((y_pred − y)^∘2))               sum of entries: d sum(A) = sum(dA) = tr(𝟏ᵀ·dA)
///   …
///         = tr(2·(y_pred − y)ᵀ·h_relu·dw₂)          matrix product: d(A·B) = dA·B + A·dB
///   identification: dloss = tr(A·dw₂) for every dw₂, so ∂loss/∂w₂ = Aᵀ, with A = 2·(y_pred − y)ᵀ·h_relu
///   ∂loss/∂w₂ = h_reluᵀ·(2·(y_pred − y))
///   layout: ∂loss/∂w₂ has the shape of w₂ (H×D_out); the Jacobian A is its transpose (D_out×H)
/// ```
public struct MatrixDerivationRenderer {
  public let derivation: MatrixDerivation
  public let notation: Notation

  public init(derivation: MatrixDerivation, notation: Notation) {
    self.derivation = derivation
    self.notation = notation
  }

  private var printer: MatrixPrinter {
    MatrixPrinter(graph: derivation.formula.graph, notation: notation, names: derivation.formula.stepNames)
  }

  private var d: String { notation == .latex ? "\\mathrm{d}" : "d" }

  /// `dV`, `d(V)` or `d sum(…)`, for the differential of node `id`.
  func differential(_ id: MatrixNodeID, top: Bool) -> String {
    let graph = derivation.formula.graph
    let printer = self.printer
    let named = derivation.formula.stepNames[id] != nil && !top
    let text = printer.string(id, expandingTop: top)
    if named || graph.operation(id) == .variable { return d + (notation == .latex ? " " : "") + text }
    switch graph.operation(id) {
    case .sum, .softmax, .crossEntropy, .trace, .frobeniusSquared: return d + " " + text
    case .function where !text.hasPrefix("𝟙") && !text.hasPrefix("‖"): return d + " " + text
    default: return d + (notation == .latex ? "\\left(" + text + "\\right)" : "(" + text + ")")
    }
  }

  /// One term: `dV`, `G·dV` for a scalar V, `tr(A·dV)` for a matrix.
  func term(_ term: MatrixDerivation.Term, top: Bool) -> String {
    let graph = derivation.formula.graph
    let printer = self.printer
    let dv = differential(term.node, top: top)
    let times = notation == .latex ? " " : (notation == .plain ? "*" : "·")
    if graph.isScalar(term.node) {
      if graph.isConstant(term.adjoint, 1) { return dv }
      let g = printer.string(term.adjoint)
      let wrapped = graph.operation(term.adjoint) == .add ? group(g) : g
      return wrapped + times + dv
    }
    var a = printer.string(term.jacobian)
    if graph.operation(term.adjoint) == .broadcast, let c = graph.constantValue(graph[term.adjoint].a) {
      // 𝟏ᵀ rather than the 𝟏 of the transposed shape: sum(dA) = tr(𝟏ᵀ·dA).
      let ones = notation == .latex ? "\\mathbf{1}^{\\top}" : (notation == .plain ? "ones.T" : "𝟏ᵀ")
      a = c == 1 ? ones : notation.number(c) + times + ones
    } else if graph.operation(term.jacobian) == .add {
      a = group(a)
    }
    let tr = notation == .latex ? "\\operatorname{tr}" : "tr"
    return tr + group(a + times + dv)
  }

  private func group(_ text: String) -> String {
    notation == .latex ? "\\left(" + text + "\\right)" : "(" + text + ")"
  }

  private func line(_ line: MatrixDerivation.Line, top: Bool) -> String {
    line.terms.map { term($0, top: top) }.joined(separator: " + ")
  }

  /// The derivation as text lines, indented by two spaces.
  public func text() -> String {
    let formula = derivation.formula
    let printer = self.printer
    let result = printer.name(formula.resultName)
    let variable = printer.name(derivation.variable)
    let partial =
      switch notation {
      case .plain: "d\(result)/d\(variable)"
      case .unicode: "∂\(result)/∂\(variable)"
      case .latex: "\\frac{\\partial \(result)}{\\partial \(variable)}"
      }
    var out = "\(partial) step by step: the differential, its trace form, the identification\n"
    guard let first = derivation.lines.first else {
      return out + "  \(result) does not depend on \(variable): the differential has no d\(variable) term\n"
    }
    let lead = "  \(d)\(notation == .latex ? " " : "")\(result) = "
    let rows: [(String, String)] =
      [(line(first, top: true), "")]
      + derivation.lines.dropFirst().map { line -> (String, String) in
        let identity = line.identity.map { ": " + ($0.split(separator: ";").first.map(String.init) ?? $0) } ?? ""
        return (self.line(line, top: false), (line.rule ?? "") + identity)
      }
    let width = min(72, rows.map(\.0.count).max() ?? 0)
    let continuation = String(repeating: " ", count: lead.count - 2) + "= "
    for (index, row) in rows.enumerated() {
      let prefix = index == 0 ? lead : continuation
      let gap = String(repeating: " ", count: max(3, width - row.0.count + 3))
      out += prefix + row.0 + (row.1.isEmpty ? "" : gap + row.1) + "\n"
    }
    let graph = formula.graph
    let shape = graph.shape(derivation.gradient)
    let bindings = formula.bindings
    let jacobian = printer.string(derivation.jacobian)
    let shown = graph.isScalar(derivation.gradient) ? "" : ", with A = \(jacobian)"
    let tr = graph.isScalar(derivation.gradient) ? "A·\(d)\(variable)" : "tr(A·\(d)\(variable))"
    out += "  identification: \(d)\(result) = \(tr) for every \(d)\(variable), so \(partial) = Aᵀ\(shown)\n"
    out += "  \(partial) = \(printer.string(derivation.gradient))\n"
    out +=
      "  layout: \(partial) has the shape of \(variable) (\(bindings.resolved(shape) == shape.description ? shape.description : bindings.described(shape))); "
      + "the Jacobian A is its transpose (\(shape.transposed))\n"
    return out
  }
}
