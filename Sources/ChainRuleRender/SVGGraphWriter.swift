import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// Draws a ``GraphPicture`` as one self-contained SVG element: no scripts, no external files,
/// no fonts beyond the generic `sans-serif`, every text escaped.
///
/// Value nodes are boxes (parameters yellow, data grey, steps blue, the result red), operations
/// circles; arrows run from inputs to outputs, and the edge into an operation carries the local
/// derivative. A legend under the graph says so. The text returned is an `<svg>` element
/// without an XML declaration, so it can be written to a `.svg` file or placed inline in an
/// HTML page; ``idPrefix`` keeps the arrowhead's id apart from other SVGs on the same page.
///
/// ```swift
/// let svg = SVGGraphWriter(picture: GraphPicture(graph: graph)).svg()
/// ```
public struct SVGGraphWriter {
  public var picture: GraphPicture
  /// Prefix of the ids the SVG defines (its arrowhead marker).
  public var idPrefix: String
  /// A title for the picture (its `<title>`, which screen readers read).
  public var title: String

  public init(picture: GraphPicture, idPrefix: String = "chainrule-graph", title: String? = nil) {
    self.picture = picture
    self.idPrefix = idPrefix
    self.title = title ?? "Computation graph of \(picture.notation.name(picture.graph.resultName))"
  }

  /// Fill and stroke of each kind of node.
  static func colours(_ node: ComputationGraph.Node) -> (fill: String, stroke: String) {
    if node.isResult { return ("#ffe0e0", "#b03030") }
    switch node.kind {
    case .parameter: return ("#fff3c4", "#a07800")
    case .data: return ("#ececec", "#6b6b6b")
    case .step: return ("#dcebff", "#2f5f96")
    case .operation: return ("#ffffff", "#333333")
    }
  }

  /// The colour of local derivatives (edge labels) and adjoints (∂ℓ/∂… cells).
  static let derivativeColour = "#9a3d00"
  private static let legendHeight = 30.0

