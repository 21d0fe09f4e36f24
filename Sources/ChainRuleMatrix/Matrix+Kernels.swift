import Foundation

/// The forward kernels the rule table calls: plain loops, correct first.
///
/// Each takes operands whose shapes the graph has already checked.
extension Matrix {
  /// A·B: (m×k)·(k×n) → m×n, in i-k-j order so the inner loop runs along rows of B.
  public static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: b.columns, repeating: 0)
    let n = b.columns
    a.values.withUnsafeBufferPointer { av in
      b.values.withUnsafeBufferPointer { bv in
        c.values.withUnsafeMutableBufferPointer { cv in
          for i in 0..<a.rows {
            for k in 0..<a.columns {
              let aik = av[i * a.columns + k]
              if aik == 0 { continue }
              let bRow = k * n
              let cRow = i * n
              for j in 0..<n { cv[cRow + j] += aik * bv[bRow + j] }
            }
          }
        }
      }
    }
    return c
  }

  /// Aᵀ.
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows, repeating: 0)
    for i in 0..<rows {
      for j in 0..<columns { t.values[j * rows + i] = values[i * columns + j] }
    }
    return t
  }

  /// `f(a, b)` entry by entry, repeating a row, column or scalar operand to `rows`×`columns`.
  public static func elementwise(
    _ a: Matrix, _ b: Matrix, rows: Int, columns: Int, _ f: (Double, Double) -> Double
  ) -> Matrix {
    if a.rows == rows && a.columns == columns && b.rows == rows && b.columns == columns {
      return Matrix(rows: rows, columns: columns, values: zip(a.values, b.values).map { f($0, $1) })
    }
    var values: [Double] = []
    values.reserveCapacity(rows * columns)
    for i in 0..<rows {
      for j in 0..<columns { values.append(f(a.broadcastEntry(i, j), b.broadcastEntry(i, j))) }
    }
    return Matrix(rows: rows, columns: columns, values: values)
  }

  /// `f` of every entry.
  public func map(_ f: (Double) -> Double) -> Matrix {
    Matrix(rows: rows, columns: columns, values: values.map(f))
  }

  /// This matrix repeated to `rows`×`columns`.
  public func broadcast(rows: Int, columns: Int) -> Matrix {
    Matrix.elementwise(self, Matrix(scalar: 0), rows: rows, columns: columns) { a, _ in a }
  }

  /// The sum of all entries, of the rows (1×n) or of the columns (m×1).
  public func sum(over axis: SumAxis) -> Matrix {
    switch axis {
    case .all: return Matrix(scalar: values.reduce(0, +))
    case .rows:
      var out = Matrix(rows: 1, columns: columns, repeating: 0)
      for i in 0..<rows { for j in 0..<columns { out.values[j] += values[i * columns + j] } }
      return out
    case .columns:
      var out = Matrix(rows: rows, columns: 1, repeating: 0)
      for i in 0..<rows { for j in 0..<columns { out.values[i] += values[i * columns + j] } }
      return out
    }
  }

  /// softmax of each row (of the single column when `overColumn`), shifted by the largest entry
  /// so no exponential overflows.
  public func softmax(overColumn: Bool) -> Matrix {
    if overColumn { return transposed.softmax(overColumn: false).transposed }
    var out = self
    for i in 0..<rows {
      let row = values[(i * columns)..<((i + 1) * columns)]
      let largest = row.max() ?? 0
      let exps = row.map { Foundation.exp($0 - largest) }
      let total = exps.reduce(0, +)
      for j in 0..<columns { out.values[i * columns + j] = exps[j] / total }
    }
    return out
  }

  /// −Σ yᵢⱼ·log pᵢⱼ, the summed cross-entropy (entries with yᵢⱼ = 0 add nothing, even where
  /// pᵢⱼ = 0).
  public static func crossEntropy(_ p: Matrix, _ y: Matrix) -> Matrix {
    var total = 0.0
    for (pv, yv) in zip(p.values, y.values) where yv != 0 { total -= yv * Foundation.log(pv) }
    return Matrix(scalar: total)
  }

  /// Class indices as one-hot rows of `rows`×`columns` (one-hot columns when `columns` is 1
  /// and there is a single index); nil when an index is not a whole number in range.
  public static func oneHot(_ labels: Matrix, rows: Int, columns: Int) -> Matrix? {
    var out = Matrix(rows: rows, columns: columns, repeating: 0)
    if columns == 1 && labels.values.count == 1 {
      let k = labels.scalar
      guard k == k.rounded(), k >= 0, Int(k) < rows else { return nil }
      out.values[Int(k)] = 1
      return out
    }
    guard labels.values.count == rows else { return nil }
    for (i, k) in labels.values.enumerated() {
      guard k == k.rounded(), k >= 0, Int(k) < columns else { return nil }
      out.values[i * columns + Int(k)] = 1
    }
    return out
  }

  /// tr(A).
  public var trace: Double { (0..<Swift.min(rows, columns)).reduce(0) { $0 + values[$1 * columns + $1] } }

  /// ‖A‖²_F.
  public var frobeniusSquared: Double { values.reduce(0) { $0 + $1 * $1 } }

  /// The n×n identity.
  public static func identity(_ n: Int) -> Matrix {
    var out = Matrix(rows: n, columns: n, repeating: 0)
    for i in 0..<n { out.values[i * n + i] = 1 }
    return out
  }
}
