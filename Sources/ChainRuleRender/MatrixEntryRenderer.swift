import ChainRuleMatrix
import ChainRuleSyntax

/// `diff --entry 'w1[i,j]'`: one entry of a matrix gradient as the scalar chain rule summed over
/// an index, beside the matrix formula it equals.
///
/// ```
/// ∂loss/∂w₁[i,j] entry by entry: the scalar chain rule, summed over an index
///   w₁[i,j] enters h[n,j] = Σₖ x[n,k]·w₁[k,j] for every row n of h = x·w₁, so
///   ∂loss/∂w₁[i,j] = Σₙ ∂loss/∂h[n,j]·∂h[n,j]/∂w₁[i,j]
///                  = Σₙ ∂loss/∂h[n,j]·x[n,i]
///                  = (xᵀ·∂loss/∂h)[i,j]
/// ```
public struct MatrixEntryRenderer {
  public let formula: MatrixFormula
  public let variable: String
  /// The row and column indices as written: names (`i`, `j`) or numbers.
  public let row: String
  public let column: String
  public let notation: Notation
  /// Input values, to add the numbers of a concrete entry.
  public let inputs: [String: Matrix]?

  public init(
    formula: MatrixFormula, variable: String, row: String, column: String, notation: Notation,
    inputs: [String: Matrix]?
  ) {
    self.formula = formula
    self.variable = variable
    self.row = row
    self.column = column
    self.notation = notation
    self.inputs = inputs
  }

  private var graph: MatrixGraph { formula.graph }

  /// One way the variable enters a node that uses it.
  private struct Use {
    var user: MatrixNodeID
    var adjoint: MatrixNodeID
    /// How X[i,j] enters the user's entries, in words.
    var enters: String
    /// The chain rule for this use: Σₙ ∂ℓ/∂P[n,j]·∂P[n,j]/∂X[i,j].
    var chain: String
    /// With the local derivative written out.
    var local: String
    /// The matrix form of the same contribution, at [i,j].
    var matrix: String
    /// The numbers of the sum at a concrete entry: each term's factors.
    var terms: (([MatrixNodeID: Matrix], Int, Int) -> [(Double, Double)])?
  }

  private func text(_ id: MatrixNodeID, _ printer: MatrixPrinter) -> String { printer.string(id) }

