import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A table of data rows: named columns of numbers, as read from a CSV file with a header row.
public struct DataTable: Sendable {
  /// Column names, canonical spelling.
  public var columns: [String]
  /// The rows, each with one value per column.
  public var rows: [[Double]]

  public init(columns: [String], rows: [[Double]]) {
    self.columns = columns
    self.rows = rows
  }

  /// Why a CSV file could not be read.
  public struct ParseError: Error, Sendable {
    /// The 1-based line of the problem.
    public var line: Int
    public var message: String
  }

  /// Reads comma-separated text whose first line names the columns; `#` lines are comments.
  ///
  /// - Parameters:
  ///   - text: The CSV text.
  ///   - canonicalName: Maps a header cell to a canonical name (nil if it is not a name).
  /// - Throws: ``ParseError`` naming the line of a malformed row or header.
  public init(csv text: String, canonicalName: (String) -> String?) throws(ParseError) {
    var header: [String]? = nil
    var rows: [[Double]] = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard let names = header else {
        var names: [String] = []
        for cell in cells {
          guard let name = canonicalName(cell) else {
            throw ParseError(line: index + 1, message: "the header cell '\(cell)' is not a variable name")
          }
          names.append(name)
        }
        header = names
        continue
      }
      guard cells.count == names.count else {
        throw ParseError(line: index + 1, message: "expected \(names.count) values, found \(cells.count)")
      }
      var row: [Double] = []
      for cell in cells {
        guard let value = Double(cell), value.isFinite else {
          throw ParseError(line: index + 1, message: "'\(cell)' is not a finite number")
        }
        row.append(value)
      }
      rows.append(row)
    }
    guard let names = header else { throw ParseError(line: 1, message: "the file has no header row") }
    guard !rows.isEmpty else { throw ParseError(line: 2, message: "the file has a header but no data rows") }
    self.columns = names
    self.rows = rows
  }
}

/// A gradient-descent rule that turns a gradient into a parameter update.
public enum Optimizer: String, CaseIterable, Sendable {
  /// θ ← θ − η·g.
  case sgd
  /// v ← μ·v + g, θ ← θ − η·v with μ = 0.9.
  case momentum
  /// Adam (Kingma & Ba): moment estimates with β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, bias-corrected.
  case adam
}

/// Fits a formula's parameters to data by gradient descent, the gradient coming from the
/// backward pass over a shared derivative graph.
///
/// The loss of a batch is the mean of the formula over its rows; its gradient is the mean of
/// the rows' gradients. A batch size of nil uses every row (full batch); otherwise the rows are
/// shuffled each epoch with a seeded generator and taken in mini-batches.
public struct Trainer {
  /// The formula whose mean over the data is minimised.
  public let formula: Formula
  /// The parameters fitted, in order.
  public let parameters: [String]
  /// The data.
  public let data: DataTable
  private let gradient: [NodeID]
  private let columnIndex: [(String, Int)]

  /// One epoch's record.
  public struct Epoch: Sendable {
    public var number: Int
    /// The mean loss over all rows after the epoch.
    public var loss: Double
  }

  /// Prepares training of `parameters` of `formula` on `data`.
  public init(formula: Formula, parameters: [String], data: DataTable) {
    self.formula = formula
    self.parameters = parameters
    self.data = data
    gradient = formula.gradient(withRespectTo: parameters)
    columnIndex = data.columns.enumerated().map { ($0.element, $0.offset) }
  }

  /// The mean loss over `rows` and its mean gradient, at parameter values `theta`.
  ///
  /// - Throws: ``EvaluationError`` when a row has no value (e.g. log of a negative number).
  public func lossAndGradient(
    at theta: [Double], rows: some Collection<Int>
  ) throws(EvaluationError) -> (loss: Double, gradient: [Double]) {
    var point: [String: Double] = [:]
    for (name, value) in zip(parameters, theta) { point[name] = value }
    let evaluator = Evaluator(graph: formula.graph)
    var loss = 0.0
    var total = [Double](repeating: 0, count: parameters.count)
    for row in rows {
      for (name, column) in columnIndex { point[name] = data.rows[row][column] }
      let values = try evaluator.values(of: [formula.root] + gradient, at: point).values
      loss += values[formula.root] ?? .nan
      for i in gradient.indices { total[i] += values[gradient[i]] ?? .nan }
    }
    let n = Double(max(1, rows.count))
    return (loss / n, total.map { $0 / n })
  }

  /// Runs `epochs` epochs from `initial` values; `progress` is called after each epoch.
  ///
  /// - Throws: ``EvaluationError`` when the loss has no value on some row.
  public func train(
    from initial: [Double], rate: Double, epochs: Int, batchSize: Int?, optimizer: Optimizer, seed: UInt64,
    progress: (Epoch) -> Void = { _ in }
  ) throws(EvaluationError) -> (parameters: [Double], history: [Epoch]) {
    var theta = initial
    var velocity = [Double](repeating: 0, count: theta.count)
    var secondMoment = [Double](repeating: 0, count: theta.count)
    var step = 0
    var generator = SplitMix64(seed: seed)
    var order = Array(data.rows.indices)
    var history: [Epoch] = []
    let batch = min(batchSize ?? order.count, order.count)
    for epoch in 1...max(1, epochs) {
      if batchSize != nil { order.shuffle(using: &generator) }
      var start = 0
      while start < order.count {
        let rows = order[start..<min(start + batch, order.count)]
        start += batch
        let (_, g) = try lossAndGradient(at: theta, rows: rows)
        step += 1
        for i in theta.indices {
          switch optimizer {
          case .sgd:
            theta[i] -= rate * g[i]
          case .momentum:
            velocity[i] = 0.9 * velocity[i] + g[i]
            theta[i] -= rate * velocity[i]
          case .adam:
            velocity[i] = 0.9 * velocity[i] + 0.1 * g[i]
            secondMoment[i] = 0.999 * secondMoment[i] + 0.001 * g[i] * g[i]
            let mHat = velocity[i] / (1 - pow(0.9, Double(step)))
            let vHat = secondMoment[i] / (1 - pow(0.999, Double(step)))
            theta[i] -= rate * mHat / (vHat.squareRoot() + 1e-8)
          }
        }
      }
      let loss = try lossAndGradient(at: theta, rows: order.indices).loss
      let record = Epoch(number: epoch, loss: loss)
      history.append(record)
      progress(record)
    }
    return (theta, history)
  }
}
