import ChainRule
import Foundation
import Testing

@testable import ChainRuleRender

/// The training chart's parts: the fitted curve of a one-input model, and round ticks.
@Suite struct TrainingChartTests {
  /// The prediction inside a squared or absolute error, evaluated at a few inputs.
  @Test(arguments: [
    ("(b + w*x - y)^2", "b + w*x"),
    ("(y - w*x)^2", "w*x"),
    ("1/2*(w*x - y)^2", "w*x"),
    ("abs(sin(w*x) - y)", "sin(w*x)"),
    ("f = b + w*x\nl = (f - y)^2", "b + w*x"),
    ("h = tanh(w*x + b)\nl = 3*(y - v*h)^2", "v*tanh(w*x + b)"),
  ])
  func theFittedCurveIsThePredictionInsideTheError(_ loss: String, _ model: String) throws {
    let formula = try Formula(parsing: loss)
    let curve = try #require(FittedCurve(formula: formula, columns: ["x", "y"]))
    #expect(curve.input == "x" && curve.target == "y")
    let values: [String: Double] = ["b": 0.3, "w": -1.7, "v": 0.8]
    let reference = try Formula(parsing: model)
    let inputs = [-2.0, -0.5, 0, 1.25, 3]
    let predicted = curve.predictions(at: inputs, values: values)
    for (x, value) in zip(inputs, predicted) {
      var point = values
      point["x"] = x
      let expected = try Evaluator(graph: reference.graph).evaluate(reference.root, at: point)
      #expect(isClose(value, expected, relative: 1e-12), "\(loss) at x = \(x)")
    }
  }

  /// No curve when the loss is not an error between one prediction and one target, or the
  /// data have more than one input.
  @Test(arguments: [
    ("-(y*log(sigmoid(w*x)) + (1 - y)*log(1 - sigmoid(w*x)))", ["x", "y"]),
    ("(w*x + v*z - y)^2", ["x", "z", "y"]),
    ("(w*x - y)^2 + (v*x - t)^2", ["x", "y", "t"]),
    ("(w*x - y)^4", ["x", "y"]),
    ("(w - y)^2", ["x", "y"]),
  ])
  func otherLossesHaveNoFittedCurve(_ loss: String, _ columns: [String]) throws {
    #expect(FittedCurve(formula: try Formula(parsing: loss), columns: columns) == nil)
  }

  @Test func ticksAreRoundAndCoverTheRange() {
    #expect(SVGChart.ticks(0, 60, integer: true) == [0, 10, 20, 30, 40, 50, 60])
    #expect(SVGChart.ticks(0, 3) == [0, 0.5, 1, 1.5, 2, 2.5, 3])
    #expect(SVGChart.ticks(1.21, 1.35).first == 1.2)
    // The last tick may pass the range, so the axis ends on a round number.
    #expect(SVGChart.ticks(0, 9, integer: true) == [0, 2, 4, 6, 8, 10])
    #expect(SVGChart.ticks(0, 3, integer: true) == [0, 1, 2, 3])
    // A log axis from 0.0021 to 2.88: the decades 10⁻³ … 10¹; over fewer than three decades,
    // also 2× and 5× between them.
    let long = SVGChart.logTicks(Foundation.log10(0.0021), Foundation.log10(2.88)).map(\.label)
    #expect(long == ["0.001", "0.01", "0.1", "1", "10"])
    let short = SVGChart.logTicks(Foundation.log10(0.02), Foundation.log10(0.3)).map(\.label)
    #expect(short == ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"])
    #expect(SVGChart.label(-0.25) == "−0.25" && SVGChart.label(1e-5) == "1e−5")
  }
}
