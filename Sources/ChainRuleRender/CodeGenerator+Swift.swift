import ChainRuleMatrix

/// The Swift program: a small matrix type spelled as NumPy, inputs drawn as `--random SEED`
/// draws them, the same passes and the same gradient check.
extension CodeGenerator {
  func swift(_ program: Program) -> String {
    let graph = formula.graph
    let inputs = formula.inputs
    let inputNames = inputs.map { identifier($0.name) }
    var out = header.map { "// " + $0 + "\n" }.joined()
    out += "// Run: swiftc -O this.swift -o passes && ./passes\n"
    out += "import Foundation\n\n"
    out += Self.swiftPrelude
    out += "\n/// The forward pass alone: the \(program.result) at these inputs.\n"
    out += "func lossOf(\(inputNames.map { "_ \($0): M" }.joined(separator: ", "))) -> Double {\n"
    for size in sizeNames {
      out += "  let \(identifier(size)) = \(formula.bindings.value(of: .named(size)) ?? 0)\n"
    }
    for step in program.forward { out += "  let \(step.name) = \(step.text)\n" }
    out += "  return \(program.result).item\n}\n\n"
    out += "func main() {\n"
    for size in sizeNames {
      out += "  let \(identifier(size)) = \(formula.bindings.value(of: .named(size)) ?? 0)\n"
    }
    out += "\n  // Inputs: standard normal, drawn as chainrule's --random \(seed)\n"
    out += "  var generator = SplitMix64(seed: \(seed))\n"
    for (input, name) in zip(inputs, inputNames) {
      let (rows, columns) = (sizeText(input.shape.rows), sizeText(input.shape.columns))
      if let value = scalars[input.name] {
        out += "  let \(name) = M(\(Self.literal(value)))\n"
        continue
      }
      switch input.labels {
      case .indices(let classes):
        out += "  let \(name) = M.randomIndices(\(rows), \(columns), classes: \(sizeText(classes)), &generator)\n"
      case .oneHot(let column):
        out += "  let \(name) = M.randomOneHot(\(rows), \(columns), column: \(column), &generator)\n"
      case nil:
        out += "  let \(name) = M.randn(\(rows), \(columns), &generator)\n"
      }
    }
    func assertion(_ name: String, _ node: MatrixNodeID) -> String {
      let shape = graph.shape(node)
      return "  precondition(\(name).shape == [\(sizeText(shape.rows)), \(sizeText(shape.columns))])\n"
    }
    out += "\n  // Forward pass: each step computed once and stored\n"
    for step in program.forward { out += "  let \(step.name) = \(step.text)\n" + assertion(step.name, step.node) }
    out += "  print(\"\(program.result)\", \(program.result).item)\n"
    out += "\n  // Backward pass: the gradient of \(program.result) with respect to every step, last to first\n"
    for step in program.backward { out += "  let \(step.name) = \(step.text)\n" + assertion(step.name, step.node) }
    for gradient in program.gradients {
      out += "  let \(gradient.name) = \(gradient.text)\n"
      out += "  precondition(\(gradient.name).shape == \(identifier(gradient.parameter)).shape)\n"
    }
    out += "\n  // Gradient check: central differences at a few entries of each gradient\n"
    out += "  var sampler = SplitMix64(seed: 1)\n"
    for gradient in program.gradients {
      let parameter = identifier(gradient.parameter)
      let arguments = inputNames.map { $0 == parameter ? "$0" : $0 }.joined(separator: ", ")
      out +=
        "  check(\"\(gradient.name)\", \(parameter), \(gradient.name), &sampler) { lossOf(\(arguments)) }\n"
    }
    out += "}\n\nmain()\n"
    return out
  }

