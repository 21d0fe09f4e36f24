import ChainRule

/// Item 2: the chain f_k = b_k + w_k·g(f_{k−1}), g cycling sin, cos, tanh, loss (f_N − y)².
struct ChainBenchmark {
  var layers: Int
  /// Parse + build + all 2N + 2 partial derivatives.
  var derivativeTime = 0.0
  /// Build + all partial derivatives from an already parsed program: the time outside the parser.
  var buildAndDifferentiateTime = 0.0
  /// Distinct nodes of all the derivatives together.
  var distinctNodes = 0
  /// Operations of all the derivatives written out as trees, without sharing.
  var printedOperations = 0
  /// Compiling the tape, one forward and one backward pass, reading the gradient.
  var traceTime = 0.0
  /// The forward and backward passes alone, on a compiled tape.
  var passesTime = 0.0
  /// The largest relative difference between the tape's and the symbolic gradient.
  var disagreement = 0.0

  /// The chain as definitions text: `f0 = b0 + w0*x`, `f1 = b1 + w1*sin(f0)`, …, `l = (fN - y)^2`.
  static func source(layers n: Int) -> String {
    let functions = ["sin", "cos", "tanh"]
    var text = "f0 = b0 + w0*x\n"
    for k in 1...n {
      text += "f\(k) = b\(k) + w\(k)*\(functions[(k - 1) % 3])(f\(k - 1))\n"
    }
    text += "l = (f\(n) - y)^2\n"
    return text
  }

  static func parameters(layers n: Int) -> [String] {
    (0...n).flatMap { ["b\($0)", "w\($0)"] }
  }

  /// A fixed point: b_k = 0.1·(k mod 7) − 0.3, w_k = 0.5 + 0.05·(k mod 5), x = 0.7, y = 0.2.
  static func point(layers n: Int) -> [String: Double] {
    var point: [String: Double] = ["x": 0.7, "y": 0.2]
    for k in 0...n {
      point["b\(k)"] = 0.1 * Double(k % 7) - 0.3
      point["w\(k)"] = 0.5 + 0.05 * Double(k % 5)
    }
    return point
  }

  static func measure(layers n: Int, _ budget: Budget) -> ChainBenchmark {
    var result = ChainBenchmark(layers: n)
    let source = Self.source(layers: n)
    let parameters = Self.parameters(layers: n)
    let point = Self.point(layers: n)

    result.derivativeTime = medianTime(budget) { () -> Int in
      guard let formula = try? Formula(parsing: source) else { return 0 }
      return formula.gradient(withRespectTo: parameters).count
    }
    guard let program = try? Parser.parse(source) else { return result }
    result.buildAndDifferentiateTime = medianTime(budget) {
      Formula(program: program).gradient(withRespectTo: parameters).count
    }
    let formula = Formula(program: program)
    let gradient = formula.gradient(withRespectTo: parameters)
    result.distinctNodes = formula.graph.distinctNodeCount(gradient)
    result.printedOperations = formula.graph.treeOperationCounts(gradient).reduce(0) { total, count in
      let (sum, overflow) = total.addingReportingOverflow(count)
      return overflow ? Int.max : sum
    }

    result.traceTime = medianTime(budget) { () -> Double in
      var tape = Tape(graph: formula.graph, root: formula.root)
      _ = try? tape.forward(at: point)
      tape.backward()
      return tape.gradient(withRespectTo: parameters).reduce(0, +)
    }
    var tape = Tape(graph: formula.graph, root: formula.root)
    let inputs = tape.variables.map { point[$0] ?? 0 }
    result.passesTime = medianTime(budget) { () -> Double in
      tape.forward(inputs: inputs)
      tape.backward()
      return tape.adjoint(ofVariableAt: 0)
    }

    // The tape must agree with the symbolic derivatives (checked where evaluation is cheap).
    if n <= 1_000 {
      _ = try? tape.forward(at: point)
      tape.backward()
      let numeric = tape.gradient(withRespectTo: parameters)
      if let symbolic = try? Evaluator(graph: formula.graph).values(of: gradient, at: point).values {
        for (id, value) in zip(gradient, numeric) {
          let reference = symbolic[id] ?? .nan
          let scale = max(abs(reference), abs(value), 1e-300)
          result.disagreement = max(result.disagreement, abs(reference - value) / scale)
        }
      }
    }
    return result
  }
}
