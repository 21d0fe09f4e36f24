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

  static func entry(_ text: String, _ report: MatrixReport, _ notation: Notation, inputs: [String: Matrix]?)
    throws(CommandError) -> String
  { "" }

  static func scalarised(_ report: MatrixReport, _ notation: Notation, inputs: [String: Matrix]?)
    throws(CommandError) -> String
  { "" }
}
