import Foundation

/// The forward kernels the rule table calls.
///
/// Each takes operands whose shapes the graph has already checked. The matrix product is
/// blocked and vectorised (`Matrix+Product` below); the rest are plain loops over the entries.
extension Matrix {
  /// The depth of one block of the product: a 4-column panel of B (256×4 doubles, 8 KB) and
  /// four rows of A (4×256) stay in the L1 cache while a 4×4 tile of C is summed.
  static let productBlock = 256

  /// A·B: (m×k)·(k×n) → m×n.
  ///
  /// Cache blocking over k, and a 4×4 register tile of C: each step of k loads four entries of
  /// a row of B as one vector and adds them, times one entry of each of four rows of A, to the
  /// tile (16 multiply-adds per 8 loads). Rows and columns past a multiple of 4 take plain
  /// loops. Each entry sums its k products in ascending order, as the plain loop does.
  public static func product(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: b.columns, repeating: 0)
    let (m, depth, n) = (a.rows, a.columns, b.columns)
    guard m > 0, n > 0, depth > 0 else { return c }
    a.values.withUnsafeBufferPointer { av in
      b.values.withUnsafeBufferPointer { bv in
        c.values.withUnsafeMutableBufferPointer { cv in
          guard let pa = av.baseAddress, let pb = bv.baseAddress, let pc = cv.baseAddress else { return }
          multiplyAdd(pa, pb, pc, m, depth, n)
        }
      }
    }
    return c
  }

  /// C += A·B on raw row-major buffers: A m×k, B k×n, C m×n.
  static func multiplyAdd(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>, _ m: Int,
    _ depth: Int, _ n: Int
  ) {
    typealias Vector = SIMD4<Double>
    @inline(__always) func load(_ p: UnsafePointer<Double>) -> Vector {
      UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }
    @inline(__always) func store(_ v: Vector, _ p: UnsafeMutablePointer<Double>) {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }
    var k0 = 0
    while k0 < depth {
      let k1 = Swift.min(k0 + productBlock, depth)
      var i = 0
      while i + 4 <= m {
        let a0 = a + i * depth
        let a1 = a0 + depth
        let a2 = a1 + depth
        let a3 = a2 + depth
        var j = 0
        while j + 4 <= n {
          let c0 = c + i * n + j
          let c1 = c0 + n
          let c2 = c1 + n
          let c3 = c2 + n
          var x0 = load(c0)
          var x1 = load(c1)
          var x2 = load(c2)
          var x3 = load(c3)
          var row = b + k0 * n + j
          for k in k0..<k1 {
            let u = load(row)
            x0 += Vector(repeating: a0[k]) * u
            x1 += Vector(repeating: a1[k]) * u
            x2 += Vector(repeating: a2[k]) * u
            x3 += Vector(repeating: a3[k]) * u
            row += n
          }
          store(x0, c0)
          store(x1, c1)
          store(x2, c2)
          store(x3, c3)
          j += 4
        }
        while j < n {
          for r in 0..<4 {
            let ar = a + (i + r) * depth
            var sum = c[(i + r) * n + j]
            for k in k0..<k1 { sum += ar[k] * b[k * n + j] }
            c[(i + r) * n + j] = sum
          }
          j += 1
        }
        i += 4
      }
      while i < m {
        let ci = c + i * n
        for k in k0..<k1 {
          let aik = a[i * depth + k]
          let bk = b + k * n
          for j in 0..<n { ci[j] += aik * bk[j] }
        }
        i += 1
      }
      k0 = k1
    }
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
