import ChainRuleSupport
import Foundation

/// A matrix of doubles, row-major: the numbers of matrix mode.
///
/// The kernels (`Matrix+Kernels.swift`) are plain loops; the rule table calls them, so faster
/// ones replace them in that one file.
public struct Matrix: Hashable, Sendable {
  public let rows: Int
  public let columns: Int
  /// The entries, row after row: entry (i, j) is `values[i * columns + j]`.
  public var values: [Double]

  public init(rows: Int, columns: Int, values: [Double]) {
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// A matrix of one value.
  public init(rows: Int, columns: Int, repeating value: Double) {
    self.init(rows: rows, columns: columns, values: [Double](repeating: value, count: rows * columns))
  }

  /// A 1×1 matrix.
  public init(scalar: Double) { self.init(rows: 1, columns: 1, values: [scalar]) }

  /// Rows of numbers, all of one length.
  public init?(_ rowsOfValues: [[Double]]) {
    guard let first = rowsOfValues.first, rowsOfValues.allSatisfy({ $0.count == first.count }), !first.isEmpty
    else { return nil }
    self.init(rows: rowsOfValues.count, columns: first.count, values: rowsOfValues.flatMap { $0 })
  }

  /// Entry (i, j), both from 0.
  public subscript(i: Int, j: Int) -> Double {
    get { values[i * columns + j] }
    set { values[i * columns + j] = newValue }
  }

  /// Entry (i, j) of this matrix repeated to a larger shape: a row of 1 serves every row, a
  /// column of 1 every column.
  @inline(__always)
  func broadcastEntry(_ i: Int, _ j: Int) -> Double {
    values[(rows == 1 ? 0 : i) * columns + (columns == 1 ? 0 : j)]
  }

  /// The single entry of a 1×1 matrix (the first entry of any other).
  public var scalar: Double { values.first ?? .nan }

  /// The rows as arrays, for JSON.
  public var rowArrays: [[Double]] {
    (0..<rows).map { i in Array(values[(i * columns)..<((i + 1) * columns)]) }
  }

  /// Whether every entry is finite.
  public var isFinite: Bool { values.allSatisfy(\.isFinite) }

  /// A matrix of standard normal entries (as NumPy's `randn`), from `generator`.
  public static func randomNormal(rows: Int, columns: Int, using generator: inout SplitMix64) -> Matrix {
    var values: [Double] = []
    values.reserveCapacity(rows * columns)
    while values.count < rows * columns {
      // Box–Muller: two uniform numbers in (0, 1] give two independent normal ones.
      let u = (Double(generator.next() >> 11) + 1) / 9_007_199_254_740_992
      let v = Double(generator.next() >> 11) / 9_007_199_254_740_992
      let radius = Foundation.sqrt(-2 * Foundation.log(u))
      values.append(radius * Foundation.cos(2 * .pi * v))
      if values.count < rows * columns { values.append(radius * Foundation.sin(2 * .pi * v)) }
    }
    return Matrix(rows: rows, columns: columns, values: values)
  }

  /// A column of class indices 0..<classes, uniformly drawn.
  public static func randomIndices(rows: Int, columns: Int, classes: Int, using generator: inout SplitMix64) -> Matrix {
    let values = (0..<(rows * columns)).map { _ in Double(generator.next() % UInt64(Swift.max(classes, 1))) }
    return Matrix(rows: rows, columns: columns, values: values)
  }

  /// One-hot rows (a one-hot column when `column`), the hot entry uniformly drawn.
  public static func randomOneHot(rows: Int, columns: Int, column: Bool, using generator: inout SplitMix64) -> Matrix {
    var out = Matrix(rows: rows, columns: columns, repeating: 0)
    if column {
      out[Int(generator.next() % UInt64(Swift.max(rows, 1))), 0] = 1
    } else {
      for i in 0..<rows { out[i, Int(generator.next() % UInt64(Swift.max(columns, 1)))] = 1 }
    }
    return out
  }
}
