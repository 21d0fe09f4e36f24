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
  /// The loss compiled for eight rows per pass: the fast path of ``lossAndGradient(at:rows:)``.
  private let batched: BatchedTape

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
    batched = BatchedTape(Tape(graph: formula.graph, root: formula.root))
  }

  /// The mean loss over `rows` and its mean gradient, at parameter values `theta`.
  ///
  /// - Throws: ``EvaluationError`` when a row has no value (e.g. log of a negative number).
  public func lossAndGradient(
    at theta: [Double], rows: some Collection<Int>
  ) throws(EvaluationError) -> (loss: Double, gradient: [Double]) {
    if let fast = batchedLossAndGradient(at: theta, rows: rows) { return fast }
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

  /// The mean loss and gradient through the batched tape (about 80× faster than evaluating the
  /// symbolic gradient row by row), or nil when a variable has no value or a result is not
  /// finite: then the evaluator runs, to name what failed.
  private func batchedLossAndGradient(at theta: [Double], rows: some Collection<Int>) -> (
    loss: Double, gradient: [Double]
  )? {
    let parameterIndex = Dictionary(parameters.indices.map { (parameters[$0], $0) }, uniquingKeysWith: { a, _ in a })
    let column = Dictionary(columnIndex, uniquingKeysWith: { a, _ in a })
    var columns: [[Double]] = []
    for name in batched.variables {
      if let index = parameterIndex[name], index < theta.count {
        columns.append([theta[index]])
      } else if let index = column[name] {
        columns.append(rows.map { data.rows[$0][index] })
      } else if let constant = Parser.constants[name] {
        columns.append([constant])
      } else {
        return nil
      }
    }
    var tape = batched
    var sums = [Double](repeating: 0, count: columns.count)
    let lossSum = tape.accumulate(columns: columns, count: rows.count, gradient: &sums)
    let n = Double(max(1, rows.count))
    let slot = Dictionary(tape.variables.indices.map { (tape.variables[$0], $0) }, uniquingKeysWith: { a, _ in a })
    let mean = parameters.map { name in slot[name].map { sums[$0] / n } ?? 0 }
    guard lossSum.isFinite, mean.allSatisfy(\.isFinite) else { return nil }
    return (lossSum / n, mean)
  }

  /// Training stopped in ``epoch``: at ``parameters`` the loss or its gradient has no finite
  /// value (``error`` says where, or is nil when the loss is merely not finite).
  public struct Divergence: Error, Sendable {
    public var epoch: Int
    public var parameters: [Double]
    public var error: EvaluationError?
    /// The epochs completed before.
    public var history: [Epoch]
  }

  /// Runs `epochs` epochs from `initial` values; `progress` is called after each epoch.
  ///
  /// - Throws: ``Divergence`` when the loss has no finite value (overflow, a domain error).
  public func train(
    from initial: [Double], rate: Double, epochs: Int, batchSize: Int?, optimizer: Optimizer, seed: UInt64,
    progress: (Epoch) -> Void = { _ in }
  ) throws(Divergence) -> (parameters: [Double], history: [Epoch]) {
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
        let g: [Double]
        do throws(EvaluationError) {
          g = try lossAndGradient(at: theta, rows: rows).gradient
        } catch {
          throw Divergence(epoch: epoch, parameters: theta, error: error, history: history)
        }
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
      let loss: Double
      do throws(EvaluationError) {
        loss = try lossAndGradient(at: theta, rows: order.indices).loss
      } catch {
        throw Divergence(epoch: epoch, parameters: theta, error: error, history: history)
      }
      guard loss.isFinite else { throw Divergence(epoch: epoch, parameters: theta, error: nil, history: history) }
      let record = Epoch(number: epoch, loss: loss)
      history.append(record)
      progress(record)
    }
    return (theta, history)
  }
}

