import ChainRuleCLI
import Foundation
import Testing

/// The traces the textbook's examples must show, as golden files.
@Suite struct TraceSnapshotTests {
  static let toyPoint = "beta0=1,beta1=2,beta2=-3,beta3=0.4,omega0=0.1,omega1=-0.4,omega2=2,omega3=3,x=2.3,y=2"
  static let sigmoidPoint =
    "i1=0.05,i2=0.10,w1=0.15,w2=0.20,w3=0.25,w4=0.30,w5=0.40,w6=0.45,w7=0.50,w8=0.55,b1=0.35,b2=0.60,t1=0.01,t2=0.99"

  static let cases: [(example: String, arguments: [String], snapshot: String)] = [
    ("toy-model.chain", ["--at", toyPoint, "--format", "unicode"], "trace-toy-model.txt"),
    ("toy-model.chain", ["--at", toyPoint, "--format", "json", "--update", "0.1"], "trace-toy-model.json"),
    (
      "sigmoid-network.chain", ["--at", sigmoidPoint, "--update", "0.5", "--format", "unicode"],
      "trace-sigmoid-network.txt"
    ),
    (
      "sigmoid-network.chain", ["--at", sigmoidPoint, "--update", "0.5", "--format", "json"],
      "trace-sigmoid-network.json"
    ),
    ("shared-use.chain", ["--at", "w=0.5,b=-0.2,x=1.5,y=0.3", "--format", "unicode"], "trace-shared-use.txt"),
    (
      "toy-model.chain", ["--at", toyPoint, "--steps", "primitive", "--format", "plain"],
      "trace-toy-model-primitive.txt"
    ),
  ]

  @Test(arguments: cases.indices)
  func traceMatchesSnapshot(_ index: Int) throws {
    let (example, arguments, snapshot) = Self.cases[index]
    let path = Snapshot.examples.appendingPathComponent(example).path
    let result = ChainRuleCommand.run(arguments: ["trace", "--file", path] + arguments)
    #expect(result.exitCode == 0, "\(result.stderr)")
    Snapshot.expectMatches(result.stdout, named: snapshot)
  }

  @Test func toyModelAsOneExpressionAndAsDefinitionsGiveTheSameTrace() {
    let one = ChainRuleCommand.run(arguments: [
      "trace", "--file", Snapshot.examples.appendingPathComponent("toy-model.chain").path,
      "--at", Self.toyPoint, "--format", "json",
    ])
    let eight = ChainRuleCommand.run(arguments: [
      "trace", "--file", Snapshot.examples.appendingPathComponent("toy-model-steps.chain").path,
      "--at", Self.toyPoint, "--format", "json",
    ])
    #expect(one.exitCode == 0 && eight.exitCode == 0)
    #expect(one.stdout == eight.stdout)
  }

  @Test func toyForwardStepsAreTheTextbooks() throws {
    let result = ChainRuleCommand.run(arguments: [
      "trace", "--file", Snapshot.examples.appendingPathComponent("toy-model.chain").path,
      "--at", Self.toyPoint, "--format", "json",
    ])
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let forward = try #require(json["forward"] as? [[String: Any]])
    #expect(forward.compactMap { $0["name"] as? String } == ["f0", "h1", "f1", "h2", "f2", "h3", "f3", "l"])
    #expect(
      forward.compactMap { $0["expression"] as? String } == [
        "beta0 + omega0*x", "sin(f0)", "beta1 + omega1*h1", "exp(f1)", "beta2 + omega2*h2", "cos(f2)",
        "beta3 + omega3*h3", "(f3 - y)^2",
      ])
    let gradient = try #require(json["gradient"] as? [[String: Any]])
    #expect(
      gradient.compactMap { $0["wrt"] as? String } == [
        "beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3",
      ])
  }
}
