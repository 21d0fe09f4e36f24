/// Coordinates: horizontal positions within the fixed order, then layer heights, edge routes
/// and label rows.
extension LayeredGraph {
  /// Where the drawing's parts go, before the shift to the margin.
  struct Geometry {
    var centers: [GraphLayout.Point]
    var routes: [[GraphLayout.Point]]
    var labels: [GraphLayout.Rect?]
  }

  /// Horizontal centres: each vertex is pulled towards the weighted mean of its neighbours,
  /// and each layer then takes the closest positions that keep its order and gaps.
  ///
  /// Passes alternate downwards (towards the neighbours above) and upwards, and end with
  /// passes towards both; only a vertex's heavier segments pull it
  /// (those of at least an eighth of its heaviest). A vertex weighs the cube of the
  /// sum of its segments' weights, so a step with heavy edges stays in line with its neighbours and a
  /// parameter with one light edge moves aside.
  mutating func assignCoordinates(gap: Double) {
    // Cubed, so that a light vertex in the way yields almost entirely instead of nudging the
    // heavy one a little at every layer (which would make a long chain drift sideways).
    let weight = layer.indices.map { v in
      let total = Swift.max(1, up[v].reduce(0.0) { $0 + $1.weight } + down[v].reduce(0.0) { $0 + $1.weight })
      return total * total * total
    }
    for row in order {
      var cursor = 0.0
      for v in row {
        x[v] = cursor + width[v] / 2
        cursor += width[v] + gap
      }
      let shift = (cursor - gap) / 2
      for v in row { x[v] -= shift }
    }
    let passes = 14
    for pass in 0..<passes {
      let towardsBoth = pass >= passes - 4
      let downwards = pass % 2 == 0
      let layers = downwards ? Array(order.indices) : Array(order.indices.reversed())
      for l in layers {
        let row = order[l]
        let desired = row.map { v in pull(on: v, up: towardsBoth || downwards, down: towardsBoth || !downwards) }
        let placed = Self.closestPositions(
          desired: desired, weights: row.map { weight[$0] }, widths: row.map { width[$0] }, gap: gap)
        for (v, position) in zip(row, placed) { x[v] = position }
      }
    }
  }

  /// Where vertex `v`'s neighbours above and/or below pull it: the weighted mean of their
  /// positions, counting only the heavier segments (Sugiyama's priority idea: a step lines up
  /// with the step it continues, and a parameter's light edge does not drag the chain
  /// sideways); its own position if it has none.
  private func pull(on v: Int, up useUp: Bool, down useDown: Bool) -> Double {
    var heaviest = 0.0
    if useUp { for n in up[v] { heaviest = Swift.max(heaviest, n.weight) } }
    if useDown { for n in down[v] { heaviest = Swift.max(heaviest, n.weight) } }
    let threshold = heaviest / 8
    var total = 0.0
    var sum = 0.0
    if useUp {
      for n in up[v] where n.weight >= threshold {
        total += n.weight
        sum += n.weight * x[n.vertex]
      }
    }
    if useDown {
      for n in down[v] where n.weight >= threshold {
        total += n.weight
        sum += n.weight * x[n.vertex]
      }
    }
    return total > 0 ? sum / total : x[v]
  }

  /// The positions x₀ < x₁ < … closest to `desired` (weighted least squares) with
  /// xᵢ₊₁ − xᵢ ≥ (wᵢ + wᵢ₊₁)/2 + gap: isotonic regression by pooling adjacent violators on
  /// yᵢ = xᵢ − cᵢ, where cᵢ is the least offset of vertex i from vertex 0.
  static func closestPositions(desired: [Double], weights: [Double], widths: [Double], gap: Double) -> [Double] {
    guard !desired.isEmpty else { return [] }
    var offsets = [0.0]
    for i in desired.indices.dropFirst() {
      offsets.append(offsets[i - 1] + (widths[i - 1] + widths[i]) / 2 + gap)
    }
    // Blocks of pooled vertices: total weight, weighted sum of targets, count.
    var blocks: [(weight: Double, sum: Double, count: Int)] = []
    for i in desired.indices {
      blocks.append((weights[i], weights[i] * (desired[i] - offsets[i]), 1))
      while blocks.count > 1 {
        let last = blocks[blocks.count - 1]
        let previous = blocks[blocks.count - 2]
        guard previous.sum / previous.weight > last.sum / last.weight else { break }
        blocks.removeLast(2)
        blocks.append((previous.weight + last.weight, previous.sum + last.sum, previous.count + last.count))
      }
    }
    var result: [Double] = []
    for block in blocks {
      let mean = block.sum / block.weight
      for _ in 0..<block.count { result.append(mean + offsets[result.count]) }
    }
    return result
  }

