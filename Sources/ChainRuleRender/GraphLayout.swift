/// A layered drawing of a directed acyclic graph, top to bottom, computed without Graphviz.
///
/// The four phases of Sugiyama's method:
/// 1. **Layering** by longest path: a node's layer is one more than the largest layer of its
///    predecessors; then every node whose inputs feed nothing else (every source, too) moves
///    down to just above its first consumer, so a parameter that enters late sits beside the
///    step it enters, not at the top.
/// 2. **Dummy nodes**: an edge spanning k > 1 layers becomes a chain through k − 1 bend points,
///    one per layer it crosses, so every segment joins adjacent layers.
/// 3. **Crossing reduction**: barycentre sweeps (each vertex moves to the mean position of its
///    neighbours in the layer above, then below) with adjacent transpositions, keeping the
///    order with the fewest crossings.
/// 4. **Coordinates**: each vertex is pulled towards the weighted mean of its neighbours and each
///    layer is then placed by isotonic regression (the closest positions, by weighted least
///    squares, that keep the order and the minimum gaps); heavy edges come out straight. Edge
///    labels are put in rows in the gap above their target, the gap growing to fit them.
///
/// Nodes must come in topological order: an edge goes from a lower index to a higher one (an
/// edge that does not is left out of the layout and gets an empty route).
///
/// ```swift
/// let layout = GraphLayout(
///   nodes: [.init(size: .init(width: 40, height: 20)), .init(size: .init(width: 40, height: 20))],
///   edges: [.init(from: 0, to: 1)])
/// layout.centers[1].y > layout.centers[0].y   // true
/// ```
public struct GraphLayout: Sendable {
  /// A point, in the drawing's units (y grows downwards).
  public struct Point: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  /// A width and a height.
  public struct Size: Hashable, Sendable {
    public var width: Double
    public var height: Double
    public init(width: Double, height: Double) {
      self.width = width
      self.height = height
    }
  }

