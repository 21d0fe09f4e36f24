import ChainRule
import ChainRuleCLI
import Foundation
import Testing

/// A differential test on every run (issue 13): random programs of definitions, run through
/// `chainrule diff` in every output format and with `--wrt` on a step, the JSON values compared
/// with the backward pass (`Tape`) and with central differences; programs that use a step before
/// its definition must be refused.
///
/// A fresh seed is drawn each run and printed; `CHAINRULE_DIFF_SEED=0x… swift test --filter
/// DifferentialTests` replays a run, `CHAINRULE_DIFF_COUNT=N` sets the number of programs.
/// Sizes are bounded (at most 6 steps, 3 levels per step), so each in-process run is small; a
/// few programs, and the 1,000-step chain of issue 13, also run as a subprocess of the built
/// binary under `ulimit -v` (memory) and `ulimit -t` (CPU time).
@Suite struct DifferentialTests {
  /// The run's seed: `CHAINRULE_DIFF_SEED` (decimal or 0x-hex), else a fresh one.
  static let seed: UInt64 = {
    let environment = ProcessInfo.processInfo.environment["CHAINRULE_DIFF_SEED"] ?? ""
    let text = environment.lowercased()
    let given = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
    let seed = given ?? UInt64.random(in: 0...UInt64.max)
    print(
      "DifferentialTests seed: 0x\(String(seed, radix: 16)) "
        + "(replay: CHAINRULE_DIFF_SEED=0x\(String(seed, radix: 16)) swift test --filter DifferentialTests)")
    return seed
  }()

  static let count = Int(ProcessInfo.processInfo.environment["CHAINRULE_DIFF_COUNT"] ?? "") ?? 60

