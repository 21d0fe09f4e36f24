import ChainRule

/// `diff --steps`, `--entry` and `--scalarise` in matrix mode.
enum MatrixSteps {
  /// Each gradient derived: differential, trace form, identification.
  static func text(_ report: MatrixReport, _ notation: Notation) -> String {
    var out = ""
    for row in report.rows {
      guard let derivation = try? MatrixDerivation(formula: report.formula, variable: row.variable) else { continue }
      out += "\n" + MatrixDerivationRenderer(derivation: derivation, notation: notation).text()
    }
    return out
  }

  /// `--entry 'w1[i,j]'`: the entry by the scalar chain rule (with numbers for `w1[0,2]`).
  static func entry(_ text: String, _ report: MatrixReport, _ notation: Notation, inputs: [String: Matrix]?)
    throws(CommandError) -> String
  {
    guard let open = text.firstIndex(of: "["), text.hasSuffix("]"),
      let name = MatrixCommand.canonicalName(String(text[..<open]))
    else {
      throw .usage("--entry expects an entry such as 'w1[i,j]' or 'w1[0,2]'; found '\(text)'", command: "diff")
    }
    let indices = text[text.index(after: open)..<text.index(before: text.endIndex)].split(separator: ",").map {
      String($0).trimmingCharacters(in: " ")
    }
    guard (1...2).contains(indices.count), indices.allSatisfy({ !$0.isEmpty }) else {
      throw .usage("--entry takes one index for a vector or two for a matrix: 'v[i]', 'w1[i,j]'", command: "diff")
    }
    guard report.formula.input(named: name) != nil || report.rows.contains(where: { $0.variable == name }) else {
      throw .usage("--entry: \(name) is not an input of the formula", command: "diff")
    }
    let renderer = MatrixEntryRenderer(
      formula: report.formula, variable: name, row: indices[0], column: indices.count == 2 ? indices[1] : "0",
      notation: notation, inputs: inputs)
    do throws(MatrixReportError) {
      return try renderer.text()
    } catch {
      switch error {
      case .diagnostic(let diagnostic): throw .input(.message(diagnostic.message))
      case .evaluation(let evaluation):
        throw .input(.message(MatrixCommand.describe(evaluation, report.formula, notation)))
      }
    }
  }

  /// `--scalarise`: the loss written out entry by entry and differentiated by the scalar engine,
  /// every entry compared with the matrix formula's.
  static func scalarised(_ report: MatrixReport, _ notation: Notation, inputs: [String: Matrix]?)
    throws(CommandError) -> String
  {
    let formula = report.formula
    let scalarisation: MatrixScalarisation
    do throws(MatrixScalarisation.Refusal) {
      scalarisation = try MatrixScalarisation(formula: formula, labels: inputs ?? [:])
    } catch {
      switch error {
      case .unboundSize(let shape):
        throw .usage("--scalarise needs numbers for every size; \(shape) has names: add them to --at", command: "diff")
      case .tooLarge(let why):
        throw .usage("--scalarise is for small sizes: \(why); choose smaller ones with --at", command: "diff")
      case .needsLabels(let name):
        throw .usage("--scalarise needs the class indices \(name): add --random SEED", command: "diff")
      }
    }
    let scalar: Formula
    do throws(Diagnostic) {
      scalar = try Formula(parsing: scalarisation.source, syntax: .plain)
    } catch {
      throw .input(.message("the scalarised formula does not parse (a bug): \(error.message)"))
    }
    let printer = MatrixPrinter(graph: formula.graph, notation: notation, names: formula.stepNames)
    let lines = scalarisation.source.split(separator: "\n").map(String.init)
    var out = "\nScalarised: the same \(printer.name(formula.resultName)) with one scalar per entry, "
    out += "differentiated by the scalar engine\n"
    let shown =
      lines.count <= 8 ? lines : Array(lines.prefix(5)) + ["… (\(lines.count - 6) more lines)", lines[lines.count - 1]]
    for line in shown { out += "  " + (line.count > 110 ? String(line.prefix(109)) + "…" : line) + "\n" }
    var point: [String: Double] = [:]
    for (name, value) in inputs ?? [:] {
      guard let names = scalarisation.entryNames[name] else { continue }
      for (i, row) in names.enumerated() {
        for (j, entry) in row.enumerated() { point[entry] = value[i, j] }
      }
    }
    for row in report.rows {
      guard let names = scalarisation.entryNames[row.variable] else { continue }
      let flat = names.flatMap { $0 }
      let gradient = scalar.gradient(withRespectTo: flat)
      if let first = gradient.first {
        let text = scalar.printer(.plain).string(scalar.simplified(first))
        let lhs = "d\(formula.resultName)/d\(flat[0])"
        out +=
          "  \(lhs) = "
          + (text.count <= 160 ? text : "(\(text.count) characters; the scalar chain rule summed over every path)")
          + "\n"
      }
      guard inputs != nil, let matrix = report.values[row.node] else { continue }
      guard let values = try? Evaluator(graph: scalar.graph).values(of: gradient, at: point).values else {
        out += "  (the scalar derivatives have no value at these inputs)\n"
        continue
      }
      out += "  entry        scalar engine      matrix formula     difference\n"
      var worst = 0.0
      for (index, id) in gradient.enumerated() {
        let i = index / names[0].count
        let j = index % names[0].count
        let a = values[id] ?? .nan
        let b = matrix[i, j]
        worst = max(worst, abs(a - b) / max(1, abs(b)))
        if index < 12 {
          let label = "\(printer.name(row.variable))[\(i),\(j)]"
          func cell(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(1, width - text.count))
          }
          out += "  " + cell(label, 13) + cell(MatrixValueFormat.number(a, notation), 19)
          out += cell(MatrixValueFormat.number(b, notation), 19) + ValueFormat.error(abs(a - b), notation) + "\n"
        }
      }
      if gradient.count > 12 { out += "  … (\(gradient.count - 12) more entries)\n" }
      out +=
        worst <= 1e-9
        ? "  all \(gradient.count) entries of \(printer.name(row.variable)) agree\n"
        : "  entries of \(printer.name(row.variable)) DIFFER (largest relative difference \(ValueFormat.error(worst, notation)))\n"
    }
    if inputs == nil { out += "  add --random SEED to compare every entry with the matrix formula\n" }
    return out
  }
}
