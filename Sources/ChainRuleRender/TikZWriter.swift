import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Draws a ``GraphPicture`` as a TikZ `tikzpicture` for LaTeX notes, at the positions of
/// ChainRule's own layout, with every text in LaTeX math.
///
/// Needs `\usepackage{tikz}` and `\usetikzlibrary{shapes.geometric}` (``preamble``). A pixel of
/// the layout is 0.75 pt, the size the SVG has on screen; TikZ ends each edge at its nodes'
/// outlines. ``figure()`` scales the picture down to the line width when it is wider.
///
/// ```swift
/// let picture = GraphPicture(graph: graph)   // the layout, from the Unicode texts
/// TikZWriter(picture: picture, latex: GraphPicture(graph: graph, notation: .latex)).tikz()
/// ```
public struct TikZWriter {
  /// The picture whose layout is drawn.
  public var picture: GraphPicture
  /// The same graph with LaTeX texts (its layout is not used).
  public var latex: GraphPicture

  public init(picture: GraphPicture, latex: GraphPicture) {
    self.picture = picture
    self.latex = latex
  }

  /// The preamble lines the picture needs.
  public static let preamble = "\\usepackage{tikz}\n\\usetikzlibrary{shapes.geometric}\n"

  /// The `tikzpicture` environment.
  public func tikz() -> String {
    let layout = picture.layout
    var out = """
      \\begin{tikzpicture}[x=0.75pt, y=-0.75pt, >=stealth, font=\\small,
        cr value/.style={draw, rounded corners=2pt, align=center, inner sep=2pt},
        cr parameter/.style={cr value, fill=yellow!18, draw=yellow!45!black},
        cr data/.style={cr value, fill=black!8, draw=black!60},
        cr step/.style={cr value, fill=blue!9, draw=blue!50!black},
        cr result/.style={cr value, fill=red!10, draw=red!60!black, thick},
        cr operation/.style={draw, ellipse, inner sep=1pt},
        cr derivative/.style={font=\\scriptsize, fill=white, fill opacity=0.9, text opacity=1, inner sep=1pt,
          text=orange!40!black}]

      """
    for (index, node) in picture.graph.nodes.enumerated() {
      let centre = layout.centers[index]
      let size = layout.sizes[index]
      let styleName: String
      switch node.kind {
      case .parameter: styleName = "cr parameter"
      case .data: styleName = "cr data"
      case .step: styleName = node.isResult ? "cr result" : "cr step"
      case .operation: styleName = "cr operation"
      }
      var options = [styleName]
      if node.kind == .operation {
        options.append("minimum width=\(Self.points(size.width))pt")
        options.append("minimum height=\(Self.points(size.height))pt")
      } else {
        options.append("minimum width=\(Self.points(size.width))pt")
      }
      out +=
        "\\node[\(options.joined(separator: ", "))] (n\(index)) at (\(Self.number(centre.x)),\(Self.number(centre.y))) "
        + "{\(content(index))};\n"
    }
    for (index, route) in layout.routes.enumerated() where route.count >= 2 {
      let edge = picture.graph.edges[index]
      let bends = route.dropFirst().dropLast().map { "(\(Self.number($0.x)),\(Self.number($0.y)))" }
      let path = (["(n\(edge.from))"] + bends + ["(n\(edge.to))"]).joined(separator: " -- ")
      out += "\\draw[->, black!65] \(path);\n"
    }
    for (index, frame) in layout.labelFrames.enumerated() {
      guard let frame, let label = latex.edgeLabels[index] else { continue }
      out += "\\node[cr derivative] at (\(Self.number(frame.center.x)),\(Self.number(frame.center.y))) {$\(label)$};\n"
    }
    out += "\\end{tikzpicture}\n"
    return out
  }

  /// The picture in a `center` environment, scaled down (never up) to the line width and to
  /// 80 % of the text height (`\resizebox`'s `\width` and `\totalheight` are the natural size).
  public func figure() -> String {
    "\\begin{center}\n"
      + "\\resizebox*{!}{\\ifdim\\totalheight>0.8\\textheight 0.8\\textheight\\else\\totalheight\\fi}{%\n"
      + "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%\n"
      + tikz() + "}}\n\\end{center}\n"
  }

  /// A node's content: the title in math, then the cells in a smaller size.
  private func content(_ index: Int) -> String {
    let text = latex.texts[index]
    let node = picture.graph.nodes[index]
    if node.kind == .operation { return "$\(text.title ?? "")$" }
    let cells = text.cells.map { "$\($0)$" }.joined(separator: " \\enspace\\textbar\\enspace ")
    guard let name = text.name else {
      return text.cells.count == 1 && !text.cells[0].contains("=") ? cells : "{\\scriptsize \(cells)}"
    }
    let title = "$\(name)\(text.title ?? "")$"
    return text.cells.isEmpty ? title : title + "\\\\[1pt]{\\scriptsize \(cells)}"
  }

  /// A length in points for `px` pixels.
  private static func points(_ px: Double) -> String { number(px * 0.75) }

  /// A coordinate with at most one decimal.
  static func number(_ value: Double) -> String { SVGGraphWriter.format(value) }
}
