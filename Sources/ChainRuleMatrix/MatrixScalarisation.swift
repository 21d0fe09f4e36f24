import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSyntax

/// A matrix formula written out with one scalar per entry, for the scalar engine: the bridge
/// from ∂ℓ/∂W to the chain rule on ∂ℓ/∂W[i,j].
///
/// Entry (i, j) of `w1` is the scalar `w1_ij` (indices from 0, so sizes up to 10); each step
/// `h` becomes one definition `h_ij = …` per entry, and the loss the last line. ChainRule's
/// scalar differentiator, which knows nothing of matrices, then gives ∂ℓ/∂w1_ij, which must equal
/// the matrix formula's entry.
public struct MatrixScalarisation {
  /// The scalar program, in the plain grammar.
  public let source: String
  /// The scalar name of each entry of each input, by row.
  public let entryNames: [String: [[String]]]
  /// The number of definitions.
  public let lineCount: Int

  /// The largest size on either axis (entry names have one digit per index).
  public static let maximumSize = 10
  /// The most scalar entries the steps may hold together.
  public static let maximumEntries = 2_000

  /// Why a formula cannot be written out entry by entry.
  public enum Refusal: Error, Hashable, Sendable {
    case unboundSize(String)
    case tooLarge(String)
    case needsLabels(String)
  }

  /// Writes `formula` out entry by entry, with `labels` giving the class indices it needs.
  public init(formula: MatrixFormula, labels: [String: Matrix]) throws(Refusal) {
    let graph = formula.graph
    let bindings = formula.bindings
    var entries: [MatrixNodeID: [[String]]] = [:]
    var lines: [String] = []
    var names: [String: [[String]]] = [:]
    var total = 0
    for id in graph.reachable(from: [formula.root]) {
      let node = graph[id]
      guard let (rows, columns) = bindings.dimensions(of: node.shape) else {
        throw .unboundSize(node.shape.description)
      }
      guard rows <= Self.maximumSize && columns <= Self.maximumSize else {
        throw .tooLarge("\(bindings.described(node.shape)) has more than \(Self.maximumSize) rows or columns")
      }
      total += rows * columns
      guard total <= Self.maximumEntries else {
        throw .tooLarge("the steps hold more than \(Self.maximumEntries) entries")
      }
      func entry(_ operand: MatrixNodeID, _ i: Int, _ j: Int) -> String {
        let values = entries[operand] ?? [["0"]]
        return values[values.count == 1 ? 0 : i][values[0].count == 1 ? 0 : j]
      }
      func sum(_ terms: [String]) -> String { terms.count == 1 ? terms[0] : "(" + terms.joined(separator: " + ") + ")" }
      var values: [[String]] = []
      for i in 0..<rows {
        var row: [String] = []
        for j in 0..<columns {
          let text: String
          switch node.operation {
          case .variable:
            let name = node.name ?? "x"
            text = rows == 1 && columns == 1 ? name : Self.entryName(name, i, j)
          case .constant: text = Self.number(node.number ?? 0)
          case .size: text = Self.number(Double(bindings.values[node.name ?? ""] ?? 0))
          case .identity: text = i == j ? "1" : "0"
          case .broadcast: text = entry(node.a, i, j)
          case .matmul:
            let inner = bindings.value(of: graph.shape(node.a).columns) ?? 0
            text = sum((0..<inner).map { k in "\(entry(node.a, i, k))*\(entry(node.b, k, j))" })
          case .transpose: text = entry(node.a, j, i)
          case .add:
            let b = entry(node.b, i, j)
            text = "(\(entry(node.a, i, j)) + \(b))"
          case .multiply:
            let a = entry(node.a, i, j)
            let b = entry(node.b, i, j)
            text = a == "(-1)" ? "(-\(b))" : "\(Self.factor(a))*\(Self.factor(b))"
          case .power: text = "(\(entry(node.a, i, j)))^(\(Self.number(node.number ?? 1)))"
          case .function:
            let arguments = node.operands.map { entry($0, i, j) }.joined(separator: ", ")
            text = "\(node.function?.name ?? "exp")(\(arguments))"
          case .sum:
            let shape = graph.shape(node.a)
            let (r, c) = bindings.dimensions(of: shape) ?? (1, 1)
            let axis = node.axis ?? .all
            let rowRange = axis == .columns ? [i] : Array(0..<r)
            let columnRange = axis == .rows ? [j] : Array(0..<c)
            text = sum(rowRange.flatMap { p in columnRange.map { q in entry(node.a, p, q) } })
          case .softmax:
            let (r, c) = (rows, columns)
            let column = graph.softmaxNormalisesColumn(node.shape)
            let others = column ? (0..<r).map { entry(node.a, $0, j) } : (0..<c).map { entry(node.a, i, $0) }
            text = "(exp(\(entry(node.a, i, j)))/\(sum(others.map { "exp(\($0))" })))"
          case .crossEntropy:
            let (r, c) = bindings.dimensions(of: graph.shape(node.a)) ?? (1, 1)
            var terms: [String] = []
            for p in 0..<r {
              for q in 0..<c {
                let y = entry(node.b, p, q)
                if y == "0" { continue }
                terms.append(y == "1" ? "log(\(entry(node.a, p, q)))" : "\(y)*log(\(entry(node.a, p, q)))")
              }
            }
            text = terms.isEmpty ? "0" : "-" + sum(terms)
          case .oneHot:
            guard let labelName = graph[node.a].name, let given = labels[labelName] else {
              throw .needsLabels(graph[node.a].name ?? "the labels")
            }
            let column = columns == 1 && given.values.count == 1
            let k = Int(given.values[column ? 0 : min(i, given.values.count - 1)])
            text = (column ? i == k : j == k) ? "1" : "0"
          case .trace:
            let n = bindings.value(of: graph.shape(node.a).rows) ?? 0
            text = sum((0..<n).map { entry(node.a, $0, $0) })
          case .frobeniusSquared:
            let (r, c) = bindings.dimensions(of: graph.shape(node.a)) ?? (1, 1)
            text = sum((0..<r).flatMap { p in (0..<c).map { q in "(\(entry(node.a, p, q)))^2" } })
          }
          row.append(text)
        }
        values.append(row)
      }
      if node.operation == .variable, let name = node.name { names[name] = values }
      // The user's steps become definitions, one per entry.
      if let step = formula.stepNames[id], id != formula.root {
        for i in 0..<rows {
          for j in 0..<columns {
            let name = rows == 1 && columns == 1 ? step : Self.entryName(step, i, j)
            lines.append("\(name) = \(values[i][j])")
            values[i][j] = name
          }
        }
      }
      entries[id] = values
    }
    lines.append("\(formula.resultName) = \(entries[formula.root]?[0][0] ?? "0")")
    source = lines.joined(separator: "\n")
    entryNames = names
    lineCount = lines.count
  }

  /// The scalar name of entry (i, j) of `name`: `w1_02`, canonical as the scalar lexer spells it.
  public static func entryName(_ name: String, _ i: Int, _ j: Int) -> String {
    let raw = name.replacingOccurrences(of: "^(", with: "_").replacingOccurrences(of: ")", with: "") + "_\(i)\(j)"
    return Parser.canonicalName(raw) ?? raw
  }

  /// An operand of a product, bracketed when it starts with a sign.
  private static func factor(_ text: String) -> String { text.hasPrefix("-") ? "(\(text))" : text }

  private static func number(_ value: Double) -> String {
    let text = value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    return value < 0 ? "(\(text))" : text
  }
}
