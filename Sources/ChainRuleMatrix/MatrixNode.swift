import ChainRuleSyntax

/// The operations of matrix mode: a closed set, each described once by its ``MatrixRule``.
///
/// Subtraction is `A + (−1)·B` and division `A·B^∘−1`, as in the scalar graph; printers turn
/// them back into `−` and `/`.
public enum MatrixOperation: UInt8, CaseIterable, Hashable, Sendable {
  /// A declared matrix, vector or scalar: a leaf the user gives values for.
  case variable
  /// A number, 1×1.
  case constant
  /// The number a named size stands for (`N` in `sum(A)/N`), 1×1.
  case size
  /// The identity matrix I (n×n), which the adjoint of a trace holds.
  case identity
  /// A scalar, row or column repeated to a larger shape (`𝟏` when it is the number 1).
  case broadcast
  /// The matrix product A·B.
  case matmul
  /// The transpose Aᵀ.
  case transpose
  /// A + B, elementwise, with broadcasting.
  case add
  /// A ⊙ B elementwise, or a scalar times a matrix (λ·W), with broadcasting.
  case multiply
  /// A^∘p, the elementwise power with a constant exponent.
  case power
  /// A function of the scalar table (`relu`, `tanh`, `max`, …) applied entry by entry.
  case function
  /// The sum of all entries, of the rows (𝟏ᵀ·A, 1×n) or of the columns (A·𝟏, m×1).
  case sum
  /// softmax over each row (over the entries of a column vector).
  case softmax
  /// −sum(Y ⊙ log P): the cross-entropy of probabilities P and one-hot labels Y, summed.
  case crossEntropy
  /// Class indices (m×1) as one-hot rows (m×C).
  case oneHot
  /// tr(A), the sum of the diagonal of a square matrix.
  case trace
  /// ‖A‖²_F, the sum of the squared entries.
  case frobeniusSquared
}

/// Which entries a ``MatrixOperation/sum`` adds up.
public enum SumAxis: UInt8, Hashable, Sendable {
  /// All entries: 1×1.
  case all
  /// The rows together (𝟏ᵀ·A, NumPy `axis=0`): m×n → 1×n.
  case rows
  /// The columns together (A·𝟏, NumPy `axis=1`): m×n → m×1.
  case columns
}

/// An id of a node in a ``MatrixGraph``. Ids ascend in evaluation order: operands before the
/// nodes that use them.
public struct MatrixNodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let index: Int32

  init(_ index: Int) { self.index = Int32(index) }

  public static func < (a: MatrixNodeID, b: MatrixNodeID) -> Bool { a.index < b.index }

  public var description: String { "m\(index)" }
}

/// One node of the matrix graph: an operation, up to two operands, a parameter and its shape.
///
/// A plain value, so the graph files it in its intern table as is: two equal nodes are one id.
public struct MatrixNode: Hashable, Sendable {
  /// What the node computes beyond its operation and operands.
  public enum Parameter: Hashable, Sendable {
    case none
    /// A constant's value, or a power's exponent.
    case number(Double)
    /// The function of a ``MatrixOperation/function`` node.
    case function(Function)
    /// The entries a sum adds.
    case axis(SumAxis)
    /// A variable's or a size's canonical name.
    case name(String)
  }

  public var operation: MatrixOperation
  /// The operands, in order (none, one or two).
  public var operands: [MatrixNodeID]
  public var shape: MatrixShape
  /// The number of a constant or the exponent of a power.
  public let number: Double?
  /// The name of a variable or size.
  public let name: String?
  /// The function of a function node.
  public let function: Function?
  /// The axis of a sum.
  public let axis: SumAxis?

  public init(
    _ operation: MatrixOperation, _ operands: [MatrixNodeID], _ parameter: Parameter = .none, shape: MatrixShape
  ) {
    self.operation = operation
    self.operands = operands
    self.shape = shape
    // Stored apart rather than as the enum: reading them is a plain load.
    var number: Double? = nil
    var name: String? = nil
    var function: Function? = nil
    var axis: SumAxis? = nil
    switch parameter {
    case .none: break
    case .number(let value): number = value
    case .name(let text): name = text
    case .function(let f): function = f
    case .axis(let a): axis = a
    }
    self.number = number
    self.name = name
    self.function = function
    self.axis = axis
  }

  /// The first operand (every node with operands has one).
  public var a: MatrixNodeID { operands[0] }
  /// The second operand of a binary node.
  public var b: MatrixNodeID { operands[1] }
}
