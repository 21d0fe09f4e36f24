import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A computation graph laid out for drawing: every node's text and box, every edge's route and
/// label, in pixels. The SVG and TikZ writers draw the same picture.
///
/// A step's box has a title row, `f₀ = β₀ + ω₀·x`, and with values a row of two cells,
/// `f₀ = 1.23 | ∂ℓ/∂f₀ = 2.281`; a parameter's box is that row alone (`β₀ = 1 | ∂ℓ/∂β₀ = 2.281`),
/// a data value's one cell (`x = 2.3`), and without values each input box is its name.
/// Operations are circles (`+`, `×`, `sin`, `( )²`); the edge from a value into an operation
/// is labelled with the local derivative ∂step/∂value (and its value).
public struct GraphPicture {
  /// Font sizes and paddings, in pixels.
  public struct Style: Sendable {
    public var titleSize = 14.0
    public var cellSize = 12.0
    public var operationSize = 14.0
    public var labelSize = 11.5
    public var padding = 8.0
    public var titleRowHeight = 24.0
    public var cellRowHeight = 20.0
    public var operationDiameter = 30.0
    public init() {}
  }

  /// What one node shows.
  public struct NodeText: Sendable {
    /// The bold name at the start of a step's title (nil for inputs and operations).
    public var name: String?
    /// The rest of the title: ` = β₀ + ω₀·x` for a step, the sign for an operation.
    public var title: String?
    /// The cells of the value row (empty when there is none).
    public var cells: [String]
  }

  /// The graph drawn.
  public let graph: ComputationGraph
  /// The notation of the texts (Unicode unless asked otherwise).
  public let notation: Notation
  public let style: Style
  /// Each node's texts.
  public let texts: [NodeText]
  /// Each edge's label (nil for operation → step edges).
  public let edgeLabels: [String?]
  /// The layout: centres, routes, label frames, size.
  public let layout: GraphLayout

  /// Lays out `graph` with texts in `notation`.
  public init(graph: ComputationGraph, notation: Notation = .unicode, style: Style = Style()) {
    self.graph = graph
    self.notation = notation
    self.style = style
    let printer = ExpressionPrinter(graph: graph.expressions, notation: notation)
    let texts = graph.nodes.map { Self.text(of: $0, printer: printer, resultName: graph.resultName) }
    let labels = graph.edges.map { edge -> String? in
      guard let local = edge.local else { return nil }
      let text = printer.string(local)
      guard let value = edge.localValue, graph.expressions.numberValue(local) == nil else { return text }
      return text + " = " + Self.number(value, notation)
    }
    self.texts = texts
    edgeLabels = labels

    let nodes = zip(graph.nodes, texts).map { node, text in
      GraphLayout.Node(
        size: Self.size(of: text, kind: node.kind, style: style), shape: node.kind == .operation ? .ellipse : .box)
    }
    let edges = graph.edges.enumerated().map { index, edge in
      // An operation and its step move as one; edges along the chain of steps pull hard; an
      // input's edge pulls lightly, so the input moves aside and the chain stays straight.
      let isInput = [.parameter, .data].contains(graph.nodes[edge.from].kind)
      let weight = edge.local == nil ? 64.0 : (isInput ? 1 : 8)
      let label = labels[index].map {
        GraphLayout.Size(width: TextMetrics.width($0, fontSize: style.labelSize) + 6, height: style.labelSize + 4)
      }
      return GraphLayout.Edge(from: edge.from, to: edge.to, weight: weight, label: label)
    }
    var options = GraphLayout.Options()
    options.nodeGap = 24
    options.layerGap = 22
    layout = GraphLayout(nodes: nodes, edges: edges, options: options)
  }