  /// The programs of this run, each with a point.
  static func programs() -> [RandomProgram] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { index in RandomProgram(index: index, using: &generator) }
  }

  static let variables = ["w", "x", "b", "y", "v", "z"]

  @Test func randomProgramsAgreeWithTheTapeAndCentralDifferences() throws {
    let seedText = "seed 0x\(String(Self.seed, radix: 16))"
    var differences = 0
    var skipped = 0
    var checkedPrograms = 0
    var refused = 0
    for program in Self.programs() {
      let context = "\(seedText), program \(program.index):\n\(program.text)\n--at \(program.pointText)"
      if let (line, use, definition) = program.useBeforeDefinition {
        let result = chainrule(["diff", "-f", "-"], stdin: program.text)
        #expect(result.exitCode == 1, "use before definition accepted\n\(context)\n\(result.stdout.prefix(500))")
        let message = "'\(use)' is used on line \(line) before line \(definition) defines it"
        #expect(result.stderr.contains(message), "expected \(message)\n\(context)\n\(result.stderr)")
        refused += 1
        continue
      }
      // The reference: the formula through the library, its tape, at a point with moderate values.
      let formula = try Formula(parsing: program.text)
      var tape = Tape(graph: formula.graph, root: formula.root)
      let value = try tape.forward(at: program.point)
      let evaluator = Evaluator(graph: formula.graph)
      let gradientIDs = formula.gradient(withRespectTo: formula.variables)
      guard value.isFinite,
        let (nodeValues, _) = try? evaluator.values(of: [formula.root] + gradientIDs, at: program.point)
      else {
        skipped += 1
        continue
      }
      let scale = max(1, nodeValues.values.reduce(0) { max($0, abs($1)) })
      guard scale < 1e4 else {
        skipped += 1
        continue
      }
      checkedPrograms += 1
      tape.backward()
      let tapeGradient = tape.gradient(withRespectTo: formula.variables)
      let nodes = Double(formula.graph.reachable(from: [formula.root] + gradientIDs).count)
      // Two evaluations of one derivative in different forms differ by rounding, at most about
      // ε per operation carried through values no larger than `scale` (squared: a product of two).
      let roundingTolerance = 1e-12 * nodes * scale * scale

      // JSON: values parsed back, compared with the tape and central differences.
      let json = chainrule(["diff", "-f", "-", "--format", "json", "--at", program.pointText], stdin: program.text)
      #expect(json.exitCode == 0, "\(context)\n\(json.stderr)")
      guard json.exitCode == 0, let document = JSONDocument(json.stdout),
        let derivatives = document.object["derivatives"] as? [[String: Any]]
      else { continue }
      #expect(derivatives.map { $0["wrt"] as? String ?? "" } == formula.variables, "\(context)")
      if let l = jsonNumber(document.object["value"]) {
        #expect(abs(l - value) <= roundingTolerance, "l = \(l), tape \(value)\n\(context)")
      } else {
        Issue.record("no value in the JSON output\n\(context)")
      }
      var jsonValues: [Double] = []
      for (index, entry) in derivatives.enumerated() where index < tapeGradient.count {
        guard let d = jsonNumber(entry["value"]) else {
          Issue.record("∂/∂\(formula.variables[index]): no value\n\(context)")
          continue
        }
        jsonValues.append(d)
        let name = formula.variables[index]
        #expect(
          abs(d - tapeGradient[index]) <= roundingTolerance,
          "∂/∂\(name): JSON \(d), tape \(tapeGradient[index])\n\(context)")
        switch CentralDifference.estimate(of: name, at: program.point, tape: &tape, scale: scale, nodes: nodes) {
        case .some(let (estimate, tolerance)):
          differences += 1
          #expect(
            abs(d - estimate) <= tolerance + roundingTolerance,
            "∂/∂\(name): JSON \(d), central difference \(estimate) ± \(tolerance)\n\(context)")
        case nil: skipped += 1
        }
      }

      // Plain, Unicode and LaTeX: exit 0, and each JSON value printed (to 12 digits).
      for format in ["plain", "unicode", "latex"] {
        let result = chainrule(["diff", "-f", "-", "--format", format, "--at", program.pointText], stdin: program.text)
        #expect(result.exitCode == 0, "--format \(format)\n\(context)\n\(result.stderr)")
        let printed = Self.printedValues(result.stdout)
        for d in jsonValues {
          let found = printed.contains { abs($0 - d) <= 1e-11 * max(abs(d), 1e-300) }
          #expect(found, "--format \(format): \(d) not printed\n\(context)\n\(result.stdout.prefix(2_000))")
        }
      }

      // --wrt a step: the partial with the step held as an input, as `trace` gives it.
      if let step = program.stepForWrt {
        try checkWrtStep(step, program, context: context)
      }
    }
    print(
      "DifferentialTests (\(seedText)): \(Self.count) programs, \(checkedPrograms) checked, \(refused) refused "
        + "(use before definition), \(differences) central differences, \(skipped) skipped")
    // Most programs and most differences are checked, not skipped.
    #expect(checkedPrograms + refused >= Self.count * 3 / 4, "\(seedText): only \(checkedPrograms) programs checked")
    #expect(skipped * 5 <= differences + 10, "\(seedText): \(skipped) skipped, \(differences) differences")
  }

  /// `diff --wrt s` for a step s against the tape of the program with s's line removed (s is
  /// then a variable, given the value the step has at the point).
  func checkWrtStep(_ step: Int, _ program: RandomProgram, context: String) throws {
    let name = program.stepNames[step]
    let prefix = try Formula(parsing: program.lines[0...step].joined(separator: "\n"))
    let stepValue = try Evaluator(graph: prefix.graph).evaluate(prefix.root, at: program.point)
    var lines = program.lines
    lines.remove(at: step)
    let held = try Formula(parsing: lines.joined(separator: "\n"))
    var tape = Tape(graph: held.graph, root: held.root)
    var point = program.point
    point[name] = stepValue
    _ = try tape.forward(at: point)
    tape.backward()
    let expected = tape.gradient(withRespectTo: [name])[0]
    let result = chainrule(
      ["diff", "-f", "-", "--wrt", name, "--format", "json", "--at", program.pointText], stdin: program.text)
    #expect(result.exitCode == 0, "--wrt \(name)\n\(context)\n\(result.stderr)")
    guard result.exitCode == 0, let document = JSONDocument(result.stdout),
      let derivatives = document.object["derivatives"] as? [[String: Any]], let first = derivatives.first,
      let d = jsonNumber(first["value"])
    else {
      Issue.record("--wrt \(name): no value\n\(context)\n\(result.stdout.prefix(800))")
      return
    }
    #expect(first["wrt"] as? String == name)
    #expect(
      abs(d - expected) <= 1e-9 * max(1, abs(d), abs(expected)),
      "--wrt \(name): JSON \(d), tape with the step held \(expected)\n\(context)")
  }

  /// The numbers of lines `   = 1.234e-5` (the values under each derivative), in any format.
  static func printedValues(_ text: String) -> [Double] {
    text.split(separator: "\n").compactMap { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("= ") else { return nil }
      return Double(trimmed.dropFirst(2).replacingOccurrences(of: "−", with: "-"))
    }
  }

  // MARK: Under a memory and time cap, as a subprocess

  /// The first programs of the run and the 1,000-step chain of issue 13 (each step used twice),
  /// run by the built binary under `ulimit -v` 2 GB and `ulimit -t` 60 s, in every format.
  @Test func programsUnderAMemoryAndTimeCap() throws {
    let binary = try #require(Self.binary(), "the chainrule executable was not built next to the tests")
    var cases: [(arguments: [String], stdin: String)] = []
    for program in Self.programs().prefix(4) where program.useBeforeDefinition == nil {
      for format in ["plain", "unicode", "latex", "json"] {
        cases.append((["diff", "-f", "-", "--format", format, "--at", program.pointText], program.text))
      }
    }
    let chain = Issue13RegressionTests.doublingChain(1_000)
    for extra in [["--format", "json"], ["--full"], ["--format", "latex", "--full"], ["--format", "unicode"]] {
      cases.append((["diff", "-f", "-", "--wrt", "w"] + extra, chain))
    }
    cases.append((["diff", "-f", "-", "--format", "json", "--at", "w=0.5,x=0.3,y=1"], chain))
    for (arguments, stdin) in cases {
      let (status, stdout, stderr) = try Self.runCapped(binary, arguments, stdin: stdin)
      let what = "\(arguments.joined(separator: " ")) on\n\(stdin.prefix(300))"
      #expect(status == 0, "exit \(status): \(what)\n\(stderr.prefix(800))")
      #expect(!stdout.isEmpty, "no output: \(what)")
      #expect(stdout.utf8.count < 64 << 20, "\(stdout.utf8.count) bytes of output: \(what)")
      // The same output as in process.
      let inProcess = chainrule(arguments, stdin: stdin)
      #expect(inProcess.stdout == stdout, "differs from the in-process run: \(what)")
    }
  }

  /// The `chainrule` executable beside the test bundle (`swift test` builds every product).
  static func binary() -> String? {
    let candidates = [
      URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug"),
    ]
    for directory in candidates {
      let path = directory.appendingPathComponent("chainrule").path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// Runs `binary arguments` with `stdin` under a 2 GB address-space and 60 s CPU limit;
  /// standard input and output go through files, so a large output cannot block the process.
  static func runCapped(
    _ binary: String, _ arguments: [String], stdin: String
  ) throws -> (Int32, String, String) {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("chainrule-differential-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (input, output, errors) = (
      directory.appendingPathComponent("in"), directory.appendingPathComponent("out"),
      directory.appendingPathComponent("err")
    )
    try Data(stdin.utf8).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    let script =
      "ulimit -v 2000000 && ulimit -t 60 && exec \"$0\" \"$@\" <'\(input.path)' >'\(output.path)' 2>'\(errors.path)'"
    process.arguments = ["-c", script, binary] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    try process.run()
    process.waitUntilExit()
    let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
    return (process.terminationStatus, read(output), read(errors))
  }
}

/// Central differences on the tape, with a step-halving check that the estimate has converged.
enum CentralDifference {
  /// The Richardson-extrapolated difference and its error bound, or nil where steps h and h/2
  /// disagree too much for either to be trusted (not yet asymptotic).
  static func estimate(
    of name: String, at point: [String: Double], tape: inout Tape, scale: Double, nodes: Double
  ) -> (Double, Double)? {
    guard let x = point[name] else { return nil }
    func f(_ value: Double) -> Double {
      var moved = point
      moved[name] = value
      return (try? tape.forward(at: moved)) ?? .nan
    }
    let h = 1e-4 * max(1, abs(x))
    let coarse = (f(x + h) - f(x - h)) / (2 * h)
    let fine = (f(x + h / 2) - f(x - h / 2)) / h
    guard coarse.isFinite, fine.isFinite else { return nil }
    let gap = abs(coarse - fine)
    guard gap <= 1e-3 * max(1, abs(fine)) else { return nil }
    // The truncation error of `fine` is about gap/3 (it falls as h²); rounding in f is at most
    // about ε per operation on values up to `scale`, divided by the step.
    let rounding = 64 * Double.ulpOfOne * nodes * scale / (h / 2)
    return (fine + (fine - coarse) / 3, gap + rounding)
  }
}

/// A random program: steps `s1 …` defined from variables, constants and earlier steps (each
/// step likely used several times), a result line, and a point; or, one time in eight, a
/// program with a step used before its definition.
struct RandomProgram {
  var index: Int
  var lines: [String] = []
  var stepNames: [String] = []
  var point: [String: Double] = [:]
  /// (line of the use, the name, line of its definition), counting lines from 1.
  var useBeforeDefinition: (Int, String, Int)?
  /// A step (not the result) to differentiate by with `--wrt`.
  var stepForWrt: Int?
  var separator = "\n"

  var text: String { lines.joined(separator: separator) + (separator == "\n" ? "\n" : "") }
  var pointText: String { point.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }

  init(index: Int, using generator: inout SplitMix64) {
    self.index = index
    func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &generator) < p }
    func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &generator)] }
    separator = chance(0.5) ? "\n" : "; "
    let variables = Array(DifferentialTests.variables.prefix(Int.random(in: 1...4, using: &generator)))
    let steps = Int.random(in: 1...6, using: &generator)
    var used: Set<String> = []

    func leaf(_ available: [String]) -> String {
      if !available.isEmpty && chance(0.6) { return pick(available) }
      if chance(0.8) {
        let name = pick(variables)
        used.insert(name)
        return name
      }
      return pick(["2", "0.5", "3", "1.5", "0.25"])
    }
    func expression(_ depth: Int, _ available: [String]) -> String {
      if depth == 0 || chance(0.25) { return leaf(available) }
      let a = expression(depth - 1, available)
      switch Int.random(in: 0..<14, using: &generator) {
      case 0: return "sin(\(a))"
      case 1: return "cos(\(a))"
      case 2: return "tanh(\(a))"
      case 3: return "sigmoid(\(a))"
      case 4: return "softplus(\(a))"
      case 5: return "exp(\(a)/4)"
      case 6: return "log(1 + \(a)^2)"
      case 7: return "sqrt(1 + (\(a))^2)"
      case 8: return "(\(a))^\(pick(["2", "3"]))"
      case 9: return "\(a)/(2 + sin(\(expression(depth - 1, available))))"
      case 10: return "\(a) - \(expression(depth - 1, available))"
      case 11, 12: return "\(a)*\(expression(depth - 1, available))"
      default: return "\(a) + \(expression(depth - 1, available))"
      }
    }
    for k in 1...steps {
      let name = "s\(k)"
      // The first step reads a variable, so every program has one.
      var body = expression(Int.random(in: 1...3, using: &generator), stepNames)
      if k == 1 && used.isEmpty {
        let variable = pick(variables)
        used.insert(variable)
        body = "\(variable)*(\(body))"
      }
      lines.append("\(name) = \(body)")
      stepNames.append(name)
    }
    // The result uses two steps (the same one twice when there is only one).
    let result = "\(pick(stepNames))*\(expression(2, stepNames)) + \(pick(stepNames))"
    lines.append(chance(0.5) ? "l = \(result)" : result)
    if steps >= 2 && chance(0.125) {
      let user = Int.random(in: 0..<(steps - 1), using: &generator)
      let later = Int.random(in: (user + 1)..<steps, using: &generator)
      lines[user] += " + \(stepNames[later])"
      useBeforeDefinition = (user + 1, stepNames[later], later + 1)
    }
    for name in used.sorted() {
      point[name] = Double(Int.random(in: -1500...1500, using: &generator)) / 1000
    }
    if steps >= 2 || lines.count > 1 { stepForWrt = Int.random(in: 0..<steps, using: &generator) }
  }
}