  /// The matrix type and helpers every generated Swift program carries.
  static let swiftPrelude = """
    /// A matrix of doubles, row-major, spelled as NumPy: a.dot(b), a.T, a.sum(axis: 0).
    struct M {
      var rows: Int
      var cols: Int
      var v: [Double]

      init(_ rows: Int, _ cols: Int, _ value: Double = 0) {
        self.rows = rows
        self.cols = cols
        v = [Double](repeating: value, count: rows * cols)
      }
      init(_ value: Double) { self.init(1, 1, value) }

      var shape: [Int] { [rows, cols] }
      var item: Double { v[0] }
      subscript(i: Int, j: Int) -> Double {
        get { v[i * cols + j] }
        set { v[i * cols + j] = newValue }
      }

      func dot(_ b: M) -> M {
        precondition(cols == b.rows, "inner sizes \\(cols) and \\(b.rows) differ")
        var c = M(rows, b.cols)
        for i in 0..<rows {
          for k in 0..<cols {
            let a = v[i * cols + k]
            if a == 0 { continue }
            for j in 0..<b.cols { c.v[i * b.cols + j] += a * b.v[k * b.cols + j] }
          }
        }
        return c
      }
      var T: M {
        var t = M(cols, rows)
        for i in 0..<rows { for j in 0..<cols { t.v[j * rows + i] = v[i * cols + j] } }
        return t
      }
      func map(_ f: (Double) -> Double) -> M {
        var out = self
        out.v = v.map(f)
        return out
      }
      /// f entry by entry, a row, column or 1×1 operand repeated to the other's shape.
      static func zip(_ a: M, _ b: M, _ f: (Double, Double) -> Double) -> M {
        var out = M(Swift.max(a.rows, b.rows), Swift.max(a.cols, b.cols))
        for i in 0..<out.rows {
          for j in 0..<out.cols {
            out[i, j] = f(a[a.rows == 1 ? 0 : i, a.cols == 1 ? 0 : j], b[b.rows == 1 ? 0 : i, b.cols == 1 ? 0 : j])
          }
        }
        return out
      }
      func broadcast(_ r: Int, _ c: Int) -> M { M.zip(self, M(r, c)) { a, _ in a } }
      func sum() -> M { M(v.reduce(0, +)) }
      func sum(axis: Int) -> M {
        var out = axis == 0 ? M(1, cols) : M(rows, 1)
        for i in 0..<rows { for j in 0..<cols { out.v[axis == 0 ? j : i] += self[i, j] } }
        return out
      }
      func trace() -> M { M((0..<Swift.min(rows, cols)).reduce(0) { $0 + self[$1, $1] }) }
      func frobeniusSquared() -> M { M(v.reduce(0) { $0 + $1 * $1 }) }
      static func eye(_ n: Int) -> M {
        var out = M(n, n)
        for i in 0..<n { out[i, i] = 1 }
        return out
      }

      /// Standard normal entries by Box–Muller, as chainrule's --random draws them.
      static func randn(_ r: Int, _ c: Int, _ g: inout SplitMix64) -> M {
        var out = M(r, c)
        var k = 0
        while k < r * c {
          let u = (Double(g.next() >> 11) + 1) / 9_007_199_254_740_992
          let w = Double(g.next() >> 11) / 9_007_199_254_740_992
          let radius = (-2 * Foundation.log(u)).squareRoot()
          out.v[k] = radius * Foundation.cos(2 * .pi * w)
          k += 1
          if k < r * c {
            out.v[k] = radius * Foundation.sin(2 * .pi * w)
            k += 1
          }
        }
        return out
      }
      static func randomIndices(_ r: Int, _ c: Int, classes: Int, _ g: inout SplitMix64) -> M {
        var out = M(r, c)
        for k in 0..<(r * c) { out.v[k] = Double(g.next() % UInt64(Swift.max(classes, 1))) }
        return out
      }
      static func randomOneHot(_ r: Int, _ c: Int, column: Bool, _ g: inout SplitMix64) -> M {
        var out = M(r, c)
        if column {
          out[Int(g.next() % UInt64(Swift.max(r, 1))), 0] = 1
        } else {
          for i in 0..<r { out[i, Int(g.next() % UInt64(Swift.max(c, 1)))] = 1 }
        }
        return out
      }
    }

    func + (a: M, b: M) -> M { M.zip(a, b, +) }
    func - (a: M, b: M) -> M { M.zip(a, b, -) }
    func * (a: M, b: M) -> M { M.zip(a, b, *) }
    func / (a: M, b: M) -> M { M.zip(a, b, /) }
    func + (a: Double, b: M) -> M { M(a) + b }
    func - (a: Double, b: M) -> M { M(a) - b }
    func * (a: Double, b: M) -> M { M(a) * b }
    func / (a: Double, b: M) -> M { M(a) / b }
    func + (a: M, b: Double) -> M { a + M(b) }
    func - (a: M, b: Double) -> M { a - M(b) }
    func * (a: M, b: Double) -> M { a * M(b) }
    func / (a: M, b: Double) -> M { a / M(b) }
    prefix func - (a: M) -> M { a.map { -$0 } }
    func pow(_ a: M, _ p: Double) -> M { a.map { p == 2 ? $0 * $0 : Foundation.pow($0, p) } }

    /// softmax of each row (of the column, for a column vector).
    func softmax(_ a: M, column: Bool = false) -> M {
      if column { return softmax(a.T).T }
      var out = a
      for i in 0..<a.rows {
        let row = a.v[(i * a.cols)..<((i + 1) * a.cols)]
        let largest = row.max() ?? 0
        let e = row.map { Foundation.exp($0 - largest) }
        let total = e.reduce(0, +)
        for j in 0..<a.cols { out[i, j] = e[j] / total }
      }
      return out
    }
    func crossentropy(_ p: M, _ y: M) -> M {
      M(Swift.zip(p.v, y.v).reduce(0) { $1.1 == 0 ? $0 : $0 - $1.1 * Foundation.log($1.0) })
    }
    func onehot(_ labels: M, rows: Int, columns: Int) -> M {
      var out = M(rows, columns)
      if columns == 1 && labels.v.count == 1 {
        out[Int(labels.item), 0] = 1
      } else {
        for i in 0..<rows { out[i, Int(labels.v[i])] = 1 }
      }
      return out
    }

    /// Central differences at three entries, against the backward pass's gradient.
    func check(_ name: String, _ value: M, _ grad: M, _ sampler: inout SplitMix64, _ lossAt: (M) -> Double) {
      var worst = 0.0
      for _ in 0..<3 {
        let i = Int(sampler.next() % UInt64(value.rows))
        let j = Int(sampler.next() % UInt64(value.cols))
        let step = 1e-5 * Swift.max(1, Swift.abs(value[i, j]))
        var up = value
        var down = value
        up[i, j] += step
        down[i, j] -= step
        let numeric = (lossAt(up) - lossAt(down)) / (2 * step)
        let scale = Swift.max(Swift.abs(numeric), Swift.abs(grad[i, j]), 1e-300)
        worst = Swift.max(worst, Swift.abs(numeric - grad[i, j]) / scale)
      }
      let norm = grad.frobeniusSquared().item.squareRoot()
      print(name, "norm", norm, "worst relative error", String(format: "%.1e", worst), worst < 1e-4 ? "ok" : "MISMATCH")
    }

    /// SplitMix64 (Steele, Lea & Flood), as chainrule's --random uses.
    struct SplitMix64 {
      var state: UInt64
      init(seed: UInt64) { state = seed }
      mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
      }
    }

    """
}
