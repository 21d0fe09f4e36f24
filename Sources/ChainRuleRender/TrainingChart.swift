import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// The charts of a training: the loss per epoch of every run (epoch 0 is the starting loss),
/// on a log scale when it spans more than two decades; and for a model with one input column
/// and a squared or absolute error (``FittedCurve``), the fitted curves over the data points.
///
/// ```swift
/// TrainingChart(runs: [.init(label: "sgd", losses: [2.9, 0.33, 0.14], parameters: fitted)],
///               parameters: ["b", "w"], data: data, formula: formula).svg()
/// ```
public struct TrainingChart {
  /// One run: its name in the legend, its loss at epochs 0, 1, …, and its fitted parameters.
  public struct Run: Sendable {
    public var label: String
    public var losses: [Double]
    public var parameters: [Double]
    public init(label: String, losses: [Double], parameters: [Double]) {
      self.label = label
      self.losses = losses
      self.parameters = parameters
    }
  }

  public var runs: [Run]
  /// The names of the fitted parameters, in the order of each run's values.
  public var parameters: [String]
  public var data: DataTable
  /// The loss for one row (with any fixed values substituted).
  public var formula: Formula
  /// The notation of axis names.
  public var notation: Notation = .unicode

  public init(runs: [Run], parameters: [String], data: DataTable, formula: Formula) {
    self.runs = runs
    self.parameters = parameters
    self.data = data
    self.formula = formula
  }

  /// The charts side by side, as one SVG element.
  public func svg() -> String {
    SVGChart.document(charts())
  }

  /// The loss chart, and the fitted-curve chart when the model has one.
  public func charts() -> [SVGChart] {
    let rowCount = data.rows.count
    let series = runs.map { run in
      SVGChart.Series(name: run.label, points: run.losses.enumerated().map { (x: Double($0.offset), y: $0.element) })
    }
    let finite = runs.flatMap(\.losses).filter { $0.isFinite }
    let logarithmic = (finite.min() ?? 0) > 0 && (finite.max() ?? 0) / (finite.min() ?? 1) > 100
    var charts = [
      SVGChart(
        title: "Loss per epoch", xLabel: "epoch",
        yLabel: "mean loss over the \(rowCount) rows", series: series, logarithmicY: logarithmic, integerX: true)
    ]
    if let curve = FittedCurve(formula: formula, columns: data.columns),
      let inputColumn = data.columns.firstIndex(of: curve.input),
      let targetColumn = data.columns.firstIndex(of: curve.target)
    {
      let xs = data.rows.map { $0[inputColumn] }
      let low = xs.min() ?? 0
      let high = xs.max() ?? 1
      let grid = (0...200).map { low + (high - low) * Double($0) / 200 }
      var fit = [
        SVGChart.Series(
          name: "data (\(rowCount) rows)", points: data.rows.map { (x: $0[inputColumn], y: $0[targetColumn]) },
          mark: .points, colour: "#555555")
      ]
      for run in runs {
        let values = Dictionary(uniqueKeysWithValues: zip(parameters, run.parameters))
        let predictions = curve.predictions(at: grid, values: values)
        let name = runs.count == 1 ? "fitted model" : run.label
        fit.append(SVGChart.Series(name: name, points: zip(grid, predictions).map { (x: $0, y: $1) }))
      }
      // The data keep their grey; the curves take the loss chart's colours.
      for index in fit.indices.dropFirst() {
        fit[index].colour = SVGChart.palette[(index - 1) % SVGChart.palette.count]
      }
      charts.append(
        SVGChart(
          title: "The fitted model over the data", xLabel: notation.name(curve.input),
          yLabel: notation.name(curve.target), series: fit))
    }
    return charts
  }
}
