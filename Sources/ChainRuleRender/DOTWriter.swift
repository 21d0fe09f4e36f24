import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Writes a ``ComputationGraph`` in Graphviz's DOT language, for `dot -Tsvg` or `-Tpdf`.
///
/// Values are `record` nodes, a step's title above its `value | ∂ℓ/∂…` cells (micrograd's
/// `draw_dot` shape); operations are circles; edges into operations carry the local derivative.
/// Graphviz does its own layout: this writer only says what is connected to what.
///
/// ```swift
/// DOTWriter(picture: GraphPicture(graph: graph)).dot()   // "digraph computation { … }"
/// ```
public struct DOTWriter {
  /// The texts of the nodes and edges (the layout is not used).
  public var picture: GraphPicture

  public init(picture: GraphPicture) {
    self.picture = picture
  }

  /// The DOT text.
  public func dot() -> String {
    let graph = picture.graph
    var out = "digraph computation {\n"
    out += "  graph [rankdir=TB, nodesep=0.3, ranksep=0.3, fontname=\"sans-serif\"];\n"
    out += "  node [fontname=\"sans-serif\", fontsize=11, style=\"filled\"];\n"
    out += "  edge [fontname=\"sans-serif\", fontsize=9, color=\"#555555\", "
    out += "fontcolor=\"\(SVGGraphWriter.derivativeColour)\"];\n"
    for (index, node) in graph.nodes.enumerated() {
      let text = picture.texts[index]
      let (fill, stroke) = SVGGraphWriter.colours(node)
      var attributes: [String]
      if node.kind == .operation {
        attributes = ["shape=circle", "label=" + Self.quoted(text.title ?? "")]
      } else {
        let cells = text.cells.map(Self.recordField).joined(separator: "|")
        var label = cells
        if let name = text.name {
          let title = Self.recordField(name + (text.title ?? ""))
          label = text.cells.isEmpty ? title : "{\(title)|{\(cells)}}"
        } else if text.cells.count > 1 {
          label = "{{\(cells)}}"
        }
        attributes = ["shape=record", "style=\"rounded,filled\"", "label=" + Self.quoted(label)]
      }
      attributes += ["fillcolor=\"\(fill)\"", "color=\"\(stroke)\""]
      if node.isResult { attributes.append("penwidth=2") }
      out += "  n\(index) [\(attributes.joined(separator: ", "))];\n"
    }
    for (edge, label) in zip(graph.edges, picture.edgeLabels) {
      out += "  n\(edge.from) -> n\(edge.to)"
      if let label { out += " [label=\(Self.quoted(" " + label + " "))]" }
      out += ";\n"
    }
    out += "}\n"
    return out
  }

  /// A DOT string literal: quotes escaped, line breaks as `\n` (DOT passes every other
  /// backslash through to the label, where record fields use it).
  static func quoted(_ text: String) -> String {
    var out = "\""
    for character in text {
      switch character {
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out + "\""
  }

  /// Text for one field of a record label: the characters that structure records escaped.
  static func recordField(_ text: String) -> String {
    var out = ""
    for character in text {
      if "{}|<>\\".contains(character) { out += "\\" }
      out.append(character)
    }
    return out
  }
}
