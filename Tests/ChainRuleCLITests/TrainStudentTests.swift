import ChainRuleCLI
import Foundation
import Testing

/// `train` where students trip: data that matches no variable, a learning rate that makes the
/// loss diverge, the loss per epoch as CSV, and epoch 0 in the loss chart.
@Suite struct TrainStudentTests {
  /// A temporary file holding `text`, removed by the caller's `defer`.
  static func file(_ name: String, _ text: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-train-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test func columnsThatMatchNoVariableAreAnError() throws {
    let data = try Self.file("ab.csv", "a,b\n1,2\n2,4\n3,6\n")
    defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
    let result = chainrule("train", "(w*x + c - y)^2", "--data", data.path, "--lr", "0.1", "--epochs", "3")
    #expect(result.exitCode == 1)
    #expect(result.stdout == "")
    #expect(
      result.stderr
        == "error: no column of \(data.path) is a variable of the model: the columns are a, b and the model's "
        + "variables w, x, c, y; name the header row's columns after the model's data variables (e.g. x,y)\n")
  }

  @Test func anUnusedColumnIsNamed() throws {
    let data = try Self.file("xy.csv", "x,y,id\n1,2,1\n2,4,2\n")
    defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
    let result = chainrule("train", "(w*x - y)^2", "--data", data.path, "--lr", "0.1", "--epochs", "3")
    #expect(result.exitCode == 0)
    #expect(result.stdout.hasPrefix("training w on 2 rows"))
    #expect(result.stderr == "note: the column 'id' of \(data.path) is not a variable of the model; it is not used\n")
  }

  @Test func divergenceSaysTheEpochAndRowAndSuggestsASmallerRate() throws {
    let data = try Self.file("xy.csv", "x,y\n1,2\n2,4\n30,60\n")
    defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
    let result = chainrule(
      "train", "(w*x - y)^2", "--data", data.path, "--lr", "1", "--epochs", "500", "--at", "w=0")
    #expect(result.exitCode == 1)
    // The losses so far are printed, from epoch 0, and the run stops.
    let epochs = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch") }
    #expect(epochs.first?.hasSuffix("loss 1206.66666667") == true, "\(epochs.first ?? "")")
    #expect(epochs.count > 10 && epochs.count < 500)
    #expect(result.stdout.hasSuffix("\nstopped: the loss diverged\n"))
    let stopped = epochs.count  // epochs 0 … n − 1 printed; epoch n diverged
    #expect(result.stderr.hasPrefix("error: the loss diverged in epoch \(stopped): it is no longer a finite number, "))
    #expect(result.stderr.contains("first on data row 3 of \(data.path) (x=30, y=60)"))
    #expect(result.stderr.contains("after epoch \(stopped - 1) (1206.66666667 at the start)"))
    #expect(result.stderr.hasSuffix("The learning rate 1 is too large: try a smaller --lr, e.g. --lr 0.1\n"))
  }

  @Test func historyWritesTheLossPerEpochFromEpochZero() throws {
    let data = try Self.file("xy.csv", "x,y\n1,2\n2,4\n3,6.5\n")
    defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
    let history = data.deletingLastPathComponent().appendingPathComponent("loss.csv")
    let result = chainrule(
      "train", "(w*x - y)^2", "--data", data.path, "--lr", "0.01", "--epochs", "4", "--at", "w=0", "--history",
      history.path)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix("wrote \(history.path)\n"))
    let rows = try String(contentsOf: history, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(rows.count == 6)
    #expect(rows.first == "epoch,loss")
    // Epoch 0 is the loss at w = 0: the mean of y² = (4 + 16 + 42.25)/3.
    let first = rows[1].split(separator: ",")
    #expect(first.first == "0")
    #expect(abs((Double(first.last ?? "") ?? .nan) - 62.25 / 3) < 1e-12)
    let losses = rows.dropFirst().compactMap { Double($0.split(separator: ",").last ?? "") }
    #expect(losses.count == 5)
    #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 < $0 }, "the loss falls every epoch: \(losses)")
    // The text chart starts at epoch 0 too.
    #expect(result.stdout.contains("\n  epoch 0"))
    #expect(!result.stdout.contains("  epoch 1 "))
  }
}
