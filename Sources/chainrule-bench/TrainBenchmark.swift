import ChainRule
import Foundation

/// `train`'s cost per step: the toy model's mean loss and gradient over 100,000 data rows, as
/// `Trainer.lossAndGradient` computes it for `chainrule train` (through the batched tape, the
/// data gathered into columns), beside the batched tape alone on the same rows. In process.
struct TrainBenchmark {
  var rows = 0
  /// Seconds for one full-batch loss and gradient.
  var training = 0.0
  var batched = 0.0
  /// The largest relative difference between the two gradients.
  var disagreement = 0.0

  static func measure(rows count: Int, _ budget: Budget) -> TrainBenchmark {
    var result = TrainBenchmark(rows: count)
    guard let formula = try? Formula(parsing: ToyModel.ascii) else { return result }
    let (xs, ys) = GradientBenchmark.data(count: count)
    let table = DataTable(columns: ["x", "y"], rows: zip(xs, ys).map { [$0, $1] })
    let training = Trainer(formula: formula, parameters: ToyModel.parameters, data: table)
    let few = Budget(warmUp: 0, samples: max(3, budget.samples / 5), sampleTime: 0)
    let rows = Array(0..<count)
    result.training = medianTime(few) { try? training.lossAndGradient(at: ToyModel.theta, rows: rows) }
    result.batched = medianTime(few) { GradientBenchmark.throughBatchedTape(xs, ys) }
    let reference = (try? training.lossAndGradient(at: ToyModel.theta, rows: rows))?.gradient ?? []
    let batched = GradientBenchmark.throughBatchedTape(xs, ys).map { $0 / Double(count) }
    for k in reference.indices where k < batched.count {
      result.disagreement = max(
        result.disagreement, abs(batched[k] - reference[k]) / max(abs(reference[k]), 1e-300))
    }
    return result
  }
}
