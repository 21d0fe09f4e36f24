/// Crossing reduction: the order of the vertices within each layer.
extension LayeredGraph {
  /// Barycentre sweeps, alternately down and up, each followed by adjacent transpositions;
  /// keeps the order with the fewest crossings and stops when several sweeps bring nothing.
  ///
  /// A vertex's barycentre is the mean position of its neighbours in the fixed layer; a vertex
  /// without neighbours there keeps its position. Sorting is stable, so ties keep the order
  /// they had (at first, the order of the nodes as given).
  mutating func reduceCrossings(maximumSweeps: Int) {
    guard order.count > 1 else { return }
    sweep(downwards: true)
    var best = order
    var fewest = totalCrossings()
    var idle = 0
    var sweepIndex = 0
    while fewest > 0 && sweepIndex < maximumSweeps && idle < 4 {
      sweep(downwards: sweepIndex % 2 == 1)
      transpose()
      sweepIndex += 1
      let count = totalCrossings()
      if count < fewest {
        fewest = count
        best = order
        idle = 0
      } else {
        idle += 1
      }
    }
    order = best
    renumber()
  }

  /// One barycentre pass over every layer, ordering each by its neighbours in the layer before.
  private mutating func sweep(downwards: Bool) {
    let layers = downwards ? Array(order.indices.dropFirst()) : Array(order.indices.dropLast().reversed())
    for l in layers {
      let keyed = order[l].map { v -> (v: Int, key: Double) in
        let neighbours = downwards ? up[v] : down[v]
        guard !neighbours.isEmpty else { return (v, Double(position[v])) }
        let sum = neighbours.reduce(0.0) { $0 + Double(position[$1.vertex]) }
        return (v, sum / Double(neighbours.count))
      }
      // Positions and barycentres share one scale: a vertex with no neighbours keeps its slot.
      let sorted = keyed.enumerated().sorted { a, b in
        a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
      }
      order[l] = sorted.map(\.element.v)
      for (i, v) in order[l].enumerated() { position[v] = i }
    }
  }

  /// Swaps neighbouring vertices of a layer while that removes crossings with the layers above
  /// and below.
  private mutating func transpose() {
    var improved = true
    var rounds = 0
    while improved && rounds < 8 {
      improved = false
      rounds += 1
      for l in order.indices where order[l].count > 1 {
        for i in 0..<(order[l].count - 1) {
          let a = order[l][i]
          let b = order[l][i + 1]
          if pairCrossings(a, b) > pairCrossings(b, a) {
            order[l].swapAt(i, i + 1)
            position[a] = i + 1
            position[b] = i
            improved = true
          }
        }
      }
    }
  }

  /// Crossings between the segments of `left` and `right` (in that order, side by side) and
  /// their neighbours above and below.
  private func pairCrossings(_ left: Int, _ right: Int) -> Int {
    var count = 0
    for neighbours in [(up[left], up[right]), (down[left], down[right])] {
      for a in neighbours.0 {
        for b in neighbours.1 where position[a.vertex] > position[b.vertex] { count += 1 }
      }
    }
    return count
  }

  /// Crossings between every pair of adjacent layers.
  func totalCrossings() -> Int {
    order.indices.dropLast().reduce(0) { $0 + crossings(below: $1) }
  }

  /// Crossings between layer `l` and layer `l + 1`: pairs of segments whose ends are in
  /// opposite orders.
  func crossings(below l: Int) -> Int {
    var segments: [(Int, Int)] = []
    for v in order[l] {
      for n in down[v] { segments.append((position[v], position[n.vertex])) }
    }
    // Sort by the upper end (ties by the lower end), then count the strict inversions of the
    // lower ends by merge sort: O(E log E). Segments sharing an end do not cross.
    segments.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var lower = segments.map(\.1)
    var buffer = lower
    var count = 0
    var width = 1
    while width < lower.count {
      var start = 0
      while start < lower.count {
        let middle = Swift.min(start + width, lower.count)
        let end = Swift.min(start + 2 * width, lower.count)
        var (i, j, k) = (start, middle, start)
        while i < middle && j < end {
          if lower[j] < lower[i] {
            // lower[j] passes every remaining left element that is strictly greater.
            count += middle - i
            buffer[k] = lower[j]
            j += 1
          } else {
            buffer[k] = lower[i]
            i += 1
          }
          k += 1
        }
        while i < middle {
          buffer[k] = lower[i]
          i += 1
          k += 1
        }
        while j < end {
          buffer[k] = lower[j]
          j += 1
          k += 1
        }
        start = end
      }
      swap(&lower, &buffer)
      width *= 2
    }
    return count
  }
}
