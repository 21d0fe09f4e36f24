import ChainRuleMatrix

/// `chainrule trace` in matrix mode: the forward pass with each step's shape, backward pass #1
/// (∂ℓ/∂step, last to first, each in terms of the one after it) and backward pass #2 (each
/// parameter's gradient from the steps it enters), as seed 002's NumPy listing computes them.
public struct MatrixTraceRenderer {
  public let report: MatrixReport

  /// `report` must be made with named adjoints.
  public init(report: MatrixReport) { self.report = report }

  public func text(_ notation: Notation, full: Bool = false) -> String {
    let formula = report.formula
    let graph = formula.graph
    let bindings = formula.bindings
    var printer = MatrixPrinter(graph: graph, notation: notation, names: formula.stepNames)
    let labels = report.adjointLabels(notation, printer: printer)
    func table(_ rows: [(String, MatrixNodeID)]) -> String {
      let width = rows.map(\.0.count).max() ?? 0
      var out = ""
      for (text, node) in rows {
        out +=
          "  " + text + String(repeating: " ", count: width - text.count + 3) + bindings.described(graph.shape(node))
        if let value = report.values[node] {
          let indent = 2 + width + 3 + bindings.described(graph.shape(node)).count + 4
          out += "  = " + MatrixValueFormat.text(value, notation, indent: indent, full: full, rows: 4, columns: 4)
        }
        out += "\n"
      }
      return out
    }
    var out = "Forward pass: each step computed once and stored\n"
    out += table(
      formula.steps.map { (printer.name($0.name) + " = " + printer.string($0.node, expandingTop: true), $0.node) })
    for (node, step) in labels { printer.labels[node] = report.partial(step, notation, printer) }
    out += "\nBackward pass #1: ∂\(printer.name(formula.resultName))/∂… for every step, last to first\n"
    out += table(
      labels.map {
        (report.partial($0.step, notation, printer) + " = " + printer.string($0.node, expandingTop: true), $0.node)
      })
    out += "\nBackward pass #2: every parameter's gradient from the steps it enters\n"
    out += table(
      report.rows.map { (report.partial($0.variable, notation, printer) + " = " + printer.string($0.node), $0.node) })
    out += "\nEach gradient has the shape of its parameter (the Jacobian is its transpose).\n"
    return out
  }
}
