import ChainRuleCLI
import Foundation
import Testing

/// Every example under Examples/ runs through the CLI and shows the numbers its lesson is about.
@Suite struct ExampleTests {
  static func path(_ name: String) -> String { Snapshot.examples.appendingPathComponent(name).path }

  /// The trace's JSON gradient, parameter → backprop value (checked against the closed form).
  static func gradient(_ arguments: [String]) throws -> [String: Double] {
    let result = ChainRuleCommand.run(arguments: ["trace"] + arguments + ["--format", "json"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let rows = try #require(json["gradient"] as? [[String: Any]])
    var gradient: [String: Double] = [:]
    for row in rows {
      let name = try #require(row["wrt"] as? String)
      let backprop = try #require(row["backpropValue"] as? Double)
      let closed = try #require(row["closedFormValue"] as? Double)
      #expect(abs(backprop - closed) <= 1e-12 * max(1, abs(closed)), "\(name)")
      gradient[name] = backprop
    }
    return gradient
  }

  @Test func softmaxGradientIsProbabilityMinusOneHot() throws {
    let z = [1.0, 2.0, 0.5]
    let g = try Self.gradient(["--file", Self.path("softmax-cross-entropy.chain"), "--at", "z1=1,z2=2,z3=0.5"])
    let total = z.map { Foundation.exp($0) }.reduce(0, +)
    for i in 0..<3 {
      let p = Foundation.exp(z[i]) / total
      let expected = p - (i == 1 ? 1 : 0)
      #expect(abs((g["z\(i + 1)"] ?? .nan) - expected) < 1e-12)
    }
  }

  @Test func l2RegularisationAddsLambdaTimesWeight() throws {
    let weights = "w11=0.2,w12=-0.4,w21=0.7,w22=0.1,v1=0.5,v2=-0.3"
    let base = ["--file", Self.path("l2-regularisation.chain"), "--data", "x1,x2,y,lambda"]
    let with = try Self.gradient(base + ["--at", "x1=1,x2=-0.5,y=0.3,lambda=0.1," + weights])
    let without = try Self.gradient(base + ["--at", "x1=1,x2=-0.5,y=0.3,lambda=0," + weights])
    let values = ["w11": 0.2, "w12": -0.4, "w21": 0.7, "w22": 0.1, "v1": 0.5, "v2": -0.3]
    #expect(Set(with.keys) == Set(values.keys))
    for (name, w) in values {
      #expect(abs((with[name] ?? .nan) - ((without[name] ?? .nan) + 0.1 * w)) < 1e-12, "\(name)")
    }
    let trace = ChainRuleCommand.run(
      arguments: ["trace"] + base + ["--at", "x1=1,x2=-0.5,y=0.3,lambda=0.1," + weights])
    #expect(trace.stdout.contains("dJ/dw11 = x1*dJ/dz1 + lambda*w11*dJ/ds"))
  }

  @Test func reluNetworkMatchesTheMatrixFormulas() throws {
    let x = [1.0, 2.0]
    let y = 1.0
    let w1 = [[0.5, -0.3, 0.8], [-0.2, 0.4, -0.6]]  // 2×3
    let w2 = [0.7, -0.5, 0.2]  // 3×1
    let g = try Self.gradient([
      "--file", Self.path("relu-network.chain"), "--data", "x1,x2,y", "--at",
      "x1=1,x2=2,y=1,a11=0.5,a12=-0.3,a13=0.8,a21=-0.2,a22=0.4,a23=-0.6,b1=0.7,b2=-0.5,b3=0.2",
    ])
    // The NumPy tutorial's backward pass, in matrix form.
    let h = (0..<3).map { j in x[0] * w1[0][j] + x[1] * w1[1][j] }
    let hRelu = h.map { max($0, 0) }
    let yPred = (0..<3).reduce(0.0) { $0 + hRelu[$1] * w2[$1] }
    let gradYPred = 2 * (yPred - y)
    let gradW2 = hRelu.map { $0 * gradYPred }
    let gradHRelu = w2.map { gradYPred * $0 }
    let gradH = (0..<3).map { h[$0] > 0 ? gradHRelu[$0] : 0 }
    for j in 0..<3 {
      #expect(abs((g["b\(j + 1)"] ?? .nan) - gradW2[j]) < 1e-12)
      for i in 0..<2 {
        #expect(abs((g["a\(i + 1)\(j + 1)"] ?? .nan) - x[i] * gradH[j]) < 1e-12)
      }
    }
    let text = ChainRuleCommand.run(arguments: [
      "trace", "--file", Self.path("relu-network.chain"), "--data", "x1,x2,y", "--format", "unicode", "--at",
      "x1=1,x2=2,y=1,a11=0.5,a12=-0.3,a13=0.8,a21=-0.2,a22=0.4,a23=-0.6,b1=0.7,b2=-0.5,b3=0.2",
    ])
    #expect(text.stdout.contains("∂loss/∂h₁ = 𝟙[h₁ > 0]·∂loss/∂r₁"))
  }

  /// The two points the deep chain's comment gives, from its `chainrule trace … --at` lines.
  static func deepChainPoints() throws -> [String] {
    let text = try String(contentsOfFile: path("deep-chain.chain"), encoding: .utf8)
    return text.split(separator: "\n").filter { $0.hasPrefix("#   chainrule trace") }.compactMap {
      $0.components(separatedBy: "--at ").last
    }
  }

  /// Vanishing and exploding gradients: with weights of size about 0.5 the early layers'
  /// gradients are far smaller than the last layer's, with weights of size about 1.5 far larger,
  /// layer by layer, at the points the comment gives.
  @Test func deepChainGradientsShrinkOrGrowWithDepth() throws {
    let points = try Self.deepChainPoints()
    #expect(points.count == 2)
    for (index, point) in points.enumerated() {
      let g = try Self.gradient(["--file", Self.path("deep-chain.chain"), "--at", point])
      let biases = (1...10).map { abs(g["b\($0)"] ?? .nan) }
      let weights = (1...10).map { abs(g["w\($0)"] ?? .nan) }
      let b1 = biases[0]
      let b10 = biases[9]
      if index == 0 {
        // Shrinks towards the input: each layer's bias gradient is smaller than the next one's.
        #expect(zip(biases, biases.dropFirst()).allSatisfy { $0 < $1 }, "\(biases)")
        #expect(b1 < b10 / 100 && abs(b1 - 0.00051308544) < 1e-12 && abs(b10 - 0.305408) < 1e-12)
        #expect(weights[0] < weights[9] / 100, "|∂ℓ/∂w₁| = \(weights[0]), |∂ℓ/∂w₁₀| = \(weights[9])")
      } else {
        // Grows towards the input.
        #expect(zip(biases, biases.dropFirst()).allSatisfy { $0 > $1 }, "\(biases)")
        #expect(b1 > 10 * b10 && b1 > 1000 && b10 > 50)
      }
    }
    // The trace shows it: backward pass #1 carries the error down one weight per layer.
    let trace = ChainRuleCommand.run(arguments: [
      "trace", "--file", Self.path("deep-chain.chain"), "--at", try #require(points.first), "--format", "unicode",
    ])
    #expect(trace.stdout.contains("  ∂ℓ/∂f₁ = w₂·∂ℓ/∂f₂    = −0.00051308544\n"))
    #expect(trace.stdout.contains("  ∂ℓ/∂f₁₀ = f₁₀ − y     = 0.305408\n"))
  }

  @Test(arguments: [(0.5, 19), (1.5, 19)])
  func deepChainGradientScalesWithTheInitialisation(scale: Double, power: Int) throws {
    let weights = (1...10).map { "w\($0)=\(scale),b\($0)=0" }.joined(separator: ",")
    let result = ChainRuleCommand.run(arguments: [
      "diff", "--file", Self.path("deep-chain.chain"), "--wrt", "w1", "--at", "x=1,y=0," + weights, "--format", "json",
    ])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let derivative = try #require((json["derivatives"] as? [[String: Any]])?.first?["value"] as? Double)
    #expect(abs(derivative - Foundation.pow(scale, Double(power))) < 1e-12 * Foundation.pow(scale, Double(power)))
  }

  @Test(arguments: [
    ["--lr", "0.05", "--epochs", "30"],
    ["--lr", "0.05", "--epochs", "10", "--batch", "8"],
    ["--lr", "0.02", "--epochs", "10", "--optimizer", "adam"],
    ["--lr", "0.02", "--epochs", "10", "--optimizer", "momentum", "--batch", "10"],
  ])
  func trainingLowersTheLossOnTheToyData(options: [String]) throws {
    let result = ChainRuleCommand.run(
      arguments: [
        "train", "--file", Self.path("toy-model-steps.chain"), "--data", Self.path("toy-data.csv"),
        "--at", "beta0=0,beta1=0,beta2=0,beta3=0,omega0=1,omega1=1,omega2=1,omega3=1",
      ] + options)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let losses = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch ") && $0.contains("loss") }
      .compactMap { Double($0.split(separator: " ").last ?? "") }
    let first = try #require(losses.first)
    let last = try #require(losses.last)
    #expect(last < first / 2, "loss went from \(first) to \(last)")
    #expect(result.stdout.contains("loss by epoch"))
    #expect(result.stdout.contains("fitted parameters"))
  }

  @Test func sigmoidNetworkUpdateMatchesTheTutorial() throws {
    let result = ChainRuleCommand.run(arguments: [
      "trace", "--file", Self.path("sigmoid-network.chain"), "--update", "0.5", "--format", "json", "--at",
      TraceSnapshotTests.sigmoidPoint,
    ])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let update = try #require(json["update"] as? [String: Any])
    #expect(abs((update["lossBefore"] as? Double ?? .nan) - 0.298371108760003) < 1e-12)
    let parameters = try #require(update["parameters"] as? [[String: Any]])
    let w5 = parameters.first { $0["name"] as? String == "w5" }?["after"] as? Double
    #expect(abs((w5 ?? .nan) - 0.35891647971788465) < 1e-12)
  }

  @Test func everyExampleFileParses() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Snapshot.examples.path).filter {
      $0.hasSuffix(".chain")
    }
    #expect(files.count >= 8)
    for file in files {
      let result = ChainRuleCommand.run(arguments: ["diff", "--file", Self.path(file), "--format", "json"])
      #expect(result.exitCode == 0, "\(file): \(result.stderr)")
    }
  }
}
