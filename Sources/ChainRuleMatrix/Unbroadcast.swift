extension MatrixGraph {
  /// The adjoint of broadcasting: `g` summed over every axis on which `shape` has size 1 and
  /// `g` does not — the entries a repeated row, column or scalar contributed to.
  ///
  /// If C = A + b with b a 1×n row repeated over m rows, each bⱼ is used in m entries, so
  /// b̄ = Σᵢ C̄ᵢⱼ = 𝟏ᵀ·C̄ (1×n); a scalar λ used in every entry gets λ̄ = sum(C̄). Every binary
  /// rule of the table passes its operands' adjoints through this one helper (autograd's
  /// `unbroadcast`).
  ///
  /// - Parameters:
  ///   - g: An adjoint of the broadcast shape (m×n).
  ///   - shape: The shape of the operand before broadcasting (m×n, 1×n, m×1 or 1×1).
  /// - Returns: An adjoint of `shape`.
  public func unbroadcast(_ g: MatrixNodeID, to shape: MatrixShape) -> MatrixNodeID {
    let from = self.shape(g)
    let rows = !bindings.agree(from.rows, shape.rows) && bindings.isOne(shape.rows)
    let columns = !bindings.agree(from.columns, shape.columns) && bindings.isOne(shape.columns)
    switch (rows, columns) {
    case (true, true): return sum(g, over: .all)
    case (true, false): return sum(g, over: .rows)
    case (false, true): return sum(g, over: .columns)
    case (false, false): return g
    }
  }
}