/// A model with one input column and one target column, and its prediction as a function of the
/// input, to draw the fitted curve over the data.
///
/// The loss must compare a prediction with the target by squared or absolute error, so that
/// its last step is `(M − t)²`, `c·(M − t)²`, `|M − t|` (or with `t − M`): then M, written in
/// terms of the earlier steps, is the prediction. Any other loss (a cross-entropy, a sum over
/// several targets) has no such curve, and ``init(formula:columns:)`` returns nil.
public struct FittedCurve {
  /// The input column, drawn on the x axis.
  public let input: String
  /// The target column, drawn on the y axis.
  public let target: String
  private let program: ForwardProgram
  private let prediction: NodeID
  /// The steps the prediction needs (all but the loss and the error).
  private let modelSteps: [Step]

  /// The curve of `formula` (a loss for one row) over data with `columns`, or nil if the
  /// model has not exactly one input and one target or compares them otherwise.
  public init?(formula: Formula, columns: [String]) {
    let used = columns.filter { formula.variables.contains($0) }
    guard used.count == 2 else { return nil }
    let program = ForwardProgram(formula: formula, dataNames: Set(columns))
    guard let last = program.steps.last else { return nil }
    let graph = program.graph
    // The error inside the loss: c·(M − t)² or |M − t|, numeric factors dropped, and the
    // error itself may be a step of its own (abs(f₁) with f₁ = h₁ − y).
    var error = last.expression
    if case .product(let factors) = graph[error] {
      let rest = factors.filter { graph.numberValue($0) == nil }
      guard rest.count == 1 else { return nil }
      error = rest[0]
    }
    switch graph[error] {
    case .power(let base, let exponent) where graph.numberValue(exponent) == 2: error = base
    case .call(.abs, let arguments) where arguments.count == 1: error = arguments[0]
    default: return nil
    }
    var errorStep: String? = nil
    if case .symbol(let name) = graph[error], let step = program.steps.first(where: { $0.name == name }) {
      errorStep = name
      error = step.expression
    }
    guard case .sum(let terms) = graph[error] else { return nil }
    // The target is a column that stands alone as a term, ±t.
    func sign(of term: NodeID, _ column: String) -> Double? {
      if term == graph.symbol(column) { return 1 }
      if term == graph.product([graph.number(-1), graph.symbol(column)]) { return -1 }
      return nil
    }
    guard let target = used.first(where: { column in terms.contains { sign(of: $0, column) != nil } }),
      let input = used.first(where: { $0 != target }),
      let targetTerm = terms.firstIndex(where: { sign(of: $0, target) != nil }),
      let targetSign = sign(of: terms[targetTerm], target)
    else { return nil }
    // The target enters nowhere else: not in the other terms, not in the other steps.
    let rest = terms.enumerated().filter { $0.offset != targetTerm }.map(\.element)
    guard !rest.isEmpty else { return nil }
    let remainder = rest.count == 1 ? rest[0] : graph.sum(rest)
    let others = program.steps.dropLast().filter { $0.name != errorStep }
    guard !graph.symbols(in: remainder).contains(target),
      !others.contains(where: { graph.symbols(in: $0.expression).contains(target) })
    else { return nil }
    // M − t: M is the rest; t − M: M is minus the rest.
    self.prediction = targetSign < 0 ? remainder : graph.product([graph.number(-1), remainder])
    self.input = input
    self.target = target
    self.program = program
    self.modelSteps = Array(others)
  }

  /// The prediction at each of `inputs`, with the parameters (and any fixed values) in
  /// `values`; NaN where the model has no value.
  public func predictions(at inputs: [Double], values: [String: Double]) -> [Double] {
    let evaluator = Evaluator(graph: program.graph)
    return inputs.map { x in
      var point = values
      point[input] = x
      for step in modelSteps {
        guard let value = try? evaluator.evaluate(step.expression, at: point) else { return .nan }
        point[step.name] = value
      }
      return (try? evaluator.evaluate(prediction, at: point)) ?? .nan
    }
  }
}
