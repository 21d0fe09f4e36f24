import ChainRule
import Foundation
import Testing

/// The blocked matrix product against the textbook triple loop, at shapes that hit every edge
/// (rows and columns past a multiple of 4, depths past a block).
@Suite struct MatrixKernelTests {
  static func textbook(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: b.columns, repeating: 0)
    for i in 0..<a.rows {
      for j in 0..<b.columns {
        var sum = 0.0
        for k in 0..<a.columns { sum += a[i, k] * b[k, j] }
        c[i, j] = sum
      }
    }
    return c
  }

  @Test(arguments: [
    (1, 1, 1), (4, 4, 4), (5, 3, 7), (8, 300, 9), (64, 1000, 100), (13, 257, 6), (3, 2, 17), (1000, 64, 10),
  ])
  func productAgrees(_ m: Int, _ k: Int, _ n: Int) {
    let a = Matrix(rows: m, columns: k, values: (0..<(m * k)).map { Foundation.sin(Double($0) * 0.7 + 0.3) })
    let b = Matrix(rows: k, columns: n, values: (0..<(k * n)).map { Foundation.cos(Double($0) * 1.3) })
    let fast = Matrix.product(a, b)
    let slow = Self.textbook(a, b)
    #expect(fast.rows == m && fast.columns == n)
    var worst = 0.0
    for (x, y) in zip(fast.values, slow.values) {
      worst = Swift.max(worst, Swift.abs(x - y) / Swift.max(1, Swift.abs(y)))
    }
    #expect(worst < 1e-12, "\(m)×\(k)·\(k)×\(n): \(worst)")
  }

  @Test func emptyAndZero() {
    let a = Matrix(rows: 2, columns: 3, repeating: 0)
    let b = Matrix(rows: 3, columns: 5, repeating: 1)
    #expect(Matrix.product(a, b) == Matrix(rows: 2, columns: 5, repeating: 0))
  }
}
