import ChainRuleCLI
import Foundation
import Testing

/// What a learner reads: each example's promised identity appears verbatim, and the trace's cost
/// section says what its numbers say.
@Suite struct LessonOnScreenTests {
  static func example(_ name: String) -> String { Snapshot.examples.appendingPathComponent(name).path }

  static let sigmoidPoint =
    "i1=0.05,i2=0.10,w1=0.15,w2=0.20,w3=0.25,w4=0.30,w5=0.40,w6=0.45,w7=0.50,w8=0.55,b1=0.35,b2=0.60,t1=0.01,t2=0.99"

  /// Each example, the command its comment suggests, and a line its lesson promises.
  static let identities: [(file: String, arguments: [String], line: String)] = [
    ("softmax-cross-entropy.chain", ["diff"], "dL/dz2 = p2 - 1"),
    ("softmax-cross-entropy.chain", ["diff"], "dL/dz1 = p1"),
    ("softmax-cross-entropy.chain", ["diff"], "dL/dz3 = p3"),
    ("sigmoid-network.chain", ["diff", "--wrt", "w5"], "dE/dw5 = out_h1*dE/dnet_o1"),
    ("sigmoid-network.chain", ["diff", "--wrt", "w1"], "dE/dw1 = i1*dE/dnet_h1"),
    ("sigmoid-network.chain", ["trace", "--at", sigmoidPoint], "  dE/dout_o1 = out_o1 - t1"),
    ("shared-use.chain", ["trace", "--at", "w=0.5,b=-0.2,x=1.5,y=0.3"], "  dl/dh = (1 - p)*p*dl/dp + w*dl/dq"),
    ("shared-use.chain", ["trace", "--at", "w=0.5,b=-0.2,x=1.5,y=0.3"], "  dl/dw = x*dl/du + h*dl/dq"),
    ("toy-model-steps.chain", ["diff", "--wrt", "omega0"], "dl/domega0 = x*dl/df0"),
    ("relu-network.chain", ["diff", "--wrt", "a11"], "dloss/da11 = x1*dloss/dr1*step(h1)"),
    ("numpy-two-layer.chain", ["diff"], "dloss/dw2 = h_relu.T*(2*(y_pred - y))"),
    ("numpy-two-layer.chain", ["diff"], "dloss/dw1 = x.T*((2*(y_pred - y)*w2.T) .* step(h))"),
    ("mlp-l2.chain", ["diff"], "dJ/dW^(2) = (o - y)*h.T + lambda*W^(2)"),
    ("softmax-regression.chain", ["diff"], "dloss/dW = X.T*((P - onehot(y))/N)"),
  ]

  @Test(arguments: identities.indices)
  func examplePrintsItsIdentity(_ index: Int) {
    let (file, arguments, line) = Self.identities[index]
    let result = chainrule([arguments[0], "-f", Self.example(file)] + arguments.dropFirst())
    #expect(result.exitCode == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    // A trace line carries its value after two or more spaces.
    #expect(
      lines.contains { $0 == line || $0.hasPrefix(line + "  ") }, "\(file): no line '\(line)' in\n\(result.stdout)")
  }

  @Test func sigmoidWithCrossEntropyIsPredictionMinusTarget() {
    let result = chainrule("diff", "p = sigmoid(w*x + b); L = -(y*log(p) + (1 - y)*log(1 - p))", "--wrt", "w,b")
    #expect(result.stdout.contains("dL/dw = (p - y)*x\n      = (sigmoid(b + w*x) - y)*x\n"))
    #expect(result.stdout.contains("dL/db = p - y\n"))
  }

  @Test func definitionsAreEchoedAsWritten() {
    let result = chainrule("diff", "f2 = w2*f1 + b; l = (f2 - y)^2", "--wrt", "w2")
    #expect(result.stdout.hasPrefix("f2 = w2*f1 + b\nl = (f2 - y)^2\n"))
    #expect(chainrule("diff", "(w*x + b - y)^2").stdout.hasPrefix("l = (w*x + b - y)^2\n"))
  }

  @Test func oneStepTraceSaysBackpropIsNotCheaperHere() {
    let result = chainrule("trace", "(w*x - y)^2", "--at", "w=0.5,x=2,y=3")
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("nothing to do: l is the only step, and dl/dl = 1"))
    #expect(result.stdout.contains("values kept in memory for the backward pass: none"))
    #expect(!result.stdout.contains("()"))
    #expect(result.stdout.contains("Here backprop is not cheaper: with 1 parameter and 1 step"))
    #expect(!result.stdout.contains("The closed forms do"))
    // The crossover table: closed forms grow faster than the passes.
    #expect(result.stdout.contains("    n   parameters   closed forms   both passes\n    0   2 "))
  }

  @Test func toyTraceStatesTheRatioOfItsNumbers() throws {
    let result = chainrule("trace", "-f", Self.example("toy-model.chain"), "--at", Toy.point)
    let text = result.stdout
    let closed = try #require(Self.number(after: "every closed form evaluated separately:", in: text))
    let passes = try #require(Self.number(after: "= ", in: Self.line(containing: "one forward pass", in: text)))
    let ratio = String(format: "%.1f", closed / passes)
    #expect(text.contains("The closed forms do \(ratio)× the work of the two passes"), "\(text)")
    #expect(!text.contains("not cheaper"))
  }

  @Test func stepsTheResultDoesNotUseHaveNoAdjoint() {
    let result = chainrule("trace", "a = x^2; b = sin(w); l = b*w", "--at", "x=1,w=2")
    #expect(!result.stdout.contains("dl/da"))
    #expect(result.stdout.contains("  dl/db = w"))
  }

  @Test func negativeTermsJoinWithAMinus() {
    let result = chainrule("trace", "a = w*x; b = sin(w); l = a - 3*b*w", "--at", "x=1,w=2")
    #expect(result.stdout.contains("dl/dw = x*dl/da + cos(w)*dl/db - 3*b"), "\(result.stdout)")
    for file in ["shared-use.chain", "sigmoid-network.chain", "softmax-cross-entropy.chain", "toy-model.chain"] {
      let text = chainrule("diff", "-f", Self.example(file)).stdout
      #expect(!text.contains("+ -"), "\(file)")
    }
  }

  @Test func addedStepsDoNotTakeTheBooksNames() {
    let result = chainrule("trace", "-f", Self.example("shared-use.chain"), "--at", "w=0.5,b=-0.2,x=1.5,y=0.3")
    #expect(result.stdout.contains("  t1 = p + q"))
    #expect(!result.stdout.contains("f0"))
  }

  static func line(containing needle: String, in text: String) -> String {
    text.split(separator: "\n").first { $0.contains(needle) }.map(String.init) ?? ""
  }

  static func number(after marker: String, in text: String) -> Double? {
    guard let range = text.range(of: marker, options: .backwards) else { return nil }
    let rest = text[range.upperBound...].drop { $0 == " " }
    return Double(String(rest.prefix { $0.isNumber || $0 == "." }))
  }
}
