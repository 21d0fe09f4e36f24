import ChainRuleSyntax
import Foundation

/// The constructors: each infers its node's shape (by ``MatrixRule/shape``), throws a
/// ``MatrixShapeError`` when the operands do not fit, and simplifies locally in O(1) — the
/// identities are listed with each. They never flatten or expand, so each adjoint the sweep
/// builds costs a few new nodes.
extension MatrixGraph {
  // MARK: Shapes

  /// The shape of an elementwise operation: on each axis equal sizes, or 1 against any size
  /// (a row, a column or a scalar is repeated).
  public func broadcastShape(_ a: MatrixShape, _ b: MatrixShape) throws(MatrixShapeError) -> MatrixShape {
    func axis(_ x: MatrixSize, _ y: MatrixSize, _ name: String) throws(MatrixShapeError) -> MatrixSize {
      if bindings.agree(x, y) {
        if case .fixed = x, case .named = y { return y }
        return x
      }
      if bindings.isOne(x) { return y }
      if bindings.isOne(y) { return x }
      throw MatrixShapeError(.broadcast(axis: name, x, y), shapes: [a, b])
    }
    return MatrixShape(
      rows: try axis(a.rows, b.rows, "row counts"), columns: try axis(a.columns, b.columns, "column counts"))
  }

  /// A numeric coefficient and the rest: `2·A` → (2, A), `3` → (3, nil), `A` → (1, A).
  func coefficient(_ id: MatrixNodeID) -> (Double, MatrixNodeID?) {
    let node = self[id]
    if node.operation == .constant, let value = node.number { return (value, nil) }
    if node.operation == .multiply, let value = constantValue(node.a) { return (value, node.b) }
    return (1, id)
  }

  /// `id` repeated to `shape` if it is smaller (a scalar, row or column), else `id`.
  public func fitted(_ id: MatrixNodeID, to shape: MatrixShape) -> MatrixNodeID {
    if sameShape(self.shape(id), shape) { return id }
    return (try? broadcast(id, to: shape)) ?? id
  }

  /// 0 of the given shape.
  public func zeros(_ shape: MatrixShape) -> MatrixNodeID { fitted(constant(0), to: shape) }

  // MARK: Operations

  /// `a` repeated to `shape`: a scalar everywhere, a row in every row, a column in every column.
  ///
  /// broadcast(broadcast(u)) = broadcast(u); a node already of the shape is itself.
  public func broadcast(_ a: MatrixNodeID, to shape: MatrixShape) throws(MatrixShapeError) -> MatrixNodeID {
    let from = self.shape(a)
    if sameShape(from, shape) { return a }
    for (x, y) in [(from.rows, shape.rows), (from.columns, shape.columns)] where !bindings.agree(x, y) {
      guard bindings.isOne(x) else { throw MatrixShapeError(.broadcast(axis: "sizes", x, y), shapes: [from, shape]) }
    }
    if operation(a) == .broadcast { return try broadcast(self[a].a, to: shape) }
    return intern(MatrixNode(.broadcast, [a], shape: shape))
  }

  /// A·B, the matrix product: (m×k)·(k×n) → m×n. I·B = B, A·I = A, 0·B = 0, and a 1×1 factor
  /// scales: c·B.
  public func matmul(_ a: MatrixNodeID, _ b: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    let sa = shape(a)
    let sb = shape(b)
    guard bindings.agree(sa.columns, sb.rows) else {
      throw MatrixShapeError(.innerSizes(sa.columns, sb.rows), shapes: [sa, sb])
    }
    let result = MatrixShape(rows: sa.rows, columns: sb.columns)
    if operation(a) == .identity { return b }
    if operation(b) == .identity { return a }
    if isConstant(a, 0) || isConstant(b, 0) { return zeros(result) }
    // A 1×1 factor (an inner size of 1 against a row or a column) is a scaling.
    if isScalar(a) || isScalar(b) { return try multiply(a, b) }
    return intern(MatrixNode(.matmul, [a, b], shape: result))
  }

