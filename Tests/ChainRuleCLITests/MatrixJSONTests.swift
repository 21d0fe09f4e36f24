import Foundation
import Testing

/// The JSON contract of matrix mode, checked by recomputing gradients from the inputs it gives,
/// with loops over the nested arrays (no ChainRule code involved).
@Suite struct MatrixJSONTests {
  typealias Rows = [[Double]]

  static func product(_ a: Rows, _ b: Rows) -> Rows {
    a.map { row in (0..<b[0].count).map { j in row.indices.reduce(0) { $0 + row[$1] * b[$1][j] } } }
  }
  static func transpose(_ a: Rows) -> Rows { (0..<a[0].count).map { j in a.map { $0[j] } } }

  /// ∂loss/∂w2 = h_reluᵀ·2(y_pred − y) of seed 002, from the JSON's own inputs.
  @Test func seed002GradientFromItsInputs() throws {
    let result = chainrule(
      "diff", "-f", MatrixCommandTests.twoLayer, "--format", "json", "--random", "21", "--at", "N=5,D_in=4,H=3,D_out=2")
    #expect(result.exitCode == 0)
    let json = try #require(JSONDocument(result.stdout))
    let inputs = try #require(json.object["inputs"] as? [String: [String: Any]])
    func value(_ name: String) throws -> Rows { try #require(inputs[name]?["value"] as? Rows) }
    let (x, y, w1, w2) = (try value("x"), try value("y"), try value("w1"), try value("w2"))
    #expect(inputs["w1"]?["shape"] as? [Int] == [4, 3])
    #expect(x.count == 5 && x.allSatisfy { $0.count == 4 }, "row-major: 5 rows of 4")
    let hRelu = Self.product(x, w1).map { $0.map { max($0, 0) } }
    let yPred = Self.product(hRelu, w2)
    let grad = zip(yPred, y).map { zip($0, $1).map { 2 * ($0 - $1) } }
    let expected = Self.product(Self.transpose(hRelu), grad)
    let derivatives = try #require(json.object["derivatives"] as? [[String: Any]])
    let w2Entry = try #require(derivatives.first { $0["wrt"] as? String == "w2" })
    #expect(w2Entry["shape"] as? [Int] == [3, 2])
    #expect(w2Entry["expression"] as? String == "h_relu.T*(2*(y_pred - y))")
    let got = try #require(w2Entry["value"] as? Rows)
    #expect(got.count == expected.count)
    for (g, e) in zip(got.joined(), expected.joined()) { #expect(abs(g - e) <= 1e-12 * max(1, abs(e))) }
    let loss = zip(yPred, y).reduce(0) { $0 + zip($1.0, $1.1).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
    #expect(abs((json.object["value"] as? Double ?? .nan) - loss) <= 1e-12 * loss)
  }

  /// Scalars given with --at are inputs too: 1×1, with the value used.
  @Test func scalarInputsAreListed() throws {
    let result = chainrule(
      "diff", "-f", MatrixCommandTests.mlp, "--format", "json", "--random", "1", "--at", "lambda=0.25")
    let json = try #require(JSONDocument(result.stdout))
    let inputs = try #require(json.object["inputs"] as? [String: [String: Any]])
    #expect(Set(inputs.keys) == ["x", "y", "W^(1)", "W^(2)", "lambda"])
    #expect(inputs["lambda"]?["shape"] as? [Int] == [1, 1])
    #expect(inputs["lambda"]?["value"] as? Rows == [[0.25]])
    #expect(inputs["x"]?["shape"] as? [Int] == [4, 1])
  }
}
