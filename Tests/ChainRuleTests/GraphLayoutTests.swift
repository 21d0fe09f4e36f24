import ChainRule
import Foundation
import Testing

@testable import ChainRuleRender

/// The computation graph's layout, checked as geometry: nothing overlaps, every edge runs
/// downwards, and the pictures the tutorial shows have no crossings that could be avoided.
@Suite struct GraphLayoutTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples")

  static let toyPoint: [String: Double] = [
    "beta0": 1, "beta1": 2, "beta2": -3, "beta3": 0.4, "omega0": 0.1, "omega1": -0.4, "omega2": 2, "omega3": 3,
    "x": 2.3, "y": 2,
  ]

  /// `f0 = w1*x; f1 = w2*f0; …; l = (f{n-1} − y)²`: a chain of `layers` products.
  static func chain(_ layers: Int) -> String {
    var lines = ["f0 = w1*x"]
    for k in 1..<layers { lines.append("f\(k) = w\(k + 1)*f\(k - 1)") }
    lines.append("l = (f\(layers - 1) - y)^2")
    return lines.joined(separator: "\n")
  }

  static func source(_ name: String) throws -> String {
    try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
  }

  /// The computation graph of `source`, with a trace at `point` if one is given.
  static func graph(
    _ source: String, point: [String: Double]? = nil, granularity: StepGranularity = .textbook
  ) throws -> ComputationGraph {
    let formula = try Formula(parsing: source)
    let data = Trace.defaultDataNames(among: formula.variables)
    let program = ForwardProgram(formula: formula, dataNames: data, granularity: granularity)
    let parameters = program.parameters(excluding: data)
    let trace = try point.map { point in
      try Trace(program: program, parameters: parameters, point: point)
    }
    return ComputationGraph(program: program, parameters: parameters, trace: trace)
  }

  /// The pictures checked for overlaps and direction.
  static func pictures() throws -> [(String, GraphPicture)] {
    let sigmoidPoint: [String: Double] = [
      "i1": 0.05, "i2": 0.1, "w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3, "w5": 0.4, "w6": 0.45, "w7": 0.5,
      "w8": 0.55, "b1": 0.35, "b2": 0.6, "t1": 0.01, "t2": 0.99,
    ]
    return [
      ("toy", GraphPicture(graph: try graph(source("toy-model.chain"), point: toyPoint))),
      ("toy, no point", GraphPicture(graph: try graph(source("toy-model.chain")))),
      ("toy, primitive", GraphPicture(graph: try graph(source("toy-model.chain"), granularity: .primitive))),
      ("sigmoid", GraphPicture(graph: try graph(source("sigmoid-network.chain"), point: sigmoidPoint))),
      ("shared use", GraphPicture(graph: try graph(source("shared-use.chain")))),
      ("softmax", GraphPicture(graph: try graph(source("softmax-cross-entropy.chain")))),
      ("relu network", GraphPicture(graph: try graph(source("relu-network.chain")))),
      ("chain of 20", GraphPicture(graph: try graph(chain(20)))),
    ]
  }

  @Test func noNodeOrLabelOverlapsAnother() throws {
    for (name, picture) in try Self.pictures() {
      let layout = picture.layout
      let boxes = zip(layout.centers, layout.sizes).map { GraphLayout.Rect(center: $0, size: $1) }
      for i in boxes.indices {
        for j in boxes.indices where j > i {
          #expect(!boxes[i].intersects(boxes[j]), "\(name): nodes \(i) and \(j) overlap")
        }
      }
      let labels = layout.labelFrames.compactMap { $0 }
      #expect(labels.count == picture.graph.edges.filter { $0.local != nil }.count, "\(name): every label placed")
      for (i, label) in labels.enumerated() {
        #expect(!boxes.contains { $0.intersects(label) }, "\(name): label \(i) covers a node")
        for other in labels.dropFirst(i + 1) {
          #expect(!label.intersects(other), "\(name): two labels overlap")
        }
      }
      // Everything lies inside the drawing.
      for rect in boxes + labels {
        #expect(rect.x >= 0 && rect.y >= 0 && rect.maxX <= layout.size.width && rect.maxY <= layout.size.height)
      }
    }
  }

  @Test func everyEdgeRunsForwardFromItsSourceToItsTarget() throws {
    for (name, picture) in try Self.pictures() {
      let layout = picture.layout
      for (edge, route) in zip(picture.graph.edges, layout.routes) {
        #expect(layout.layers[edge.to] > layout.layers[edge.from], "\(name): edge \(edge.from)→\(edge.to)")
        #expect(route.count == layout.layers[edge.to] - layout.layers[edge.from] + 1, "\(name): one bend per layer")
        for (a, b) in zip(route, route.dropFirst()) {
          #expect(b.y > a.y, "\(name): edge \(edge.from)→\(edge.to) goes up")
        }
        // It leaves its source's bottom and ends on its target's outline.
        let source = GraphLayout.Rect(center: layout.centers[edge.from], size: layout.sizes[edge.from])
        let target = GraphLayout.Rect(center: layout.centers[edge.to], size: layout.sizes[edge.to])
        if let first = route.first, let last = route.last {
          #expect(abs(first.y - source.maxY) < 0.01 && abs(first.x - source.center.x) < 0.01)
          #expect(last.y >= target.y - 0.01 && last.y <= target.center.y && last.x >= target.x - 0.01)
          #expect(last.x <= target.maxX + 0.01)
        }
      }
    }
  }

  /// Pairs of route segments that cross (sharing an end point does not count).
  static func geometricCrossings(_ layout: GraphLayout) -> Int {
    typealias Point = GraphLayout.Point
    var segments: [(Point, Point)] = []
    for route in layout.routes {
      for (a, b) in zip(route, route.dropFirst()) { segments.append((a, b)) }
    }
    func orientation(_ p: Point, _ q: Point, _ r: Point) -> Double {
      (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    }
    func near(_ p: Point, _ q: Point) -> Bool { abs(p.x - q.x) < 0.01 && abs(p.y - q.y) < 0.01 }
    var count = 0
    for i in segments.indices {
      for j in segments.indices where j > i {
        let (a, b) = segments[i]
        let (c, d) = segments[j]
        if near(a, c) || near(a, d) || near(b, c) || near(b, d) { continue }
        let d1 = orientation(c, d, a)
        let d2 = orientation(c, d, b)
        let d3 = orientation(a, b, c)
        let d4 = orientation(a, b, d)
        if d1 * d2 < 0 && d3 * d4 < 0 { count += 1 }
      }
    }
    return count
  }

  @Test func theToyModelAndChainsHaveNoCrossings() throws {
    for graph in [
      try Self.graph(Self.source("toy-model.chain"), point: Self.toyPoint),
      try Self.graph(Self.source("toy-model.chain"), granularity: .primitive),
      try Self.graph(Self.source("deep-chain.chain")),
      try Self.graph(Self.chain(20)),
    ] {
      let layout = GraphPicture(graph: graph).layout
      #expect(layout.crossings == 0)
      #expect(Self.geometricCrossings(layout) == 0)
    }
  }

  /// Each hidden layer's two sums read the same three values (i₁, i₂, b₁, then out_h₁, out_h₂,
  /// b₂), and two fans that share three inputs cross at least three times: one crossing per pair
  /// of shared inputs. So 3 + 3 is the least a drawing of this network can have.
  @Test func theSigmoidNetworkHasOnlyItsUnavoidableCrossings() throws {
    let layout = GraphPicture(graph: try Self.graph(Self.source("sigmoid-network.chain"))).layout
    #expect(layout.crossings <= 6)
    #expect(Self.geometricCrossings(layout) <= 6)
  }

  @Test func aChainStaysInOneColumnWithItsParametersBeside() throws {
    let graph = try Self.graph(Self.chain(20))
    let layout = GraphPicture(graph: graph).layout
    let steps = graph.nodes.indices.filter { graph.nodes[$0].kind == .step }
    let xs = steps.map { layout.centers[$0].x }
    #expect((xs.max() ?? 0) - (xs.min() ?? 0) < 2, "the chain drifts sideways: \(xs)")
    // Two vertices per layer at most: the chain and the parameter entering it.
    #expect(layout.order.allSatisfy { $0.count <= 2 })
    #expect(layout.size.width < 400)
  }

  /// A parameter sits in the layer just above the operation it enters, not at the top.
  @Test func inputsSitJustAboveTheirFirstConsumer() throws {
    let graph = try Self.graph(Self.source("toy-model.chain"))
    let layout = GraphPicture(graph: graph).layout
    for edge in graph.edges where [.parameter, .data].contains(graph.nodes[edge.from].kind) {
      let consumers = graph.edges.filter { $0.from == edge.from }.map { layout.layers[$0.to] }
      #expect(layout.layers[edge.from] == (consumers.min() ?? 0) - 1, "\(graph.nodes[edge.from].name)")
    }
  }

  /// A long edge becomes a chain of bend points, one per layer it crosses.
  @Test func aLongEdgeBendsOncePerLayer() throws {
    // w enters u at the top and q three steps later.
    let graph = try Self.graph(Self.source("shared-use.chain"))
    let layout = GraphPicture(graph: graph).layout
    let bends = layout.order.joined().filter {
      if case .bend = $0 { return true }
      return false
    }
    #expect(!bends.isEmpty)
    for (edge, route) in zip(graph.edges, layout.routes) {
      #expect(route.count - 2 == layout.layers[edge.to] - layout.layers[edge.from] - 1)
    }
  }

  /// Crossings counted pair by pair from the layers' orders: two segments between the same
  /// two layers cross when their ends are in opposite orders (sharing an end does not count).
  static func orderCrossings(_ layout: GraphLayout, edges: [GraphLayout.Edge]) -> Int {
    var position: [GraphLayout.Vertex: Int] = [:]
    for row in layout.order {
      for (i, vertex) in row.enumerated() { position[vertex] = i }
    }
    var segments: [(layer: Int, top: Int, bottom: Int)] = []
    for (index, edge) in edges.enumerated() {
      let span = layout.layers[edge.to] - layout.layers[edge.from]
      guard span > 0 else { continue }
      let chain =
        [GraphLayout.Vertex.node(edge.from)] + (0..<(span - 1)).map { .bend(edge: index, index: $0) }
        + [.node(edge.to)]
      for (k, (a, b)) in zip(chain, chain.dropFirst()).enumerated() {
        segments.append((layout.layers[edge.from] + k, position[a] ?? -1, position[b] ?? -1))
      }
    }
    var count = 0
    for i in segments.indices {
      for j in segments.indices where j > i && segments[i].layer == segments[j].layer {
        let (a, b) = (segments[i], segments[j])
        if (a.top < b.top && a.bottom > b.bottom) || (a.top > b.top && a.bottom < b.bottom) { count += 1 }
      }
    }
    return count
  }

  /// On random graphs, the layout's crossing count (by merge sort) is the pairwise count, the
  /// drawing has no more crossings than that (a long edge's bend can pass beside a node's end
  /// instead of crossing its edge), and nothing overlaps.
  @Test(arguments: 0..<20)
  func crossingsCountedAreCrossingsDrawn(seed: UInt64) {
    var random = SplitMix64(seed: seed)
    let count = 8 + Int(random.next() % 20)
    let nodes = (0..<count).map { _ in GraphLayout.Node(size: .init(width: 30, height: 20)) }
    var edges: [GraphLayout.Edge] = []
    for to in 1..<count {
      for _ in 0..<(1 + Int(random.next() % 3)) {
        let from = Int(random.next() % UInt64(to))
        if !edges.contains(where: { $0.from == from && $0.to == to }) { edges.append(.init(from: from, to: to)) }
      }
    }
    let layout = GraphLayout(nodes: nodes, edges: edges)
    #expect(layout.crossings == Self.orderCrossings(layout, edges: edges), "seed \(seed)")
    #expect(Self.geometricCrossings(layout) <= layout.crossings, "seed \(seed)")
    let boxes = zip(layout.centers, layout.sizes).map { GraphLayout.Rect(center: $0, size: $1) }
    for i in boxes.indices {
      for j in boxes.indices where j > i { #expect(!boxes[i].intersects(boxes[j]), "seed \(seed)") }
    }
  }

  @Test func closestPositionsKeepOrderAndGapsAndMoveAsLittleAsPossible() {
    // Free vertices go where they want.
    #expect(
      LayeredGraph.closestPositions(desired: [0, 100], weights: [1, 1], widths: [10, 10], gap: 10) == [0, 100])
    // Two that want the same place share the difference equally (20 apart: 10/2 + 10/2 + 10).
    #expect(
      LayeredGraph.closestPositions(desired: [50, 50], weights: [1, 1], widths: [10, 10], gap: 10) == [40, 60])
    // A heavy vertex stays; the light one yields.
    let placed = LayeredGraph.closestPositions(desired: [50, 50], weights: [1, 1_000], widths: [10, 10], gap: 10)
    #expect(abs(placed[1] - 50) < 0.1 && abs(placed[0] - 30) < 0.1)
    // Out of order: pooled.
    #expect(LayeredGraph.closestPositions(desired: [60, 0], weights: [1, 1], widths: [0, 0], gap: 10) == [25, 35])
  }

  /// Reading the picture as the backward pass does: a value's adjoint is the sum, over its
  /// outgoing edges, of the edge's local derivative times the adjoint of the step it feeds.
  @Test func theEdgeLabelsGiveEveryAdjoint() throws {
    let graph = try Self.graph(Self.source("shared-use.chain"), point: ["w": 0.5, "b": -0.2, "x": 1.5, "y": 0.3])
    var checked = 0
    for (index, node) in graph.nodes.enumerated() where node.kind != .operation && !node.isResult {
      guard let adjoint = node.adjoint else {
        #expect(node.kind == .data)
        continue
      }
      var sum = 0.0
      for edge in graph.edges where edge.from == index {
        let step = try #require(graph.edges.first { $0.from == edge.to }?.to)
        sum += try #require(edge.localValue) * (graph.nodes[step].adjoint ?? .nan)
      }
      #expect(isClose(sum, adjoint, relative: 1e-12), "\(node.name): \(sum) vs \(adjoint)")
      checked += 1
    }
    // u, h, p, q, f₀ = p + q and the parameters w and b.
    #expect(checked == 7)
    // h feeds p and q, and w enters u and q: each is one node with two edges out.
    for name in ["h", "w"] {
      let index = try #require(graph.nodes.firstIndex { $0.name == name && $0.kind != .operation })
      #expect(graph.edges.filter { $0.from == index }.count == 2)
    }
  }

  @Test func theAdjointsAreTheTrace() throws {
    let formula = try Formula(parsing: Self.source("toy-model.chain"))
    let data: Set<String> = ["x", "y"]
    let program = ForwardProgram(formula: formula, dataNames: data)
    let parameters = program.parameters(excluding: data)
    let trace = try Trace(
      program: program, parameters: parameters, point: Self.toyPoint)
    let graph = ComputationGraph(program: program, parameters: parameters, trace: trace)
    for adjoint in trace.backward + trace.parameterAdjoints {
      let node = try #require(graph.nodes.first { $0.name == adjoint.target && $0.kind != .operation })
      #expect(node.adjoint == adjoint.value)
    }
    for step in trace.forward {
      #expect(graph.nodes.first { $0.name == step.step.name && $0.kind == .step }?.value == step.value)
    }
    // The edge into sin's circle carries ∂h₁/∂f₀ = cos(f₀).
    let printer = ExpressionPrinter(graph: graph.expressions, notation: .plain)
    let f0 = try #require(graph.nodes.firstIndex { $0.name == "f0" && $0.kind == .step })
    let edge = try #require(graph.edges.first { $0.from == f0 })
    #expect(edge.local.map(printer.string) == "cos(f0)")
    #expect(graph.nodes[edge.to].operation == .function(.sin))
  }

  @Test(arguments: [
    ("0", "0"), ("1.23", "1.23"), ("-0.4", "−0.4"), ("2.28090062217", "2.281"), ("0.000438567734474", "0.0004386"),
    ("1.5e-7", "1.5e−7"), ("12345678", "1.235e7"),
  ])
  func numbersAreShort(_ value: String, _ text: String) throws {
    #expect(GraphPicture.number(try #require(Double(value)), .unicode) == text)
  }

  @Test func xmlTextIsEscaped() {
    #expect(TextMetrics.escapedXML("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
    #expect(TextMetrics.escapedXML("x\u{01}y") == "xy")
  }
}