  /// Aᵀ. (Aᵀ)ᵀ = A, a scalar is its own transpose, (c·A)ᵀ = c·Aᵀ, Iᵀ = I.
  public func transpose(_ a: MatrixNodeID) -> MatrixNodeID {
    let node = self[a]
    if isScalar(a) || node.operation == .identity { return a }
    switch node.operation {
    case .transpose: return node.a
    case .broadcast:
      if let repeated = try? broadcast(transpose(node.a), to: node.shape.transposed) { return repeated }
    case .multiply:
      if let c = constantValue(node.a), let scaled = try? multiply(constant(c), transpose(node.b)) { return scaled }
    default: break
    }
    return intern(MatrixNode(.transpose, [a], shape: node.shape.transposed))
  }

  /// A + B elementwise, with broadcasting. 0 + B = B, constants fold, c·A + d·A = (c + d)·A,
  /// and a repeated operand need not be repeated beside a full one.
  public func add(_ a: MatrixNodeID, _ b: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    let result = try broadcastShape(shape(a), shape(b))
    if isConstant(a, 0) { return fitted(b, to: result) }
    if isConstant(b, 0) { return fitted(a, to: result) }
    if let x = constantValue(a), let y = constantValue(b) { return constant(x + y) }
    let (ca, ra) = coefficient(a)
    let (cb, rb) = coefficient(b)
    if let ra, ra == rb {
      return fitted(ca + cb == 0 ? constant(0) : try multiply(constant(ca + cb), ra), to: result)
    }
    var a = a
    var b = b
    if operation(a) == .broadcast && sameShape(shape(b), result) { a = self[a].a }
    if operation(b) == .broadcast && sameShape(shape(a), result) { b = self[b].a }
    return intern(MatrixNode(.add, [a, b], shape: result))
  }

  /// A − B, as A + (−1)·B.
  public func subtract(_ a: MatrixNodeID, _ b: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    try add(a, try multiply(constant(-1), b))
  }

  /// −A, as (−1)·A.
  public func negate(_ a: MatrixNodeID) -> MatrixNodeID {
    (try? multiply(constant(-1), a)) ?? a
  }

  /// A ⊙ B elementwise, or a scalar times a matrix, with broadcasting.
  ///
  /// 0·B = 0, 1·B = B; numeric coefficients are collected in front (λ/2 · 2·W → λ·W); a scalar
  /// factor comes before a matrix one; 𝟏 ⊙ B = B when B has the full shape; A ⊙ A = A^∘2.
  public func multiply(_ a: MatrixNodeID, _ b: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    let result = try broadcastShape(shape(a), shape(b))
    if isConstant(a, 0) || isConstant(b, 0) { return zeros(result) }
    var (ca, ra) = coefficient(a)
    var (cb, rb) = coefficient(b)
    // A repeated operand is repeated implicitly when the other has the full shape.
    if let r = ra, operation(r) == .broadcast, let other = rb, sameShape(shape(other), result) { ra = self[r].a }
    if let r = rb, operation(r) == .broadcast, let other = ra, sameShape(shape(other), result) { rb = self[r].a }
    if let r = ra, let value = constantValue(r) { (ca, ra) = (ca * value, nil) }
    if let r = rb, let value = constantValue(r) { (cb, rb) = (cb * value, nil) }
    let c = ca * cb
    var rest: MatrixNodeID? = nil
    switch (ra, rb) {
    case (nil, nil): rest = nil
    case (let r?, nil), (nil, let r?): rest = r
    case (let x?, let y?) where x == y:
      rest = power(x, 2)
    case (let x?, let y?):
      let (first, second) = !isScalar(x) && isScalar(y) ? (y, x) : (x, y)
      rest = intern(MatrixNode(.multiply, [first, second], shape: try broadcastShape(shape(first), shape(second))))
    }
    guard let rest else { return fitted(constant(c), to: result) }
    if c == 1 { return fitted(rest, to: result) }
    return fitted(intern(MatrixNode(.multiply, [constant(c), rest], shape: shape(rest))), to: result)
  }

