import ChainRule
import Foundation
import Testing

/// The work of every command grows linearly with the depth of the chain
/// `f_k = b_k + w_k·g(f_{k−1})`: nodes built and bytes printed, counted (not timed), at two
/// sizes. A regression to quadratic work multiplies a counter by the square of the size ratio
/// and fails here on any machine.
@Suite("Linear work")
struct LinearWorkTests {
  static let small = 250
  static let large = 1_000
  static var sizeRatio: Double { Double(large) / Double(small) }

  /// The chain as definitions, g cycling sin, cos, tanh, and the loss `(f_N − y)²`.
  static func chain(_ n: Int) -> String {
    let functions = ["sin", "cos", "tanh"]
    var text = "f0 = b0 + w0*x\n"
    for k in 1...n { text += "f\(k) = b\(k) + w\(k)*\(functions[(k - 1) % 3])(f\(k - 1))\n" }
    return text + "l = (f\(n) - y)^2\n"
  }

  /// The chain's point as a CSV point file's text.
  static func point(_ n: Int) -> String {
    var names = ["x", "y"]
    var values = ["0.7", "0.2"]
    for k in 0...n {
      names += ["b\(k)", "w\(k)"]
      values += ["\(0.1 * Double(k % 7) - 0.3)", "\(0.5 + 0.05 * Double(k % 5))"]
    }
    return names.joined(separator: ",") + "\n" + values.joined(separator: ",") + "\n"
  }

  /// Files for the chain and its point at `n` layers.
  static func files(_ n: Int) -> (chain: String, point: String) {
    let base = NSTemporaryDirectory() + "chainrule-linear-\(n)-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: base + ".chain", contents: Data(chain(n).utf8))
    FileManager.default.createFile(atPath: base + ".csv", contents: Data(point(n).utf8))
    return (base + ".chain", base + ".csv")
  }

  /// Whether `large` is no more than linear growth from `small` allows: within 1.3× of the
  /// size ratio. Quadratic work would multiply by the square of the size ratio (16).
  static func atMostLinear(_ small: Int, _ large: Int) -> Bool {
    Double(large) / Double(max(small, 1)) <= 1.3 * sizeRatio
  }

  /// Linear and not less than a third of it: the work did not vanish either.
  static func growsLinearly(_ small: Int, _ large: Int) -> Bool {
    let ratio = Double(large) / Double(max(small, 1))
    return atMostLinear(small, large) && ratio >= sizeRatio / 3
  }

  /// Closed forms are printed in full up to a size and summarised past it, so output grows
  /// less than linearly at these sizes; printing every closed form would make it quadratic.
  @Test(
    "Bytes printed grow at most linearly for every command and format",
    arguments: [
      ["diff"], ["diff", "--at"], ["diff", "--format", "json", "--at"], ["diff", "--format", "latex"],
      ["trace", "--at"], ["trace", "--format", "json", "--at"], ["latex", "--at"], ["check", "--at"],
      ["check", "--format", "json", "--at"],
    ])
  func bytesPrinted(command: [String]) {
    var bytes: [Int] = []
    for n in [Self.small, Self.large] {
      let (chain, point) = Self.files(n)
      defer {
        try? FileManager.default.removeItem(atPath: chain)
        try? FileManager.default.removeItem(atPath: point)
      }
      let arguments = command.last == "--at" ? command + ["@" + point] : command
      let result = chainrule(arguments + ["-f", chain])
      #expect(result.exitCode == 0, "\(command) at N = \(n): \(result.stderr.prefix(300))")
      bytes.append(result.stdout.utf8.count + result.stderr.utf8.count)
    }
    #expect(
      Self.atMostLinear(bytes[0], bytes[1]),
      "\(command.joined(separator: " ")): \(bytes[0]) bytes at N = \(Self.small), \(bytes[1]) at N = \(Self.large)")
  }

  @Test("Nodes built grow linearly: the symbolic gradient, the step-name derivatives and the trace")
  func nodesBuilt() throws {
    var counts: [[Int]] = []
    for n in [Self.small, Self.large] {
      let formula = try Formula(parsing: Self.chain(n))
      let parsed = formula.graph.count
      let parameters = (0...n).flatMap { ["b\($0)", "w\($0)"] }
      _ = formula.gradient(withRespectTo: parameters)
      let differentiated = formula.graph.count
      let named = StepNameDerivatives(formula: formula, variables: parameters)
      let program = ForwardProgram(formula: formula, dataNames: ["x", "y"], granularity: .textbook)
      var point: [String: Double] = ["x": 0.7, "y": 0.2]
      for k in 0...n {
        point["b\(k)"] = 0.1 * Double(k % 7) - 0.3
        point["w\(k)"] = 0.5 + 0.05 * Double(k % 5)
      }
      let trace = try Trace(program: program, parameters: parameters, point: point)
      counts.append([parsed, differentiated, named?.graph.count ?? 0, trace.graph.count, trace.formula.graph.count])
    }
    let labels = ["parsed", "with the gradient", "step-name derivatives", "trace steps", "trace's formula"]
    for (index, label) in labels.enumerated() {
      #expect(
        Self.growsLinearly(counts[0][index], counts[1][index]),
        "\(label): \(counts[0][index]) nodes at N = \(Self.small), \(counts[1][index]) at N = \(Self.large)")
    }
  }

  @Test("check evaluates a bounded number of central differences, and says how many of all")
  func checkIsBounded() throws {
    let n = 1_000
    let (chain, point) = Self.files(n)
    defer {
      try? FileManager.default.removeItem(atPath: chain)
      try? FileManager.default.removeItem(atPath: point)
    }
    let result = chainrule("check", "-f", chain, "--at", "@" + point, "--format", "json")
    #expect(result.exitCode == 0, "\(result.stderr.prefix(300))")
    let note = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("note: checked ") })
    let checked = try #require(Int(note.dropFirst("note: checked ".count).prefix { $0.isNumber }))
    #expect(note.contains("of the \(2 * n + 4) derivatives"))
    // A budget of 20,000,000 node evaluations, five per derivative, over the formula's nodes.
    let nodes = try Formula(parsing: Self.chain(n)).distinctNodeCount([try Formula(parsing: Self.chain(n)).root])
    #expect(checked == 20_000_000 / (5 * nodes))
    #expect(checked < 2 * n + 4)
    let rows = (JSONDocument(result.stdout)?.object["rows"] as? [Any])?.count
    #expect(rows == checked)
  }
}
