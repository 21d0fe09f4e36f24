/// Gradient descent in matrix mode, as seed 002's NumPy loop: each iteration one forward pass,
/// one backward pass (the gradients' nodes, sharing the forward values) and the update
/// θ ← θ − η·∂ℓ/∂θ for every parameter.
///
/// ```swift
/// var training = try MatrixTraining(formula: formula, parameters: ["w1", "w2"], inputs: inputs, rate: 1e-6)
/// for t in 0..<500 { print(t, try training.step()) }
/// ```
public struct MatrixTraining {
  public let formula: MatrixFormula
  /// The names fitted, in order.
  public let parameters: [String]
  /// ∂ℓ/∂θ for each parameter, nodes of `formula.graph`.
  public let gradients: [MatrixNodeID]
  /// The learning rate η.
  public let rate: Double
  /// The current values of every input: the data as given, the parameters as fitted so far.
  public private(set) var inputs: [String: Matrix]

  /// Prepares to fit `parameters` from the values in `inputs` (every input of the formula).
  ///
  /// - Throws: ``MatrixDiagnostic`` if the gradient cannot be built.
  public init(formula: MatrixFormula, parameters: [String], inputs: [String: Matrix], rate: Double)
    throws(MatrixDiagnostic)
  {
    self.formula = formula
    self.parameters = parameters
    self.inputs = inputs
    self.rate = rate
    gradients = try formula.gradient(withRespectTo: parameters)
  }

  /// One iteration: the loss at the current parameters (before the update), then the update.
  ///
  /// - Throws: ``MatrixEvaluationError`` when the loss or a gradient has no finite value (a
  ///   learning rate too large makes the loss overflow).
  @discardableResult
  public mutating func step() throws(MatrixEvaluationError) -> Double {
    let evaluator = MatrixEvaluator(graph: formula.graph, inputs: inputs, bindings: formula.bindings)
    let values = try evaluator.values(of: [formula.root] + gradients)
    let loss = values[formula.root]?.scalar ?? .nan
    for (name, node) in zip(parameters, gradients) {
      guard var value = inputs.removeValue(forKey: name), let gradient = values[node] else { continue }
      value.subtract(gradient, scaledBy: rate)
      inputs[name] = value
    }
    return loss
  }

  /// The loss at the current parameters, without updating them.
  public func loss() throws(MatrixEvaluationError) -> Double {
    let evaluator = MatrixEvaluator(graph: formula.graph, inputs: inputs, bindings: formula.bindings)
    return try evaluator.values(of: [formula.root])[formula.root]?.scalar ?? .nan
  }
}

extension Matrix {
  /// self ← self − η·g, in place (`g` of the same shape, or 1×1 for a scalar parameter).
  public mutating func subtract(_ g: Matrix, scaledBy rate: Double) {
    let count = values.count
    values.withUnsafeMutableBufferPointer { v in
      g.values.withUnsafeBufferPointer { gv in
        if gv.count == count {
          for i in 0..<count { v[i] -= rate * gv[i] }
        } else if let only = gv.first {
          for i in 0..<count { v[i] -= rate * only }
        }
      }
    }
  }
}