  /// The SVG element.
  public func svg() -> String {
    let layout = picture.layout
    let width = Self.format(max(layout.size.width, legendSize.width + 24))
    let height = Self.format(layout.size.height + legendSize.height)
    let arrow = "\(idPrefix)-arrow"
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
      viewBox="0 0 \(width) \(height)" font-family="sans-serif" role="img">
      <title>\(TextMetrics.escapedXML(title))</title>
      <defs><marker id="\(arrow)" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" \
      orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>
      <rect width="100%" height="100%" fill="#ffffff"/>

      """
    out += "<g fill=\"none\" stroke=\"#555555\" stroke-width=\"1.3\">\n"
    for route in layout.routes where route.count >= 2 {
      let points = route.map { "\(Self.format($0.x)),\(Self.format($0.y))" }
      out += "<path d=\"M\(points.joined(separator: " L"))\" marker-end=\"url(#\(arrow))\"/>\n"
    }
    out += "</g>\n"
    out += edgeLabels()
    for index in picture.graph.nodes.indices {
      out += node(index)
    }
    out += legend(top: layout.size.height)
    out += "</svg>\n"
    return out
  }

  private func edgeLabels() -> String {
    let style = picture.style
    var out = "<g font-size=\"\(Self.format(style.labelSize))\" fill=\"\(Self.derivativeColour)\">\n"
    for (label, frame) in zip(picture.edgeLabels, picture.layout.labelFrames) {
      guard let label, let frame else { continue }
      out +=
        "<rect x=\"\(Self.format(frame.x))\" y=\"\(Self.format(frame.y))\" width=\"\(Self.format(frame.width))\" "
        + "height=\"\(Self.format(frame.height))\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/>\n"
      out += text(label, at: frame.center, size: style.labelSize)
    }
    return out + "</g>\n"
  }

  private func node(_ index: Int) -> String {
    let layout = picture.layout
    let style = picture.style
    let node = picture.graph.nodes[index]
    let text = picture.texts[index]
    let frame = GraphLayout.Rect(center: layout.centers[index], size: layout.sizes[index])
    let (fill, stroke) = Self.colours(node)
    let strokeWidth = node.isResult ? "2" : "1.2"
    var out = "<g>\n"
    if node.kind == .operation {
      out +=
        "<ellipse cx=\"\(Self.format(frame.center.x))\" cy=\"\(Self.format(frame.center.y))\" "
        + "rx=\"\(Self.format(frame.width / 2))\" ry=\"\(Self.format(frame.height / 2))\" fill=\"\(fill)\" "
        + "stroke=\"\(stroke)\" stroke-width=\"\(strokeWidth)\"/>\n"
      out += self.text(text.title ?? "", at: frame.center, size: style.operationSize)
      return out + "</g>\n"
    }
    out +=
      "<rect x=\"\(Self.format(frame.x))\" y=\"\(Self.format(frame.y))\" width=\"\(Self.format(frame.width))\" "
      + "height=\"\(Self.format(frame.height))\" rx=\"4\" fill=\"\(fill)\" stroke=\"\(stroke)\" "
      + "stroke-width=\"\(strokeWidth)\"/>\n"
    var cellTop = frame.y
    if let name = text.name {
      // The title row: the step's name in bold, then ` = expression`.
      let y = frame.y + style.titleRowHeight / 2 + style.titleSize * 0.35
      out +=
        "<text x=\"\(Self.format(frame.center.x))\" y=\"\(Self.format(y))\" font-size=\"\(Self.format(style.titleSize))\" "
        + "text-anchor=\"middle\" fill=\"#111111\"><tspan font-weight=\"bold\">\(TextMetrics.escapedXML(name))</tspan>"
        + "\(TextMetrics.escapedXML(text.title ?? ""))</text>\n"
      cellTop += style.titleRowHeight
      if !text.cells.isEmpty {
        out += line(frame.x, cellTop, frame.maxX, cellTop, stroke)
      }
    }
    guard !text.cells.isEmpty else { return out + "</g>\n" }
    // The cells share the width in proportion to their text, the rest spread evenly.
    let widths = GraphPicture.cellWidths(text, style: style)
    let extra = (frame.width - widths.reduce(0, +)) / Double(widths.count)
    let rowCentre = (cellTop + frame.maxY) / 2
    var x = frame.x
    for (i, cell) in text.cells.enumerated() {
      let cellWidth = widths[i] + extra
      if i > 0 { out += line(x, cellTop, x, frame.maxY, stroke) }
      let isAdjoint = node.adjoint != nil && i == text.cells.count - 1
      let isName = text.title == nil && text.cells.count == 1 && !cell.contains("=")
      out += self.text(
        cell, at: GraphLayout.Point(x: x + cellWidth / 2, y: rowCentre), size: style.cellSize,
        colour: isAdjoint ? Self.derivativeColour : "#111111", bold: isName)
      x += cellWidth
    }
    return out + "</g>\n"
  }

  /// The legend's entries: a swatch and what it means.
  private var legendEntries: [(fill: String, stroke: String, text: String)] {
    [
      ("#fff3c4", "#a07800", "parameter"), ("#ececec", "#6b6b6b", "data"), ("#dcebff", "#2f5f96", "step"),
      ("#ffffff", "#333333", "operation"),
    ]
  }

  private var legendText: String {
    let result = Notation.unicode.name(picture.graph.resultName)
    return "on each arrow: the local derivative ∂(step)/∂(input);  ∂\(result)/∂(box) = Σ over its arrows "
      + "of label·∂\(result)/∂(step fed)"
  }

  private var swatchesWidth: Double {
    legendEntries.reduce(0.0) { $0 + 26 + TextMetrics.width($1.text, fontSize: 11) + 12 }
  }

  /// Whether the legend takes two lines: when one would be wider than the graph.
  private var legendWraps: Bool {
    swatchesWidth + TextMetrics.width(legendText, fontSize: 11) + 24 > picture.layout.size.width
  }

  private var legendSize: GraphLayout.Size {
    let text = TextMetrics.width(legendText, fontSize: 11)
    return legendWraps
      ? GraphLayout.Size(width: max(swatchesWidth, text), height: 2 * Self.legendHeight - 8)
      : GraphLayout.Size(width: swatchesWidth + text, height: Self.legendHeight)
  }

  private func legend(top: Double) -> String {
    var out = "<g font-size=\"11\" fill=\"#333333\">\n"
    var x = 12.0
    let y = top + 8
    for entry in legendEntries {
      if entry.text == "operation" {
        out +=
          "<circle cx=\"\(Self.format(x + 8))\" cy=\"\(Self.format(y + 7))\" r=\"7\" fill=\"\(entry.fill)\" "
          + "stroke=\"\(entry.stroke)\"/>\n"
      } else {
        out +=
          "<rect x=\"\(Self.format(x))\" y=\"\(Self.format(y))\" width=\"18\" height=\"14\" rx=\"3\" "
          + "fill=\"\(entry.fill)\" stroke=\"\(entry.stroke)\"/>\n"
      }
      out += "<text x=\"\(Self.format(x + 24))\" y=\"\(Self.format(y + 11))\">\(entry.text)</text>\n"
      x += 26 + TextMetrics.width(entry.text, fontSize: 11) + 12
    }
    if legendWraps { x = 12 }
    let textY = legendWraps ? y + 11 + Self.legendHeight - 8 : y + 11
    out +=
      "<text x=\"\(Self.format(x))\" y=\"\(Self.format(textY))\" fill=\"\(Self.derivativeColour)\">"
      + "\(TextMetrics.escapedXML(legendText))</text>\n"
    return out + "</g>\n"
  }

  private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ stroke: String) -> String {
    "<line x1=\"\(Self.format(x1))\" y1=\"\(Self.format(y1))\" x2=\"\(Self.format(x2))\" y2=\"\(Self.format(y2))\" "
      + "stroke=\"\(stroke)\" stroke-width=\"0.8\"/>\n"
  }

  /// Centred text at `point` (the baseline a third of the size below the centre).
  private func text(
    _ string: String, at point: GraphLayout.Point, size: Double, colour: String? = nil, bold: Bool = false
  ) -> String {
    var attributes = "x=\"\(Self.format(point.x))\" y=\"\(Self.format(point.y + size * 0.35))\""
    attributes += " font-size=\"\(Self.format(size))\" text-anchor=\"middle\""
    if let colour { attributes += " fill=\"\(colour)\"" }
    if bold { attributes += " font-weight=\"bold\"" }
    return "<text \(attributes)>\(TextMetrics.escapedXML(string))</text>\n"
  }

  /// A coordinate with at most one decimal.
  static func format(_ value: Double) -> String {
    guard value.isFinite, Swift.abs(value) < 1e12 else { return "0" }
    // Tenths as an integer, written by hand: String(format:) is slow for thousands of numbers.
    let tenths = Int((value * 10).rounded())
    let magnitude = Swift.abs(tenths)
    let sign = tenths < 0 ? "-" : ""
    return magnitude % 10 == 0 ? sign + String(magnitude / 10) : sign + "\(magnitude / 10).\(magnitude % 10)"
  }
}