  /// An axis-aligned rectangle by its top-left corner and size.
  public struct Rect: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
      self.x = x
      self.y = y
      self.width = width
      self.height = height
    }
    /// The rectangle of `size` centred on `center`.
    public init(center: Point, size: Size) {
      self.init(x: center.x - size.width / 2, y: center.y - size.height / 2, width: size.width, height: size.height)
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }
    /// Whether the two rectangles share interior points (touching edges do not count).
    public func intersects(_ other: Rect) -> Bool {
      x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }
  }

  /// The outline of a node, where its incoming edges end.
  public enum Shape: Sendable {
    case box
    case ellipse
  }

  /// A node to place: its size and shape.
  public struct Node: Sendable {
    public var size: Size
    public var shape: Shape
    public init(size: Size, shape: Shape = .box) {
      self.size = size
      self.shape = shape
    }
  }

  /// An edge: its ends (node indices), how strongly it pulls its ends into line, and the size
  /// of its label, if it has one.
  public struct Edge: Sendable {
    public var from: Int
    public var to: Int
    public var weight: Double
    public var label: Size?
    public init(from: Int, to: Int, weight: Double = 1, label: Size? = nil) {
      self.from = from
      self.to = to
      self.weight = weight
      self.label = label
    }
  }

  /// Spacing.
  public struct Options: Sendable {
    /// The least horizontal gap between two vertices of a layer.
    public var nodeGap: Double = 28
    /// The least vertical gap between two layers.
    public var layerGap: Double = 30
    /// The width a bend point of a long edge takes in its layer.
    public var bendWidth: Double = 12
    /// The space around the drawing.
    public var margin: Double = 12
    /// The most barycentre sweeps tried.
    public var maximumSweeps: Int = 24
    public init() {}
  }

  /// A vertex of a layer: a node, or the k-th bend point of a long edge.
  public enum Vertex: Hashable, Sendable {
    case node(Int)
    case bend(edge: Int, index: Int)
  }

  /// Each node's layer, from 0 at the top.
  public let layers: [Int]
  /// Each node's centre.
  public let centers: [Point]
  /// Each node's size, as given.
  public let sizes: [Size]
  /// Each edge's polyline: where it leaves its source, its bend points, where it meets its
  /// target's outline (empty for an edge left out).
  public let routes: [[Point]]
  /// Each edge's label frame (nil for an edge without a label).
  public let labelFrames: [Rect?]
  /// The size of the whole drawing, margins included.
  public let size: Size
  /// The vertices of each layer, left to right.
  public let order: [[Vertex]]
  /// The number of pairs of segments that cross between adjacent layers.
  public let crossings: Int

  /// Lays out `nodes` (in topological order) joined by `edges`.
  public init(nodes: [Node], edges: [Edge], options: Options = Options()) {
    var graph = LayeredGraph(nodes: nodes, edges: edges, options: options)
    graph.reduceCrossings(maximumSweeps: options.maximumSweeps)
    graph.assignCoordinates(gap: options.nodeGap)
    let geometry = graph.placeLayersAndLabels(nodes: nodes, edges: edges, options: options)
    layers = Array(graph.layer.prefix(nodes.count))
    sizes = nodes.map(\.size)
    order = graph.order.map { $0.map { graph.vertex($0) } }
    crossings = graph.totalCrossings()

    // Shift everything so the drawing starts at the margin.
    var minX = Double.infinity
    var minY = Double.infinity
    var maxX = -Double.infinity
    var maxY = -Double.infinity
    func include(_ rect: Rect) {
      minX = Swift.min(minX, rect.x)
      minY = Swift.min(minY, rect.y)
      maxX = Swift.max(maxX, rect.maxX)
      maxY = Swift.max(maxY, rect.maxY)
    }
    for (center, node) in zip(geometry.centers, nodes) { include(Rect(center: center, size: node.size)) }
    for frame in geometry.labels.compactMap({ $0 }) { include(frame) }
    for point in geometry.routes.joined() { include(Rect(x: point.x, y: point.y, width: 0, height: 0)) }
    if !minX.isFinite {
      (minX, minY, maxX, maxY) = (0, 0, 0, 0)
    }
    let dx = options.margin - minX
    let dy = options.margin - minY
    func moved(_ p: Point) -> Point { Point(x: p.x + dx, y: p.y + dy) }
    centers = geometry.centers.map(moved)
    routes = geometry.routes.map { $0.map(moved) }
    labelFrames = geometry.labels.map { frame in
      frame.map { Rect(x: $0.x + dx, y: $0.y + dy, width: $0.width, height: $0.height) }
    }
    size = Size(width: maxX - minX + 2 * options.margin, height: maxY - minY + 2 * options.margin)
  }
}

/// The working graph of a layout: the nodes and the bend points of long edges as vertices, each
/// in a layer, joined by segments between adjacent layers.
struct LayeredGraph {
  let nodeCount: Int
  /// Each vertex's layer.
  var layer: [Int] = []
  /// Each vertex's width in its layer.
  var width: [Double] = []
  /// For a bend vertex, its edge and index; nil for a node.
  var bendOf: [(edge: Int, index: Int)?] = []
  /// Neighbours in the layer above, with segment weights.
  var up: [[(vertex: Int, weight: Double)]] = []
  /// Neighbours in the layer below, with segment weights.
  var down: [[(vertex: Int, weight: Double)]] = []
  /// Each edge's vertices from source to target (empty for an edge left out).
  var chains: [[Int]] = []
  /// The vertices of each layer, left to right.
  var order: [[Int]] = []
  /// Each vertex's index in its layer's order.
  var position: [Int] = []
  /// Each vertex's horizontal centre.
  var x: [Double] = []