  /// Layer heights, edge routes and label frames. The gap above a layer grows until the labels
  /// of the edges that end in it fit in rows without overlapping.
  func placeLayersAndLabels(
    nodes: [GraphLayout.Node], edges: [GraphLayout.Edge], options: GraphLayout.Options
  ) -> Geometry {
    let layerCount = order.count
    var band = [Double](repeating: 0, count: layerCount)
    for v in 0..<nodeCount { band[layer[v]] = Swift.max(band[layer[v]], nodes[v].size.height) }
    var gaps = [Double](repeating: options.layerGap, count: Swift.max(0, layerCount - 1))
    // The labelled edges by the gap their last segment crosses.
    var labelled = [[Int]](repeating: [], count: gaps.count)
    for (e, edge) in edges.enumerated() where edge.label != nil && chains[e].count >= 2 {
      if let target = chains[e].last, layer[target] > 0 { labelled[layer[target] - 1].append(e) }
    }
    var centresY: [Double] = []
    var frames = [GraphLayout.Rect?](repeating: nil, count: edges.count)
    for _ in 0..<6 {
      centresY = []
      var top = 0.0
      for l in 0..<layerCount {
        centresY.append(top + band[l] / 2)
        top += band[l] + (l < gaps.count ? gaps[l] : 0)
      }
      var stable = true
      for g in gaps.indices where !labelled[g].isEmpty {
        let (placed, needed) = placeLabels(
          labelled[g], gap: g, edges: edges, nodes: nodes, centresY: centresY, band: band, gapHeight: gaps[g])
        for (e, frame) in placed { frames[e] = frame }
        let height = Swift.max(options.layerGap, needed)
        if height > gaps[g] + 0.5 {
          gaps[g] = height
          stable = false
        }
      }
      if stable { break }
    }
    let centers = (0..<nodeCount).map { GraphLayout.Point(x: x[$0], y: centresY[layer[$0]]) }
    var routes: [[GraphLayout.Point]] = []
    for chain in chains {
      guard let first = chain.first, let last = chain.last, chain.count >= 2 else {
        routes.append([])
        continue
      }
      var points = [GraphLayout.Point(x: x[first], y: centresY[layer[first]] + nodes[first].size.height / 2)]
      for bend in chain.dropFirst().dropLast() {
        points.append(GraphLayout.Point(x: x[bend], y: centresY[layer[bend]]))
      }
      points.append(port(of: last, from: points[points.count - 1], nodes: nodes, centresY: centresY))
      routes.append(points)
    }
    return Geometry(centers: centers, routes: routes, labels: frames)
  }

  /// Labels of the edges `labelled` in gap `g`, greedily left to right in rows from the top
  /// of the gap (where the edges are furthest apart), each centred on its edge; and the gap
  /// height those rows need.
  private func placeLabels(
    _ labelled: [Int], gap g: Int, edges: [GraphLayout.Edge], nodes: [GraphLayout.Node],
    centresY: [Double], band: [Double], gapHeight: Double
  ) -> (frames: [(Int, GraphLayout.Rect)], needed: Double) {
    let padding = 3.0
    let rowHeight = (labelled.compactMap { edges[$0].label?.height }.max() ?? 0) + 2
    let gapTop = centresY[g] + band[g] / 2
    // Each label's segment: from its edge's last vertex in layer g to its target's outline.
    let segments = labelled.map { e -> (GraphLayout.Point, GraphLayout.Point) in
      let chain = chains[e]
      let source = chain[chain.count - 2]
      let start =
        source < nodeCount
        ? GraphLayout.Point(x: x[source], y: centresY[g] + nodes[source].size.height / 2)
        : GraphLayout.Point(x: x[source], y: centresY[g])
      return (start, port(of: chain[chain.count - 1], from: start, nodes: nodes, centresY: centresY))
    }
    func centre(_ i: Int, row: Int) -> GraphLayout.Point {
      let y = gapTop + padding + rowHeight * (Double(row) + 0.5)
      let (p, q) = segments[i]
      let t = q.y > p.y ? Swift.min(1, Swift.max(0, (y - p.y) / (q.y - p.y))) : 0.5
      return GraphLayout.Point(x: p.x + (q.x - p.x) * t, y: y)
    }
    var rows: [[GraphLayout.Rect]] = []
    var placed: [(Int, GraphLayout.Rect)] = []
    let byPosition = labelled.indices.sorted { centre($0, row: 0).x < centre($1, row: 0).x }
    for i in byPosition {
      guard let size = edges[labelled[i]].label else { continue }
      var row = 0
      while true {
        let frame = GraphLayout.Rect(center: centre(i, row: row), size: size)
        let spaced = GraphLayout.Rect(x: frame.x - 3, y: frame.y, width: frame.width + 6, height: frame.height)
        if row == rows.count { rows.append([]) }
        if !rows[row].contains(where: { $0.intersects(spaced) }) {
          rows[row].append(spaced)
          placed.append((labelled[i], frame))
          break
        }
        row += 1
      }
    }
    // Room below the last row for the arrowheads.
    return (placed, 2 * padding + rowHeight * Double(rows.count) + 10)
  }

  /// Where a segment coming from `point` meets the outline of vertex `v` (its centre for a bend).
  private func port(
    of v: Int, from point: GraphLayout.Point, nodes: [GraphLayout.Node], centresY: [Double]
  ) -> GraphLayout.Point {
    let centre = GraphLayout.Point(x: x[v], y: centresY[layer[v]])
    guard v < nodeCount else { return centre }
    let a = nodes[v].size.width / 2
    let b = nodes[v].size.height / 2
    let dx = point.x - centre.x
    let dy = point.y - centre.y
    guard a > 0, b > 0, dx != 0 || dy != 0 else { return centre }
    let t: Double
    switch nodes[v].shape {
    case .box:
      t = Swift.min(dx == 0 ? .infinity : a / Swift.abs(dx), dy == 0 ? .infinity : b / Swift.abs(dy))
    case .ellipse:
      t = 1 / ((dx / a) * (dx / a) + (dy / b) * (dy / b)).squareRoot()
    }
    return GraphLayout.Point(x: centre.x + dx * t, y: centre.y + dy * t)
  }
}