  /// A / B elementwise, as A ⊙ B^∘−1.
  public func divide(_ a: MatrixNodeID, _ b: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    if let y = constantValue(b), y != 0 { return try multiply(constant(1 / y), a) }
    return try multiply(a, power(b, -1))
  }

  /// A^∘p, each entry to the power p. A^1 = A, A^0 = 1, constants fold, (A^p)^q = A^(pq) for
  /// whole q, (c·A)^q = c^q·A^q for whole q, ‖A‖_F² = ‖A‖²_F.
  public func power(_ a: MatrixNodeID, _ p: Double) -> MatrixNodeID {
    if p == 1 { return a }
    if p == 0 { return fitted(constant(1), to: shape(a)) }
    if let c = constantValue(a) {
      let value = Foundation.pow(c, p)
      if value.isFinite { return constant(value) }
    }
    let operation = self.operation(a)
    let whole = p == p.rounded()
    let inner = nodes[Int(a.index)].operands.first
    let exponent = nodes[Int(a.index)].number
    if operation == .power, whole, let base = inner, let q = exponent { return power(base, q * p) }
    if operation == .function, p == 2, nodes[Int(a.index)].function == .sqrt, let base = inner,
      self.operation(base) == .frobeniusSquared
    {
      return base
    }
    if operation == .multiply, whole, let factor = inner, let c = constantValue(factor) {
      let rest = nodes[Int(a.index)].operands[1]
      return scaledPower(c, rest, p) ?? intern(MatrixNode(.power, [a], .number(p), shape: shape(a)))
    }
    return intern(MatrixNode(.power, [a], .number(p), shape: shape(a)))
  }

  /// (c·A)^p = c^p·A^p.
  private func scaledPower(_ c: Double, _ rest: MatrixNodeID, _ p: Double) -> MatrixNodeID? {
    let raised = power(rest, p)
    do {
      return try multiply(constant(Foundation.pow(c, p)), raised)
    } catch {
      return nil
    }
  }

  /// f applied entry by entry (two operands broadcast for `max`, `min`). Constants fold as the
  /// function's entry says; max(A, 0) and max(0, A) are relu(A).
  public func function(_ f: Function, _ arguments: [MatrixNodeID]) throws(MatrixShapeError) -> MatrixNodeID {
    var result = shape(arguments[0])
    if arguments.count == 2 { result = try broadcastShape(shape(arguments[0]), shape(arguments[1])) }
    if f == .max && arguments.count == 2 {
      if isConstant(arguments[1], 0), sameShape(shape(arguments[0]), result) {
        return try function(.relu, [arguments[0]])
      }
      if isConstant(arguments[0], 0), sameShape(shape(arguments[1]), result) {
        return try function(.relu, [arguments[1]])
      }
    }
    let values = arguments.compactMap { constantValue($0) }
    if values.count == arguments.count {
      let value = f.value(values)
      if value.isFinite && (f.definition.folding == .always || value == value.rounded()) { return constant(value) }
    }
    return intern(MatrixNode(.function, arguments, .function(f), shape: result))
  }