  /// A value shortly: four significant digits, `−` in Unicode, `1.5e−5`.
  public static func number(_ value: Double, _ notation: Notation) -> String {
    guard value.isFinite else { return value.isNaN ? "undefined" : (value > 0 ? "∞" : "−∞") }
    var text = String(format: "%.4g", value == 0 ? 0 : value)
    if let e = text.firstIndex(of: "e") {
      let mantissa = String(text[..<e])
      var exponent = String(text[text.index(after: e)...])
      if exponent.hasPrefix("+") { exponent.removeFirst() }
      let negative = exponent.hasPrefix("-")
      if negative { exponent.removeFirst() }
      while exponent.count > 1 && exponent.hasPrefix("0") { exponent.removeFirst() }
      if notation == .latex { return "\(mantissa) \\times 10^{\(negative ? "-" : "")\(exponent)}" }
      text = mantissa + "e" + (negative ? "-" : "") + exponent
    }
    return notation == .unicode ? text.replacingOccurrences(of: "-", with: "−") : text
  }

  /// The texts of one node.
  static func text(of node: ComputationGraph.Node, printer: ExpressionPrinter, resultName: String) -> NodeText {
    let notation = printer.notation
    let name = notation.name(node.name)
    func adjointCell(_ value: Double) -> String {
      partial(of: resultName, by: node.name, notation) + " = " + number(value, notation)
    }
    switch node.kind {
    case .operation:
      return NodeText(name: nil, title: node.operation?.symbol(notation) ?? "", cells: [])
    case .step:
      var cells: [String] = []
      if let value = node.value { cells.append(name + " = " + number(value, notation)) }
      if let adjoint = node.adjoint { cells.append(adjointCell(adjoint)) }
      let expression = node.expression.map { printer.string($0) } ?? ""
      return NodeText(name: name, title: " = " + expression, cells: cells)
    case .parameter, .data:
      var cells = [name]
      if let value = node.value { cells = [name + " = " + number(value, notation)] }
      if let adjoint = node.adjoint { cells.append(adjointCell(adjoint)) }
      return NodeText(name: nil, title: nil, cells: cells)
    }
  }

  /// ∂ℓ/∂name written inline: `∂ℓ/∂f₀`, `\partial \ell/\partial f_{0}`.
  public static func partial(of result: String, by name: String, _ notation: Notation) -> String {
    switch notation {
    case .plain: "d\(result)/d\(name)"
    case .unicode: "∂\(notation.name(result))/∂\(notation.name(name))"
    case .latex: "\\partial \(notation.name(result))/\\partial \(notation.name(name))"
    }
  }

  /// The widths of a node's cells as drawn (each with its padding), in pixels.
  public static func cellWidths(_ text: NodeText, style: Style) -> [Double] {
    text.cells.enumerated().map { index, cell in
      // An input's name alone is bold.
      let bold = text.title == nil && text.cells.count == 1 && index == 0 && !cell.contains("=")
      return TextMetrics.width(cell, fontSize: style.cellSize, bold: bold) + 2 * style.padding
    }
  }

  /// The width of a step's title row, in pixels.
  public static func titleWidth(_ text: NodeText, style: Style) -> Double {
    TextMetrics.width(text.name ?? "", fontSize: style.titleSize, bold: true)
      + TextMetrics.width(text.title ?? "", fontSize: style.titleSize) + 2 * style.padding
  }

  private static func size(of text: NodeText, kind: ComputationGraph.Node.Kind, style: Style) -> GraphLayout.Size {
    switch kind {
    case .operation:
      let width = TextMetrics.width(text.title ?? "", fontSize: style.operationSize) + 12
      return GraphLayout.Size(width: max(style.operationDiameter, width), height: style.operationDiameter)
    case .step:
      let cells = cellWidths(text, style: style).reduce(0, +)
      let height = style.titleRowHeight + (text.cells.isEmpty ? 0 : style.cellRowHeight)
      return GraphLayout.Size(width: max(titleWidth(text, style: style), cells, 40), height: height)
    case .parameter, .data:
      let cells = cellWidths(text, style: style).reduce(0, +)
      return GraphLayout.Size(width: max(cells, 36), height: style.cellRowHeight + 4)
    }
  }
}
