/// A matrix gradient derived as a matrix-analysis book does: the differential dℓ, rewritten rule
/// by rule into the trace form tr(A·dX), then identified: ∂ℓ/∂X = Aᵀ.
///
/// Each line is the differential after one rule of the table: dℓ = Σ tr(Aₖ·dVₖ) over the nodes
/// Vₖ still to be expanded (A·dV for a scalar V). The node expanded is always the latest in the
/// forward pass, and its rule's adjoint gives the new terms, so the lines are the backward sweep
/// written as differentials, and the last one ends on the gradient `diff` prints.
public struct MatrixDerivation {
  /// One term tr(A·dV) of a differential: V's adjoint G and the Jacobian form A = Gᵀ.
  public struct Term {
    /// The node whose differential dV the term holds.
    public var node: MatrixNodeID
    /// The adjoint ∂ℓ/∂V (V's shape).
    public var adjoint: MatrixNodeID
    /// Gᵀ with the transpose moved inside products: (h_reluᵀ·G)ᵀ = Gᵀ·h_relu.
    public var jacobian: MatrixNodeID
  }

  /// One line: the differential after a rule.
  public struct Line {
    public var terms: [Term]
    /// The rule's name (`matrix product`), nil for the first line.
    public var rule: String?
    /// The identity it uses (`d(A·B) = dA·B + A·dB`).
    public var identity: String?
  }

  public let formula: MatrixFormula
  public let variable: String
  public let lines: [Line]
  /// ∂ℓ/∂X: the adjoint in the last line, the node `diff` prints.
  public let gradient: MatrixNodeID
  /// The Jacobian A of the identification dℓ = tr(A·dX).
  public let jacobian: MatrixNodeID

  /// Derives ∂result/∂`variable`.
  ///
  /// - Throws: ``MatrixShapeError`` only if a rule builds an ill-shaped node (a bug).
  public init(formula: MatrixFormula, variable: String) throws(MatrixShapeError) {
    self.formula = formula
    self.variable = variable
    let graph = formula.graph
    guard let target = formula.input(named: variable)?.node else {
      let zero = graph.zeros(.scalar)
      lines = []
      gradient = zero
      jacobian = zero
      return
    }
    let order = graph.reachable(from: [formula.root])
    let count = Int(formula.root.index) + 1
    var leads = [Bool](repeating: false, count: count)
    var users = [Int](repeating: 0, count: count)
    for id in order {
      if id == target { leads[Int(id.index)] = true }
      for operand in graph[id].operands {
        users[Int(operand.index)] += 1
        if leads[Int(operand.index)] { leads[Int(id.index)] = true }
      }
    }
    let steps = Set(formula.stepNames.keys)
    func term(_ node: MatrixNodeID, _ adjoint: MatrixNodeID) throws(MatrixShapeError) -> Term {
      Term(node: node, adjoint: adjoint, jacobian: try graph.transposedForReading(adjoint, keeping: steps))
    }
    let one = graph.fitted(graph.constant(1), to: graph.shape(formula.root))
    var terms = [try term(formula.root, one)]
    var lines = [Line(terms: terms, rule: nil, identity: nil)]
    while let index = terms.indices.filter({ terms[$0].node != target }).max(by: { terms[$0].node < terms[$1].node }) {
      let expanded = terms.remove(at: index)
      let node = graph[expanded.node]
      var contributions: [(MatrixNodeID, MatrixNodeID?)]
      let name: String
      let identity: String
      if let fused = try MatrixFusedRule.softmaxCrossEntropy(graph, expanded.node, expanded.adjoint, users: users) {
        let labels = try MatrixRule.rule(for: .crossEntropy).adjoint(graph, expanded.node, expanded.adjoint)
        contributions = [(fused.operand, fused.contribution), (node.b, labels.count > 1 ? labels[1] : nil)]
        name = MatrixFusedRule.softmaxCrossEntropy.name
        identity = MatrixFusedRule.softmaxCrossEntropy.differential
      } else {
        let rule = MatrixRule.rule(for: node.operation)
        contributions = Array(zip(node.operands, try rule.adjoint(graph, expanded.node, expanded.adjoint)))
        if node.operation == .multiply && (graph.isScalar(node.a) || graph.isScalar(node.b)) {
          // The elementwise product's rule with a scalar factor: the scaling a reader knows.
          name = "scalar multiple"
          identity = "d(c·A) = dc·A + c·dA"
        } else {
          name = node.operation == .function ? "\(node.function?.name ?? "f") entry by entry" : rule.name
          identity = rule.differential
        }
      }
      // The new terms take the expanded term's place, so the differential keeps its order; two
      // terms in the same dV are shown apart, then collected (as the sweep adds them).
      var position = index
      var merged = terms
      for (operand, contribution) in contributions {
        guard let contribution, leads[Int(operand.index)] else { continue }
        let new = try term(operand, contribution)
        terms.insert(new, at: position)
        if let same = merged.firstIndex(where: { $0.node == operand }) {
          merged[same] = try term(operand, try graph.add(contribution, merged[same].adjoint))
        } else {
          merged.insert(new, at: position)
        }
        position += 1
      }
      lines.append(Line(terms: terms, rule: name, identity: identity))
      if merged.count < terms.count {
        lines.append(
          Line(terms: merged, rule: "terms collected", identity: "tr(A·dX) + tr(B·dX) = tr((A + B)·dX)"))
      }
      terms = merged
    }
    self.lines = lines
    gradient = terms.first?.adjoint ?? graph.zeros(graph.shape(target))
    jacobian = terms.first?.jacobian ?? graph.zeros(graph.shape(target).transposed)
  }
}

extension MatrixGraph {
  /// Gᵀ for reading: the transpose moved through matrix products, (A·B)ᵀ = Bᵀ·Aᵀ, through sums
  /// that hold one, (A·B + C)ᵀ = Bᵀ·Aᵀ + Cᵀ, and past coefficients, (c·A)ᵀ = c·Aᵀ; left on
  /// anything else: 2·(y_pred − y)ᵀ.
  public func transposedForReading(_ g: MatrixNodeID, keeping steps: Set<MatrixNodeID> = [])
    throws(MatrixShapeError) -> MatrixNodeID
  {
    let node = self[g]
    if steps.contains(g) { return transpose(g) }
    switch node.operation {
    case .matmul:
      return try matmul(
        try transposedForReading(node.b, keeping: steps), try transposedForReading(node.a, keeping: steps))
    case .add where containsProduct(g, steps):
      return try add(try transposedForReading(node.a, keeping: steps), try transposedForReading(node.b, keeping: steps))
    case .multiply where isScalar(node.a):
      return try multiply(node.a, try transposedForReading(node.b, keeping: steps))
    default: return transpose(g)
    }
  }

  /// Whether a sum has a matrix product among its terms (past scalar factors; the user's steps
  /// count as names, not as what they compute).
  private func containsProduct(_ id: MatrixNodeID, _ steps: Set<MatrixNodeID>) -> Bool {
    if steps.contains(id) { return false }
    let node = self[id]
    switch node.operation {
    case .add: return containsProduct(node.a, steps) || containsProduct(node.b, steps)
    case .multiply where isScalar(node.a): return containsProduct(node.b, steps)
    case .matmul: return true
    default: return false
    }
  }
}
