import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop

/// The batched tape computes what the scalar tape computes, eight points at a time.
@Suite struct BatchedTapeTests {
  /// Seeded values in `range`.
  static func values(_ count: Int, seed: UInt64, in range: ClosedRange<Double>) -> [Double] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return range.lowerBound + (range.upperBound - range.lowerBound) * Double(state >> 11) * 0x1.0p-53
    }
  }

  /// Whether `a` and `b` agree to `tolerance` relative to the larger (absolutely below 1e-300).
  static func agree(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    a == b || abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-300)
  }

  @Test(
    "Each point's value and gradient are the scalar tape's to 1e-12 relative",
    arguments: [
      "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)^2",
      "sigmoid(w*x + b)^3 * tanh(x*y*w) + (x - y)^2 / (1 + exp(w)) + max(x, y)",
      "x^y + log(1 + x^2) * sqrt(y) + w*x*y*b + 1/(x + 3) + cos(40*x)*sin(1e6*y)",
      "exp(800*x) + exp(-w) + sin(x)^2 + cos(y)^2 - b",
    ])
  func agreesWithScalarTape(source: String) throws {
    let formula = try Formula(parsing: source)
    var tape = Tape(graph: formula.graph, root: formula.root)
    var batched = BatchedTape(tape)
    #expect(batched.variables == tape.variables)
    let count = 203  // not a multiple of 8: the last pass has padding lanes
    let columns = tape.variables.enumerated().map { index, _ in
      Self.values(count, seed: 17 + UInt64(index), in: 0.1...2.5)
    }
    // Point by point (a column of one value each), so every lane is compared on its own.
    var worst = 0.0
    for point in 0..<count {
      let inputs = columns.map { $0[point] }
      let value = tape.forward(inputs: inputs)
      tape.backward()
      var gradient = [Double](repeating: 0, count: inputs.count)
      let batchedValue = batched.accumulate(columns: inputs.map { [$0] }, count: 1, gradient: &gradient)
      #expect(Self.agree(value, batchedValue, 1e-12), "value at point \(point): \(value) vs \(batchedValue)")
      for index in inputs.indices {
        let scalar = tape.adjoint(ofVariableAt: index)
        worst = max(worst, abs(scalar - gradient[index]) / max(abs(scalar), 1e-300))
        #expect(Self.agree(scalar, gradient[index], 1e-12), "∂/∂\(tape.variables[index]) at point \(point)")
      }
    }
    // All points at once, eight per pass: the sums agree with the scalar tape's.
    var scalarSum = [Double](repeating: 0, count: columns.count)
    var scalarValue = 0.0
    for point in 0..<count {
      scalarValue += tape.forward(inputs: columns.map { $0[point] })
      tape.backward()
      for index in columns.indices { scalarSum[index] += tape.adjoint(ofVariableAt: index) }
    }
    var sum = [Double](repeating: 0, count: columns.count)
    let valueSum = batched.accumulate(columns: columns, count: count, gradient: &sum)
    #expect(Self.agree(scalarValue, valueSum, 1e-12))
    for index in columns.indices {
      #expect(Self.agree(scalarSum[index], sum[index], 1e-12), "Σ ∂/∂\(tape.variables[index])")
    }
    #expect(worst < 1e-12)
  }

  @Test("Vector exp, sin and cos agree with the C library, also where they fall back to it")
  func vectorMath() {
    let arguments =
      Self.values(4_000, seed: 3, in: -50...50) + Self.values(400, seed: 5, in: -700...700)
      + [0, -0.0, 709.5, -745, 1e6, .infinity, -.infinity, .nan]
    var index = 0
    while index + 8 <= arguments.count {
      let x = SIMD8<Double>(arguments[index..<index + 8])
      let e = VectorMath.exp(x)
      let (s, c) = VectorMath.sinCos(x)
      for lane in 0..<8 {
        let u = x[lane]
        #expect(Self.agree(e[lane], Foundation.exp(u), 4e-16) || (e[lane].isNaN && u.isNaN), "exp(\(u))")
        // Absolute near a zero of sin or cos: the reduced argument is exact to about 1e-21.
        #expect(abs(s[lane] - Foundation.sin(u)) <= 4e-16 || (s[lane].isNaN && Foundation.sin(u).isNaN), "sin(\(u))")
        #expect(abs(c[lane] - Foundation.cos(u)) <= 4e-16 || (c[lane].isNaN && Foundation.cos(u).isNaN), "cos(\(u))")
      }
      index += 8
    }
  }
}