  /// The sum of all entries (1×1), of the rows (1×n) or of the columns (m×1).
  ///
  /// A sum over an axis of size 1 is the matrix itself; sum(c·A) = c·sum(A); the sum of a
  /// repeated scalar, row or column is the count of repeats times it.
  public func sum(_ a: MatrixNodeID, over axis: SumAxis = .all) -> MatrixNodeID {
    let node = self[a]
    let s = node.shape
    let sumsRows = axis != .columns && !bindings.isOne(s.rows)
    let sumsColumns = axis != .rows && !bindings.isOne(s.columns)
    let result = MatrixShape(
      rows: axis == .rows || axis == .all ? .one : s.rows, columns: axis == .columns || axis == .all ? .one : s.columns)
    if !sumsRows && !sumsColumns { return fitted(a, to: result) }
    if node.operation == .multiply, let c = constantValue(node.a),
      let scaled = try? multiply(constant(c), sum(node.b, over: axis))
    {
      return scaled
    }
    if node.operation == .broadcast {
      let inner = shape(node.a)
      // Only the repeats are added up: each repeated axis contributes its size as a factor.
      let repeatsRows = sumsRows && bindings.isOne(inner.rows)
      let repeatsColumns = sumsColumns && bindings.isOne(inner.columns)
      if repeatsRows == sumsRows && repeatsColumns == sumsColumns {
        var count = constant(1)
        if repeatsRows { count = (try? multiply(count, size(s.rows))) ?? count }
        if repeatsColumns { count = (try? multiply(count, size(s.columns))) ?? count }
        if let total = try? multiply(count, node.a) { return fitted(total, to: result) }
      }
    }
    let toRow = sumsRows || bindings.isOne(s.rows)
    let toColumn = sumsColumns || bindings.isOne(s.columns)
    let effective: SumAxis = toRow && toColumn ? .all : (sumsRows ? .rows : .columns)
    let summed = intern(
      MatrixNode(
        .sum, [a], .axis(effective),
        shape: MatrixShape(rows: sumsRows ? .one : s.rows, columns: sumsColumns ? .one : s.columns)))
    return fitted(summed, to: result)
  }

  /// softmax over each row: exp(aᵢⱼ)/Σₖ exp(aᵢₖ); over the entries of a column vector.
  public func softmax(_ a: MatrixNodeID) -> MatrixNodeID {
    intern(MatrixNode(.softmax, [a], shape: shape(a)))
  }

  /// Whether the softmax of a node of this shape normalises its column (a column vector)
  /// rather than each row.
  public func softmaxNormalisesColumn(_ shape: MatrixShape) -> Bool {
    bindings.isOne(shape.columns) && !bindings.isOne(shape.rows)
  }

  /// −sum(Y ⊙ log P): P holds probabilities, Y one-hot labels of the same shape.
  public func crossEntropy(_ p: MatrixNodeID, _ y: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    let sp = shape(p)
    let sy = shape(y)
    guard sameShape(sp, sy) else {
      let indices = softmaxNormalisesColumn(sp) ? MatrixShape.scalar : MatrixShape(rows: sp.rows, columns: .one)
      throw MatrixShapeError(.labels(expectedIndices: indices, expectedOneHot: sp), shapes: [sp, sy])
    }
    return intern(MatrixNode(.crossEntropy, [p, y], shape: .scalar))
  }

  /// Class indices as one-hot rows of `shape` (or one-hot columns of a column vector).
  public func oneHot(_ labels: MatrixNodeID, like shape: MatrixShape) -> MatrixNodeID {
    intern(MatrixNode(.oneHot, [labels], shape: shape))
  }

  /// tr(A) of a square matrix. tr(I) is its size.
  public func trace(_ a: MatrixNodeID) throws(MatrixShapeError) -> MatrixNodeID {
    let s = shape(a)
    guard bindings.agree(s.rows, s.columns) else { throw MatrixShapeError(.notSquare, shapes: [s]) }
    if isScalar(a) { return a }
    if operation(a) == .identity { return size(s.rows) }
    return intern(MatrixNode(.trace, [a], shape: .scalar))
  }

  /// ‖A‖²_F = Σᵢⱼ aᵢⱼ². Of a scalar, its square.
  public func frobeniusSquared(_ a: MatrixNodeID) -> MatrixNodeID {
    if isScalar(a) { return power(a, 2) }
    return intern(MatrixNode(.frobeniusSquared, [a], shape: .scalar))
  }

  /// The number of entries of `shape` as a node: a constant, or a product of named sizes.
  public func entryCount(_ shape: MatrixShape) -> MatrixNodeID {
    let rows = size(shape.rows)
    let columns = size(shape.columns)
    return (try? multiply(rows, columns)) ?? rows
  }
}
