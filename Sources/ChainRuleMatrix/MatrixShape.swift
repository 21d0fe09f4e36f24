import ChainRuleSupport

/// One dimension of a matrix: a number (`64`) or a name bound later (`N`, `D_in`).
///
/// A declaration `x: N×D_in` keeps its names, so shapes print as the user wrote them; `--at
/// N=64` binds a name to a number (``SizeBindings``), and two sizes agree when they are the same
/// name or are bound to the same number.
public enum MatrixSize: Hashable, Sendable, CustomStringConvertible {
  /// A size written as a number.
  case fixed(Int)
  /// A size written as a name, in canonical spelling.
  case named(String)

  /// The size 1 of a row vector's rows or a column vector's columns.
  public static let one = MatrixSize.fixed(1)

  /// The size as typed: `64`, `D_in`.
  public var description: String {
    switch self {
    case .fixed(let n): String(n)
    case .named(let name): name
    }
  }
}

/// The rows × columns of a matrix node. A scalar is 1×1, a column vector n×1, a row vector 1×n.
///
/// ```swift
/// MatrixShape(rows: .named("N"), columns: .named("D_in")).description   // "N×D_in"
/// ```
public struct MatrixShape: Hashable, Sendable, CustomStringConvertible {
  public var rows: MatrixSize
  public var columns: MatrixSize

  public init(rows: MatrixSize, columns: MatrixSize) {
    self.rows = rows
    self.columns = columns
  }

  /// A shape of two numbers.
  public init(_ rows: Int, _ columns: Int) {
    self.init(rows: .fixed(rows), columns: .fixed(columns))
  }

  /// The shape of a scalar, 1×1.
  public static let scalar = MatrixShape(1, 1)

  /// Whether the shape is 1×1 (written without bindings: `N×1` is not a scalar even if N = 1).
  public var isScalar: Bool { rows == .one && columns == .one }

  /// The shape of the transpose: columns × rows.
  public var transposed: MatrixShape { MatrixShape(rows: columns, columns: rows) }

  /// `N×D_in`, `64×1000`.
  public var description: String { "\(rows)×\(columns)" }
}

/// Numbers for the named sizes: from `--at N=64` or a line `N, D_in = 64, 1000`.
public struct SizeBindings: Hashable, Sendable {
  /// The number each name stands for.
  public var values: [String: Int]

  public init(_ values: [String: Int] = [:]) { self.values = values }

  /// The number a size stands for, nil for a name not bound.
  public func value(of size: MatrixSize) -> Int? {
    switch size {
    case .fixed(let n): n
    case .named(let name): values[name]
    }
  }

  /// Whether two sizes are equal: the same name, or bound to the same number.
  public func agree(_ a: MatrixSize, _ b: MatrixSize) -> Bool {
    if a == b { return true }
    guard let x = value(of: a), let y = value(of: b) else { return false }
    return x == y
  }

  /// Whether the size is known to be 1.
  public func isOne(_ size: MatrixSize) -> Bool { value(of: size) == 1 }

  /// Both sizes of a shape as numbers, nil if one of them is not bound.
  public func dimensions(of shape: MatrixShape) -> (rows: Int, columns: Int)? {
    guard let rows = value(of: shape.rows), let columns = value(of: shape.columns) else { return nil }
    return (rows, columns)
  }

  /// The shape as numbers when all its names are bound (`64×1000`), else as written (`N×D_in`).
  public func resolved(_ shape: MatrixShape) -> String {
    guard let (rows, columns) = dimensions(of: shape) else { return shape.description }
    return "\(rows)×\(columns)"
  }

  /// `N×D_in = 64×1000` when the shape has names and they are bound, else the shape alone.
  public func described(_ shape: MatrixShape) -> String {
    let numbers = resolved(shape)
    return numbers == shape.description ? numbers : "\(shape) = \(numbers)"
  }

  /// A size as a number when bound, as written otherwise.
  public func resolved(_ size: MatrixSize) -> String {
    value(of: size).map(String.init) ?? size.description
  }
}
