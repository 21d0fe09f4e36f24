import ChainRule
import Foundation

/// Item 3: the toy model's gradient summed over a million data points, three ways.
struct GradientBenchmark {
  var points = 0
  /// Seconds per evaluation (forward + backward at one data point).
  var tape = 0.0
  /// Through ``BatchedTape``: eight points per pass, SIMD across them.
  var batched = 0.0
  var handWritten = 0.0
  var compiledAutodiff = 0.0
  /// The largest relative difference between the three summed gradients.
  var disagreement = 0.0

  /// Seeded data: x uniform in [−2, 2], y = 0.5·sin(x) + 0.1·noise.
  static func data(count: Int) -> (x: [Double], y: [Double]) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) * 0x1.0p-53
    }
    var xs: [Double] = []
    var ys: [Double] = []
    xs.reserveCapacity(count)
    ys.reserveCapacity(count)
    for _ in 0..<count {
      let x = 4 * uniform() - 2
      xs.append(x)
      ys.append(0.5 * Foundation.sin(x) + 0.1 * (uniform() - 0.5))
    }
    return (xs, ys)
  }

  /// Σᵢ ∇θ ℓ(θ; xᵢ, yᵢ) through the library's tape.
  static func throughTape(_ xs: [Double], _ ys: [Double]) -> [Double] {
    guard let formula = try? Formula(parsing: ToyModel.ascii) else { return [] }
    var tape = Tape(graph: formula.graph, root: formula.root)
    let names = tape.variables
    var inputs = [Double](repeating: 0, count: names.count)
    var parameterSlots: [Int] = []
    for (name, value) in zip(ToyModel.parameters, ToyModel.theta) {
      guard let slot = names.firstIndex(of: name) else { return [] }
      inputs[slot] = value
      parameterSlots.append(slot)
    }
    guard let xSlot = names.firstIndex(of: "x"), let ySlot = names.firstIndex(of: "y") else { return [] }
    var total = [Double](repeating: 0, count: parameterSlots.count)
    for i in xs.indices {
      inputs[xSlot] = xs[i]
      inputs[ySlot] = ys[i]
      tape.forward(inputs: inputs)
      tape.backward()
      for (k, slot) in parameterSlots.enumerated() { total[k] += tape.adjoint(ofVariableAt: slot) }
    }
    return total
  }

  /// Σᵢ ∇θ ℓ(θ; xᵢ, yᵢ) through the batched tape: x and y as columns, the parameters shared.
  static func throughBatchedTape(_ xs: [Double], _ ys: [Double]) -> [Double] {
    guard let formula = try? Formula(parsing: ToyModel.ascii) else { return [] }
    var batched = BatchedTape(Tape(graph: formula.graph, root: formula.root))
    let theta = Dictionary(uniqueKeysWithValues: zip(ToyModel.parameters, ToyModel.theta))
    var columns: [[Double]] = []
    for name in batched.variables {
      switch name {
      case "x": columns.append(xs)
      case "y": columns.append(ys)
      default:
        guard let value = theta[name] else { return [] }
        columns.append([value])
      }
    }
    var gradient = [Double](repeating: 0, count: columns.count)
    _ = batched.accumulate(columns: columns, count: xs.count, gradient: &gradient)
    return ToyModel.parameters.compactMap { name in batched.variables.firstIndex(of: name).map { gradient[$0] } }
  }

  /// Σᵢ ∇θ ℓ(θ; xᵢ, yᵢ), forward and backward pass written out by hand.
  static func handWritten(_ xs: [Double], _ ys: [Double]) -> [Double] {
    let t = ToyModel.theta
    let (b0, w0, b1, w1, b2, w2, b3, w3) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7])
    var g = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    for i in xs.indices {
      let x = xs[i]
      let y = ys[i]
      let f0 = b0 + w0 * x
      let h1 = Foundation.sin(f0)
      let f1 = b1 + w1 * h1
      let h2 = Foundation.exp(f1)
      let f2 = b2 + w2 * h2
      let h3 = Foundation.cos(f2)
      let f3 = b3 + w3 * h3
      let df3 = 2 * (f3 - y)
      let df2 = -Foundation.sin(f2) * w3 * df3
      let df1 = h2 * w2 * df2
      let df0 = Foundation.cos(f0) * w1 * df1
      g.0 += df0
      g.1 += df0 * x
      g.2 += df1
      g.3 += df1 * h1
      g.4 += df2
      g.5 += df2 * h2
      g.6 += df3
      g.7 += df3 * h3
    }
    return [g.0, g.1, g.2, g.3, g.4, g.5, g.6, g.7]
  }

  static func measure(points: Int, _ budget: Budget) -> GradientBenchmark {
    var result = GradientBenchmark(points: points)
    let (xs, ys) = data(count: points)
    let few = Budget(warmUp: 0, samples: max(3, budget.samples / 3), sampleTime: 0)
    let perPoint = 1 / Double(points)
    result.tape = medianTime(few) { throughTape(xs, ys) } * perPoint
    result.batched = medianTime(few) { throughBatchedTape(xs, ys) } * perPoint
    result.handWritten = medianTime(few) { handWritten(xs, ys) } * perPoint
    result.compiledAutodiff = medianTime(few) { CompiledAutodiff.gradient(xs, ys) } * perPoint

    let tape = throughTape(xs, ys)
    let hand = handWritten(xs, ys)
    let compiled = CompiledAutodiff.gradient(xs, ys)
    let batched = throughBatchedTape(xs, ys)
    for k in hand.indices {
      let scale = max(abs(hand[k]), 1e-300)
      let a = k < tape.count ? tape[k] : .nan
      let b = k < compiled.count ? compiled[k] : .nan
      let c = k < batched.count ? batched[k] : .nan
      result.disagreement = max(
        result.disagreement, abs(a - hand[k]) / scale, abs(b - hand[k]) / scale, abs(c - hand[k]) / scale)
    }
    return result
  }
}