  /// The entry's text; with numbers when the indices are numbers and inputs are given.
  public func text() throws(MatrixReportError) -> String {
    var printer = MatrixPrinter(
      graph: graph, notation: notation == .latex ? .unicode : notation, names: formula.stepNames)
    let notation = printer.notation
    let result = printer.name(formula.resultName)
    let x = printer.name(variable)
    let d = notation == .plain ? "d" : "∂"
    let sigma = notation == .plain ? "sum_" : "Σ"
    let dot = notation == .plain ? "*" : "·"
    func partial(_ name: String) -> String { "\(d)\(result)/\(d)\(name)" }
    func sub(_ index: String) -> String {
      guard notation == .unicode else { return index }
      return ["n": "ₙ", "k": "ₖ", "m": "ₘ"][index] ?? index
    }
    func labelled(_ printer: MatrixPrinter) -> MatrixPrinter {
      var plain = printer
      plain.labels = [:]
      return plain
    }
    let lhs = "\(partial(x))[\(row),\(column)]"
    var out = "\n\(lhs) entry by entry: the scalar chain rule, summed over an index\n"
    guard let input = formula.input(named: variable) else {
      return out + "  \(result) does not use \(x): every entry of its gradient is 0\n"
    }
    let adjoints: [MatrixNodeID: MatrixNodeID]
    do {
      adjoints = try MatrixDifferentiator(graph: graph).adjoints(of: formula.root, toward: [input.node])
    } catch {
      throw .diagnostic(MatrixDiagnostic("internal error: \(error)", at: SourceSpan(start: 0, end: 0)))
    }
    // The users of X, in the formula's order, and the name each adjoint is written with.
    let users = graph.reachable(from: [formula.root]).filter { graph[$0].operands.contains(input.node) }
    var uses: [Use] = []
    var wheres: [(String, MatrixNodeID)] = []
    let (i, j) = (row, column)
    let n = "n"
    let k = "k"
    for user in users {
      guard let adjoint = adjoints[user] else { continue }
      let node = graph[user]
      let expression = labelled(printer).string(user, expandingTop: true)
      let userName =
        formula.stepNames[user].map { printer.name($0) }
        ?? (expression.count <= 16 && graph.isScalar(user) ? expression : "P\(uses.count + 1)")
      let adjointName = graph.isConstant(adjoint, 1) ? "1" : partial(userName)
      if formula.stepNames[user] == nil || !graph.isConstant(adjoint, 1) {
        if formula.stepNames[user] == nil { wheres.append((userName, user)) }
      }
      if !graph.isConstant(adjoint, 1) { printer.labels[adjoint] = partial(userName) }
      let written = userName == expression ? userName : "\(userName) = \(expression)"
      switch node.operation {
      case .matmul where node.b == input.node:
        let a = text(node.a, printer)
        uses.append(
          Use(
            user: user, adjoint: adjoint,
            enters:
              "\(x)[\(i),\(j)] enters \(userName)[\(n),\(j)] = \(sigma)\(sub(k)) \(a)[\(n),\(k)]\(dot)\(x)[\(k),\(j)] for every row \(n) of \(written)",
            chain: "\(sigma)\(sub(n)) \(adjointName)[\(n),\(j)]\(dot)\(d)\(userName)[\(n),\(j)]/\(d)\(x)[\(i),\(j)]",
            local: "\(sigma)\(sub(n)) \(adjointName)[\(n),\(j)]\(dot)\(a)[\(n),\(i)]",
            matrix: "(\(bracketed(a))ᵀ\(dot)\(adjointName))[\(i),\(j)]",
            terms: { values, r, c in
              guard let g = values[adjoint], let left = values[node.a] else { return [] }
              return (0..<g.rows).map { (g[$0, c], left[$0, r]) }
            }))
      case .matmul:
        let b = text(node.b, printer)
        uses.append(
          Use(
            user: user, adjoint: adjoint,
            enters:
              "\(x)[\(i),\(j)] enters \(userName)[\(i),\(k)] = \(sigma)\(sub("m")) \(x)[\(i),m]\(dot)\(b)[m,\(k)] for every column \(k) of \(written)",
            chain: "\(sigma)\(sub(k)) \(adjointName)[\(i),\(k)]\(dot)\(d)\(userName)[\(i),\(k)]/\(d)\(x)[\(i),\(j)]",
            local: "\(sigma)\(sub(k)) \(adjointName)[\(i),\(k)]\(dot)\(b)[\(j),\(k)]",
            matrix: "(\(adjointName)\(dot)\(bracketed(b))ᵀ)[\(i),\(j)]",
            terms: { values, r, c in
              guard let g = values[adjoint], let right = values[node.b] else { return [] }
              return (0..<g.columns).map { (g[r, $0], right[c, $0]) }
            }))
      case .transpose:
        uses.append(
          Use(
            user: user, adjoint: adjoint, enters: "\(x)[\(i),\(j)] is \(userName)[\(j),\(i)] of \(written)",
            chain: "\(adjointName)[\(j),\(i)]\(dot)\(d)\(userName)[\(j),\(i)]/\(d)\(x)[\(i),\(j)]",
            local: "\(adjointName)[\(j),\(i)]", matrix: "(\(adjointName))ᵀ[\(i),\(j)]",
            terms: { values, r, c in values[adjoint].map { [($0[c, r], 1)] } ?? [] }))
      default:
        // Elementwise (and reductions): X[i,j] enters P[i,j] (every row of P when X is a row).
        let rule = MatrixRule.rule(for: node.operation)
        let position = node.operands.firstIndex(of: input.node) ?? 0
        let scalarUser = graph.isScalar(user)
        let rowsRepeat = !scalarUser && !graph.bindings.agree(input.shape.rows, node.shape.rows)
        let columnsRepeat = !scalarUser && !graph.bindings.agree(input.shape.columns, node.shape.columns)
        let at = scalarUser ? "" : "[\(rowsRepeat ? n : i),\(columnsRepeat ? k : j)]"
        let sums = (rowsRepeat ? "\(sigma)\(sub(n)) " : "") + (columnsRepeat ? "\(sigma)\(sub(k)) " : "")
        let contribution = (try? rule.adjoint(graph, user, adjoint)).flatMap {
          $0.count > position ? $0[position] : nil
        }
        // The local derivative ∂P/∂X entry by entry: the rule's adjoint for an adjoint of ones.
        var local = node.operation == .add ? "1" : "\(d)\(userName)\(at)/\(d)\(x)[\(i),\(j)]"
        if !rowsRepeat && !columnsRepeat {
          let ones = graph.fitted(graph.constant(1), to: node.shape)
          if let factors = try? rule.adjoint(graph, user, ones), factors.count > position,
            let factor = factors[position]
          {
            let factorText = graph.isConstant(factor, 1) ? "1" : "(\(labelled(printer).string(factor)))[\(i),\(j)]"
            local = factorText
          }
        }
        uses.append(
          Use(
            user: user, adjoint: adjoint,
            enters:
              "\(x)[\(i),\(j)] enters \(userName)\(at)\(written == userName ? "" : " of " + written) (\(rule.name))",
            chain: "\(sums)\(adjointName)\(at)\(dot)\(d)\(userName)\(at)/\(d)\(x)[\(i),\(j)]",
            local: local == "1" ? "\(sums)\(adjointName)\(at)" : "\(sums)\(adjointName)\(at)\(dot)\(local)",
            matrix: contribution.map { "(\(printer.string($0)))[\(i),\(j)]" } ?? "0",
            terms: { values, r, c in
              // A repeated row or column: one term per entry of P it enters.
              if (rowsRepeat || columnsRepeat) && (node.operation == .add || node.operation == .multiply),
                let g = values[adjoint]
              {
                let other = node.operation == .multiply ? values[node.operands[1 - position]] : nil
                var terms: [(Double, Double)] = []
                for p in rowsRepeat ? Array(0..<g.rows) : [r] {
                  for q in columnsRepeat ? Array(0..<g.columns) : [c] {
                    let factor = other.map { $0[$0.rows == 1 ? 0 : p, $0.columns == 1 ? 0 : q] } ?? 1
                    terms.append((g[p, q], factor))
                  }
                }
                return terms
              }
              return contribution.flatMap { values[$0].map { [($0[r, c], 1)] } } ?? []
            }))
      }
      if !graph.isConstant(adjoint, 1) { wheres.append((partial(userName), adjoint)) }
    }
    let indent = "  "
    for use in uses { out += indent + use.enters + "\n" }
    let pad = String(repeating: " ", count: indent.count + lhs.count)
    func join(_ parts: [String]) -> String { parts.joined(separator: " + ") }
    out += indent + "\(lhs) = \(join(uses.map(\.chain)))\n"
    out += pad + " = \(join(uses.map(\.local)))\n"
    out += pad + " = \(join(uses.map(\.matrix)))\n"
    for (name, node) in wheres where name.hasPrefix(d) {
      out +=
        indent + "with \(name) = \(labelled(printer).string(node))   \(formula.bindings.described(graph.shape(node)))\n"
    }
    // Numbers, at a concrete entry.
    if let r = Int(row), let c = Int(column), let inputs {
      guard let (rows, columns) = formula.bindings.dimensions(of: input.shape), r >= 0, r < rows, c >= 0, c < columns
      else {
        return out + indent
          + "(the entry [\(row),\(column)] is outside \(x), which is \(formula.bindings.described(input.shape)))\n"
      }
      let needed = uses.flatMap { [$0.adjoint] + graph[$0.user].operands } + Array(adjoints.values)
      let values: [MatrixNodeID: Matrix]
      do throws(MatrixEvaluationError) {
        values = try MatrixEvaluator(graph: graph, inputs: inputs, bindings: formula.bindings).values(of: needed)
      } catch {
        throw .evaluation(error)
      }
      var total = 0.0
      var shown: [String] = []
      var count = 0
      for use in uses {
        for (a, b) in use.terms?(values, r, c) ?? [] {
          total += a * b
          count += 1
          if shown.count < 3 { shown.append(b == 1 ? num(a) : "\(num(a))\(dot)\(num(b))") }
        }
      }
      let more = count > 3 ? " + … (\(count) terms)" : ""
      let gradientEntry = input.node == formula.root ? 1 : (values[adjoints[input.node] ?? input.node]?[r, c] ?? .nan)
      out += indent + "at [\(r),\(c)]: \(shown.joined(separator: " + "))\(more) = \(num(total))\n"
      out += indent + "the matrix formula's entry: \(num(gradientEntry))\n"
    }
    return out
  }

  private func num(_ value: Double) -> String {
    let text = MatrixValueFormat.number(value, notation == .latex ? .unicode : notation)
    return value < 0 ? "(\(text))" : text
  }

  private func bracketed(_ text: String) -> String {
    text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || "⁽⁾¹²³⁴⁵⁶⁷⁸⁹⁰₀₁₂₃₄₅₆₇₈₉".contains($0) }
      ? text : "(\(text))"
  }
}
