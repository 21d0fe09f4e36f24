import ChainRuleCLI
import Foundation
import Testing

/// `chainrule code`: the generated NumPy and Swift programs run and print ChainRule's numbers.
@Suite struct MatrixCodeTests {
  /// The first python3 on the PATH (then /usr/bin) that imports numpy.
  static let python: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates = path.split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3"]
    return candidates.first { candidate in
      FileManager.default.isExecutableFile(atPath: candidate)
        && (try? run(candidate, ["-c", "import numpy"]).status) == 0
    }
  }()
  static let hasNumPy = python != nil
  static let swiftc: String? = {
    let candidates = ["/opt/swift/usr/bin/swiftc", "/usr/bin/swiftc", "/usr/local/bin/swiftc"]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  static func temporary(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-code-\(UUID().uuidString)-\(name)")
  }

  /// The numbers a generated program prints: `loss 1.5`, `grad_w1 norm 2.5 …`.
  static func printed(_ output: String) -> [String: Double] {
    var values: [String: Double] = [:]
    for line in output.split(separator: "\n") {
      let cells = line.split(separator: " ").map(String.init)
      if cells.count == 2, let value = Double(cells[1]) { values[cells[0]] = value }
      if cells.count > 2, cells[1] == "norm", let value = Double(cells[2]) { values[cells[0]] = value }
    }
    return values
  }

  /// ChainRule's loss and gradient norms from its JSON.
  static func reference(_ json: String) throws -> [String: Double] {
    let document = try #require(JSONDocument(json))
    var values: [String: Double] = ["value": try #require(document.object["value"] as? Double)]
    for derivative in try #require(document.object["derivatives"] as? [[String: Any]]) {
      let rows = try #require(derivative["value"] as? [[Double]])
      let name = try #require(derivative["wrt"] as? String).filter { $0.isLetter || $0.isNumber || $0 == "_" }
      values["grad_" + name] = rows.joined().reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
    return values
  }

  static let cases: [(file: String, options: [String], result: String)] = [
    (MatrixCommandTests.twoLayer, ["--at", "N=6,D_in=7,H=5,D_out=3"], "loss"),
    (MatrixCommandTests.mlp, ["--at", "lambda=0.1"], "J"),
    (MatrixCommandTests.softmax, [], "loss"),
  ]

  @Test func numpyListingShape() {
    let result = chainrule("code", "--lang", "numpy", "-f", MatrixCommandTests.twoLayer)
    #expect(result.exitCode == 0, "\(result.stderr)")
    for line in [
      "N, D_in, H, D_out = 64, 1000, 100, 10\n", "    x = np.random.randn(N, D_in)\n", "h = x.dot(w1)\n",
      "assert h.shape == (N, H), h.shape\n", "h_relu = np.maximum(h, 0)\n", "y_pred = h_relu.dot(w2)\n",
      "grad_y_pred = 2.0 * (y_pred - y)\n", "grad_h_relu = grad_y_pred.dot(w2.T)\n", "grad_h = grad_h_relu * (h > 0)\n",
      "grad_w1 = x.T.dot(grad_h)\n", "assert grad_w1.shape == w1.shape == (D_in, H)\n",
      "grad_w2 = h_relu.T.dot(grad_y_pred)\n",
    ] {
      #expect(result.stdout.contains(line), "\(line)")
    }
    let swift = chainrule("code", "--lang", "swift", "-f", MatrixCommandTests.twoLayer).stdout
    #expect(swift.contains("  let grad_w1 = x.T.dot(grad_h)\n  precondition(grad_w1.shape == w1.shape)\n"))
    #expect(swift.contains("  let grad_h = grad_h_relu * h.map { $0 > 0 ? 1 : 0 }\n"), "\(swift)")
    #expect(swift.contains("func main() {") && swift.hasSuffix("main()\n"))
  }

  /// The NumPy program, given ChainRule's JSON inputs, prints ChainRule's loss and gradients.
  @Test(.enabled(if: hasNumPy, "needs python3 with numpy"), arguments: cases)
  func numpyProgramAgrees(_ file: String, _ options: [String], _ result: String) throws {
    let code = chainrule(["code", "-f", file] + options)
    #expect(code.exitCode == 0, "\(code.stderr)")
    let json = chainrule(["diff", "-f", file, "--format", "json", "--random", "5"] + options)
    let (script, inputs) = (Self.temporary("p.py"), Self.temporary("in.json"))
    try code.stdout.write(to: script, atomically: true, encoding: .utf8)
    try json.stdout.write(to: inputs, atomically: true, encoding: .utf8)
    defer { for url in [script, inputs] { try? FileManager.default.removeItem(at: url) } }
    let (status, output) = try Self.run(try #require(Self.python), [script.path, inputs.path])
    #expect(status == 0, "\(output)")
    let got = Self.printed(output)
    let expected = try Self.reference(json.stdout)
    #expect(abs((got[result] ?? .nan) - (expected["value"] ?? 0)) <= 1e-9 * max(1, abs(expected["value"] ?? 0)))
    for (name, norm) in expected where name != "value" {
      #expect(abs((got[name] ?? .nan) - norm) <= 1e-9 * max(1, norm), "\(name): \(output)")
    }
    #expect(!output.contains("MISMATCH") && output.contains(" ok"), "\(output)")
  }

  /// Every kind of node has a NumPy spelling that computes what ChainRule computes.
  @Test(
    .enabled(if: hasNumPy, "needs python3 with numpy"),
    arguments: [
      "A: m×n; b: 1×n; c: m×1; R: m×n; l = sum(R ⊙ (b ⊙ A - c))", "A: m×n; R: m×n; l = sum(R ⊙ softmax(A))",
      "a: n; r: n; l = sum(r ⊙ softmax(a))", "X: m×k; W: k×n; y: m×1; l = crossentropy(softmax(X·W), y)",
      "A: n×k; B: k×n; l = trace(A·B)", "A: m×n; B: m×n; l = ‖A‖² + norm(B) + mean(A, axis=0).sum()",
      "A: m×n; B: 1×n; R: m×n; l = sum(R ⊙ max(A, B)) + sum(A / (B ⊙ B + 1))/m",
      "A: m×n; R: m×n; l = sum(R ⊙ (A ⊙ A + 1)^(-0.5)) + sum(sigmoid(A) + tanh(A)) + sum(s·A·t)",
    ])
  func numpySpellsEveryOperation(_ source: String) throws {
    let at = ["--at", "m=3,k=4,n=2,s=0.7,t=1.3"]
    let code = chainrule(["code", source] + at)
    #expect(code.exitCode == 0, "\(code.stderr)")
    let json = chainrule(["diff", source, "--format", "json", "--random", "2"] + at)
    let (script, inputs) = (Self.temporary("p.py"), Self.temporary("in.json"))
    try code.stdout.write(to: script, atomically: true, encoding: .utf8)
    try json.stdout.write(to: inputs, atomically: true, encoding: .utf8)
    defer { for url in [script, inputs] { try? FileManager.default.removeItem(at: url) } }
    let (status, output) = try Self.run(try #require(Self.python), [script.path, inputs.path])
    #expect(status == 0, "\(output)")
    let got = Self.printed(output)
    let expected = try Self.reference(json.stdout)
    #expect(
      abs((got["l"] ?? .nan) - (expected["value"] ?? 0)) <= 1e-9 * max(1, abs(expected["value"] ?? 0)), "\(output)")
    for (name, norm) in expected where name != "value" {
      #expect(abs((got[name] ?? .nan) - norm) <= 1e-9 * max(1, norm), "\(name): \(output)")
    }
    #expect(!output.contains("MISMATCH"), "\(output)")
  }

  /// The Swift program compiles, draws the inputs of --random SEED, and prints ChainRule's loss.
  @Test(.enabled(if: swiftc != nil, "needs swiftc")) func swiftProgramCompilesAndAgrees() throws {
    let options = ["--at", "lambda=0.1", "--random", "3"]
    let code = chainrule(["code", "--lang", "swift", "-f", MatrixCommandTests.mlp] + options)
    #expect(code.exitCode == 0, "\(code.stderr)")
    let (source, binary) = (Self.temporary("p.swift"), Self.temporary("p"))
    try code.stdout.write(to: source, atomically: true, encoding: .utf8)
    defer { for url in [source, binary] { try? FileManager.default.removeItem(at: url) } }
    let compiled = try Self.run(try #require(Self.swiftc), [source.path, "-o", binary.path])
    #expect(compiled.status == 0, "\(compiled.output)")
    let (status, output) = try Self.run(binary.path, [])
    #expect(status == 0, "\(output)")
    let expected = try Self.reference(
      chainrule(["diff", "-f", MatrixCommandTests.mlp, "--format", "json"] + options).stdout)
    let got = Self.printed(output)
    #expect(got["J"] == expected["value"], "\(output)")
    #expect(abs((got["grad_W1"] ?? .nan) - (expected["grad_W1"] ?? 0)) <= 1e-12 * (expected["grad_W1"] ?? 1))
    #expect(!output.contains("MISMATCH"), "\(output)")
  }

  @Test func errors() {
    #expect(chainrule("code", "--lang", "fortran", "-f", MatrixCommandTests.twoLayer).exitCode == 64)
    let scalar = chainrule("code", "x^2")
    #expect(scalar.exitCode == 64)
    #expect(scalar.stderr.contains("declare the shapes"))
    let unbound = chainrule("code", "x: N×D; l = sum(x ⊙ x)")
    #expect(unbound.exitCode == 1)
    #expect(unbound.stderr == "error: the size N has no number; add N=… to --at\n", "\(unbound.stderr)")
  }
}
