/// A rule that replaces two table entries when one feeds only the other: softmax followed by
/// cross-entropy, whose adjoint is short (P − Y) where the two separate ones are long.
public struct MatrixFusedRule: Sendable {
  /// What `diff --steps` calls it.
  public let name: String
  /// The adjoint as a student reads it.
  public let adjointText: String
  /// The differential identity behind it.
  public let differential: String

  /// softmax + cross-entropy: for ℓ = crossentropy(softmax(Z), Y), Z̄ = ℓ̄·(P − Y).
  ///
  /// ∂ℓ/∂Zᵢₖ = Σⱼ Yᵢⱼ·(Pᵢₖ − δⱼₖ) = Pᵢₖ·Σⱼ Yᵢⱼ − Yᵢₖ, which is P − Y because each row of labels
  /// is a distribution (one-hot, or probabilities summing to 1).
  public static let softmaxCrossEntropy = MatrixFusedRule(
    name: "softmax + cross-entropy",
    adjointText: "ℓ = crossentropy(softmax(Z), Y), each row of Y summing to 1: Z̄ = ℓ̄·(P − Y)",
    differential: "dℓ = tr((P − Y)ᵀ·dZ)")

  /// If node `c` is crossentropy(softmax(Z), Y) and nothing else uses the softmax, Z and its
  /// adjoint contribution ℓ̄·(P − Y) (the labels' own contribution is the unfused one).
  static func softmaxCrossEntropy(
    _ graph: MatrixGraph, _ c: MatrixNodeID, _ g: MatrixNodeID, users: [Int]
  ) throws(MatrixShapeError) -> (operand: MatrixNodeID, contribution: MatrixNodeID)? {
    let node = graph[c]
    guard node.operation == .crossEntropy, graph.operation(node.a) == .softmax, users[Int(node.a.index)] == 1
    else { return nil }
    let z = graph[node.a].a
    return (z, try graph.multiply(g, try graph.subtract(node.a, node.b)))
  }
}

/// The symbolic reverse sweep over matrix nodes: a symbolic copy of a numeric backward pass.
///
/// Visits the nodes of the root in descending id order (users before their operands); each
/// node's adjoint C̄ is complete when it is visited, and its entry of ``MatrixRule`` gives every
/// operand's contribution, which is accumulated (`Ā += …`). The adjoint of every variable comes
/// out of one sweep. Each adjoint has the shape of its node: the gradient of a scalar by an
/// m×n matrix is m×n (the layout convention; its Jacobian is the transpose).
public struct MatrixDifferentiator {
  public let graph: MatrixGraph

  public init(graph: MatrixGraph) { self.graph = graph }

  /// The adjoint ∂root/∂v of every node v the root depends on that leads to one of `targets`.
  ///
  /// - Parameters:
  ///   - root: A 1×1 node (a loss).
  ///   - targets: The variables to differentiate by; only their paths are swept.
  /// - Returns: Adjoints by node; a node with no path to a target has none.
  /// - Throws: ``MatrixShapeError`` only if a rule builds an ill-shaped adjoint (a bug).
  public func adjoints(of root: MatrixNodeID, toward targets: Set<MatrixNodeID>) throws(MatrixShapeError)
    -> [MatrixNodeID: MatrixNodeID]
  {
    let order = graph.reachable(from: [root])
    let count = Int(root.index) + 1
    // Which nodes lead to a target, and how many users each node has.
    var leads = [Bool](repeating: false, count: count)
    var users = [Int](repeating: 0, count: count)
    for id in order {
      let node = graph[id]
      if targets.contains(id) { leads[Int(id.index)] = true }
      for operand in node.operands {
        users[Int(operand.index)] += 1
        if leads[Int(operand.index)] { leads[Int(id.index)] = true }
      }
    }
    var adjoint: [MatrixNodeID: MatrixNodeID] = [root: graph.fitted(graph.constant(1), to: graph.shape(root))]
    for id in order.reversed() where leads[Int(id.index)] {
      guard let g = adjoint[id] else { continue }
      let node = graph[id]
      if node.operands.isEmpty { continue }
      var contributions: [(MatrixNodeID, MatrixNodeID?)]
      if let fused = try MatrixFusedRule.softmaxCrossEntropy(graph, id, g, users: users) {
        let labels = try MatrixRule.rule(for: .crossEntropy).adjoint(graph, id, g)
        contributions = [(fused.operand, fused.contribution), (node.b, labels.count > 1 ? labels[1] : nil)]
      } else {
        let rule = MatrixRule.rule(for: node.operation)
        contributions = Array(zip(node.operands, try rule.adjoint(graph, id, g)))
      }
      for (operand, contribution) in contributions {
        guard let contribution, leads[Int(operand.index)] else { continue }
        // A later contribution comes from an earlier user: it is written first, so the terms
        // read in the order of the formula (the data term before the regulariser).
        if let earlier = adjoint[operand] {
          adjoint[operand] = try graph.add(contribution, earlier)
        } else {
          adjoint[operand] = contribution
        }
      }
    }
    return adjoint
  }

  /// ∂root/∂v for each variable named in `variables` (zeros of its shape when the root does not
  /// depend on it), in order.
  public func gradient(of root: MatrixNodeID, withRespectTo variables: [MatrixNodeID]) throws(MatrixShapeError)
    -> [MatrixNodeID]
  {
    let table = try adjoints(of: root, toward: Set(variables))
    return variables.map { table[$0] ?? graph.zeros(graph.shape($0)) }
  }
}