  init(nodes: [GraphLayout.Node], edges: [GraphLayout.Edge], options: GraphLayout.Options) {
    nodeCount = nodes.count
    let valid = edges.map { $0.from >= 0 && $0.from < $0.to && $0.to < nodes.count }

    // Longest-path layering in index order (the nodes are topologically sorted).
    var nodeLayer = [Int](repeating: 0, count: nodes.count)
    var successors = [[Int]](repeating: [], count: nodes.count)
    for (edge, ok) in zip(edges, valid) where ok { successors[edge.from].append(edge.to) }
    for v in nodes.indices {
      for s in successors[v] { nodeLayer[s] = Swift.max(nodeLayer[s], nodeLayer[v] + 1) }
    }
    // A node whose inputs feed nothing else moves down to just above its first consumer, and
    // its inputs follow it (last to first, so a consumer has moved before its inputs): a
    // parameter sits beside the step it enters, and a value computed only for a late step is
    // computed just before it. No edge gets longer: the node's own inputs are private to it.
    var predecessors = [[Int]](repeating: [], count: nodes.count)
    for (edge, ok) in zip(edges, valid) where ok { predecessors[edge.to].append(edge.from) }
    for v in nodes.indices.reversed() where !successors[v].isEmpty {
      guard predecessors[v].allSatisfy({ successors[$0].allSatisfy { $0 == v } }) else { continue }
      nodeLayer[v] = Swift.max(nodeLayer[v], (successors[v].map { nodeLayer[$0] }.min() ?? 1) - 1)
    }

    layer = nodeLayer
    width = nodes.map(\.size.width)
    bendOf = Array(repeating: nil, count: nodes.count)
    up = Array(repeating: [], count: nodes.count)
    down = Array(repeating: [], count: nodes.count)
    for (index, edge) in edges.enumerated() {
      guard valid[index] else {
        chains.append([])
        continue
      }
      var chain = [edge.from]
      let span = nodeLayer[edge.to] - nodeLayer[edge.from]
      for k in 1..<Swift.max(1, span) {
        chain.append(layer.count)
        layer.append(nodeLayer[edge.from] + k)
        width.append(options.bendWidth)
        bendOf.append((index, k - 1))
        up.append([])
        down.append([])
      }
      chain.append(edge.to)
      // Segments of a long edge pull harder, so long edges come out straight.
      let weight = span > 1 ? edge.weight * 2 : edge.weight
      for (a, b) in zip(chain, chain.dropFirst()) {
        down[a].append((b, weight))
        up[b].append((a, weight))
      }
      chains.append(chain)
    }
    let layerCount = (layer.max() ?? -1) + 1
    order = Array(repeating: [], count: layerCount)
    for v in layer.indices { order[layer[v]].append(v) }
    position = Array(repeating: 0, count: layer.count)
    renumber()
    initialOrder()
    x = Array(repeating: 0, count: layer.count)
  }

  /// The public name of vertex `v`.
  func vertex(_ v: Int) -> GraphLayout.Vertex {
    if let bend = bendOf[v] { return .bend(edge: bend.edge, index: bend.index) }
    return .node(v)
  }

  /// The order crossing reduction starts from: the bottom layer by index; above it, each
  /// vertex goes where its first successor is, in the order of that successor's incoming
  /// edges (so the inputs of `β₁ + ω₁·h₁` stand in reading order). Vertices without successors
  /// follow, by index.
  private mutating func initialOrder() {
    for l in order.indices.dropLast().reversed() {
      let keyed = order[l].map { v -> (v: Int, key: (Int, Int)) in
        var best = (Int.max, v)
        for n in down[v] {
          let slot = up[n.vertex].firstIndex { $0.vertex == v } ?? 0
          let key = (position[n.vertex], slot)
          if key < best { best = key }
        }
        return (v, best)
      }
      order[l] = keyed.sorted { $0.key != $1.key ? $0.key < $1.key : $0.v < $1.v }.map(\.v)
      for (i, v) in order[l].enumerated() { position[v] = i }
    }
  }

  /// Recomputes ``position`` from ``order``.
  mutating func renumber() {
    for row in order {
      for (i, v) in row.enumerated() { position[v] = i }
    }
  }
}
