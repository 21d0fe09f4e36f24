import ChainRuleSyntax

/// A hash-consed arena of matrix nodes, each with its shape: matrix mode's own graph, beside
/// the scalar ``ExpressionGraph`` (whose node kinds it does not touch).
///
/// As in the scalar graph, a node is interned after its operands, so ids ascend in evaluation
/// order (an ascending loop is a forward pass, a descending one a backward pass), and equal
/// nodes are one id. The constructors (`matmul`, `add`, `multiply`, … in
/// `MatrixGraph+Constructors.swift`) infer the shape, refuse shapes that do not fit with a
/// ``MatrixShapeError``, and simplify locally: drop 0 and 1, fold constants, collect numeric
/// coefficients (λ/2 · 2·W → λ·W).
public final class MatrixGraph {
  /// The nodes, by id.
  public private(set) var nodes: [MatrixNode] = []
  private var index: [MatrixNode: MatrixNodeID] = [:]
  /// The numbers the named sizes stand for, known while building (shapes agree by them).
  public let bindings: SizeBindings

  public init(bindings: SizeBindings = SizeBindings()) {
    self.bindings = bindings
    nodes.reserveCapacity(64)
    index.reserveCapacity(64)
  }

  /// The node with id `id`.
  public subscript(id: MatrixNodeID) -> MatrixNode { nodes[Int(id.index)] }

  /// The shape of node `id`.
  public func shape(_ id: MatrixNodeID) -> MatrixShape { nodes[Int(id.index)].shape }

  /// The operation of node `id`.
  public func operation(_ id: MatrixNodeID) -> MatrixOperation { nodes[Int(id.index)].operation }

  /// The id of `node`, adding it if no equal node exists.
  func intern(_ node: MatrixNode) -> MatrixNodeID {
    if let id = index[node] { return id }
    let id = MatrixNodeID(nodes.count)
    nodes.append(node)
    index[node] = id
    return id
  }

  // MARK: Leaves

  /// A variable of the given shape (1×1 for an undeclared name).
  public func variable(_ name: String, shape: MatrixShape) -> MatrixNodeID {
    intern(MatrixNode(.variable, [], .name(name), shape: shape))
  }

  /// The number `value`, 1×1.
  public func constant(_ value: Double) -> MatrixNodeID {
    intern(MatrixNode(.constant, [], .number(value == 0 ? 0 : value), shape: .scalar))
  }

  /// A size as a number: the constant when it is written as one, else a ``MatrixOperation/size`` leaf.
  public func size(_ size: MatrixSize) -> MatrixNodeID {
    switch size {
    case .fixed(let n): constant(Double(n))
    case .named(let name): intern(MatrixNode(.size, [], .name(name), shape: .scalar))
    }
  }

  /// The identity matrix of n×n.
  public func identity(_ n: MatrixSize) -> MatrixNodeID {
    intern(MatrixNode(.identity, [], shape: MatrixShape(rows: n, columns: n)))
  }

  /// The value of a constant node, nil for any other.
  public func constantValue(_ id: MatrixNodeID) -> Double? {
    let node = self[id]
    return node.operation == .constant ? node.number : nil
  }

  /// Whether the node is the number `value`, possibly repeated to a shape (`𝟏` is one).
  public func isConstant(_ id: MatrixNodeID, _ value: Double) -> Bool {
    let node = self[id]
    switch node.operation {
    case .constant: return node.number == value
    case .broadcast: return isConstant(node.a, value)
    default: return false
    }
  }

  /// Whether node `id` is 1×1 (also when its sizes are names bound to 1).
  public func isScalar(_ id: MatrixNodeID) -> Bool {
    let shape = self[id].shape
    return shape.isScalar || (bindings.isOne(shape.rows) && bindings.isOne(shape.columns))
  }

  /// Whether two shapes are the same under the bindings.
  public func sameShape(_ a: MatrixShape, _ b: MatrixShape) -> Bool {
    bindings.agree(a.rows, b.rows) && bindings.agree(a.columns, b.columns)
  }

  /// Ids of the nodes `roots` need, ascending (one descending sweep: operands precede users).
  public func reachable(from roots: [MatrixNodeID]) -> [MatrixNodeID] {
    guard let top = roots.max() else { return [] }
    var marked = [Bool](repeating: false, count: Int(top.index) + 1)
    for root in roots { marked[Int(root.index)] = true }
    var i = Int(top.index)
    while i >= 0 {
      if marked[i] { for operand in nodes[i].operands { marked[Int(operand.index)] = true } }
      i -= 1
    }
    return marked.indices.filter { marked[$0] }.map { MatrixNodeID($0) }
  }

  /// The variables `root` uses, in order of first appearance in the formula (ascending ids).
  public func variables(in root: MatrixNodeID) -> [String] {
    reachable(from: [root]).compactMap { id in
      let node = self[id]
      return node.operation == .variable ? node.name : nil
    }
  }

  /// How many operations the expression has when written out as a tree (shared parts counted
  /// each time they are written).
  public func treeSize(_ root: MatrixNodeID) -> Int {
    var sizes: [MatrixNodeID: Int] = [:]
    for id in reachable(from: [root]) {
      let node = self[id]
      sizes[id] = node.operands.isEmpty ? 0 : 1 + node.operands.reduce(0) { $0 + (sizes[$1] ?? 0) }
    }
    return sizes[root] ?? 0
  }
}
