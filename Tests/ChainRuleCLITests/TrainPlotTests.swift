import ChainRuleCLI
import Foundation
import Testing

/// `train --plot` and `--compare`: the chart is written, starts at epoch 0, has axes, ticks,
/// labels and a legend, and shows the fitted curve for a one-input model.
@Suite struct TrainPlotTests {
  static let data = Snapshot.examples.appendingPathComponent("toy-data.csv").path
  static let toyStart = "beta0=0,beta1=0,beta2=0,beta3=0,omega0=1,omega1=1,omega2=1,omega3=1"

  /// Runs `train` with `--plot` into a temporary file and returns stdout and the SVG.
  static func train(_ arguments: [String]) throws -> (stdout: String, svg: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-plot-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("loss.svg").path
    let result = chainrule(["train"] + arguments + ["--plot", path])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix("wrote \(path)\n"))
    return (result.stdout, try String(contentsOfFile: path, encoding: .utf8))
  }

  /// The points of each `<polyline>`, in order.
  static func polylines(_ svg: String) -> [[(x: Double, y: Double)]] {
    svg.components(separatedBy: "<polyline points=\"").dropFirst().map { rest in
      let list = rest.prefix { $0 != "\"" }
      return list.split(separator: " ").compactMap { pair in
        let xy = pair.split(separator: ",").compactMap { Double($0) }
        return xy.count == 2 ? (xy[0], xy[1]) : nil
      }
    }
  }

  @Test func oneRunDrawsItsLossFromEpochZeroAndTheFittedLine() throws {
    let (stdout, svg) = try Self.train(["(b + w*x - y)^2", "--data", Self.data, "--lr", "0.1", "--epochs", "30"])
    // The text output is the usual one.
    #expect(stdout.contains("epoch  0  loss ") && stdout.contains("loss by epoch"))
    let texts = GraphCommandTests.parse(svg).texts
    for label in ["Loss per epoch", "epoch", "The fitted model over the data", "x", "y", "0", "10", "20", "30"] {
      #expect(texts.contains(label), "no '\(label)'")
    }
    #expect(texts.contains { $0.hasPrefix("mean loss over the 40 rows") })
    let lines = Self.polylines(svg)
    // The loss (31 points: epochs 0…30) and the fitted line (201 points).
    #expect(lines.map(\.count) == [31, 201])
    // Epoch 0 sits on the y axis, the left edge of the plot area, and the loss falls.
    let loss = try #require(lines.first)
    #expect(loss.first?.x == 72)
    #expect((loss.last?.y ?? 0) > (loss.first?.y ?? 0), "the last loss is drawn lower than the first")
    // Forty data points, and the data's swatch in the legend.
    #expect(svg.components(separatedBy: "fill-opacity=\"0.55\"").count - 1 == 41)
  }

  @Test func compareDrawsThreeRunsWithALegend() throws {
    let (stdout, svg) = try Self.train([
      "-f", Snapshot.examples.appendingPathComponent("toy-model-steps.chain").path, "--data", Self.data, "--lr",
      "0.05", "--epochs", "10", "--at", Self.toyStart, "--compare",
    ])
    #expect(stdout.contains("three runs from the same start, learning rate 0.05, 10 epochs, seed 1"))
    let runs = ["sgd, full batch (40 rows)", "sgd, mini-batches of 8 rows", "adam, mini-batches of 8 rows"]
    for run in runs { #expect(stdout.contains("  " + run + " ")) }
    #expect(stdout.contains("parameter   start   sgd full batch"))
    let texts = GraphCommandTests.parse(svg).texts
    // Each run's name twice: in the loss chart's legend and in the fitted chart's.
    for run in runs { #expect(texts.filter { $0 == run }.count == 2, "\(run)") }
    #expect(texts.contains("data (40 rows)"))
    // Three loss curves of 11 points, three fitted curves of 201.
    #expect(Self.polylines(svg).map(\.count) == [11, 11, 11, 201, 201, 201])
    // The losses span more than two decades: a log axis.
    #expect(texts.contains("mean loss over the 40 rows (log scale)"))
  }

  /// The full-batch run of --compare is the plain run: same losses.
  @Test func compareRunsAreTheSingleRuns() {
    let base = ["train", "(b + w*x - y)^2", "--data", Self.data, "--lr", "0.1", "--epochs", "5", "--at", "b=0,w=0.5"]
    let single = chainrule(base)
    let compared = chainrule(base + ["--compare"])
    let last = single.stdout.split(separator: "\n").first { $0.hasPrefix("epoch 5") }?.split(separator: " ").last
    let row = compared.stdout.split(separator: "\n").first { $0.contains("sgd, full batch") }
    #expect(last != nil && row?.hasSuffix(" " + (last ?? "")) == true, "\(compared.stdout)")
  }

  @Test func aModelWithTwoInputsHasNoFittedCurve() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-plot-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let csv = directory.appendingPathComponent("data.csv")
    try "x,z,y\n0,1,1\n1,0,2\n2,1,2.5\n".write(to: csv, atomically: true, encoding: .utf8)
    let (_, svg) = try Self.train(["(w*x + v*z - y)^2", "--data", csv.path, "--lr", "0.05", "--epochs", "3"])
    let texts = GraphCommandTests.parse(svg).texts
    #expect(texts.contains("Loss per epoch"))
    #expect(!texts.contains("The fitted model over the data"))
  }

  @Test func compareTakesNoOptimizer() {
    let result = chainrule(
      "train", "(w*x - y)^2", "--data", Self.data, "--lr", "0.1", "--compare", "--optimizer", "adam")
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("error: --compare trains with sgd and adam itself; leave out --optimizer\n"))
  }
}
