import ChainRuleMatrix
import Foundation

/// How matrices of numbers are written in text: abbreviated to a corner of each edge for large
/// ones, in full on request.
public enum MatrixValueFormat {
  /// A number with 6 significant digits (`−0.123457`, `1.5e6`), as ``ValueFormat`` writes it.
  public static func number(_ value: Double, _ notation: Notation) -> String {
    ValueFormat.number(value, significantDigits: 6, notation)
  }

  /// The matrix as rows of bracketed numbers, one row per line, columns aligned; with at most
  /// `rows` rows and `columns` columns shown (the first and last ones, `…` between) unless `full`.
  ///
  /// - Parameter indent: Spaces before every line but the first.
  public static func text(
    _ matrix: Matrix, _ notation: Notation, indent: Int, full: Bool = false, rows: Int = 6, columns: Int = 6
  ) -> String {
    if matrix.rows == 1 && matrix.columns == 1 { return number(matrix.scalar, notation) }
    let shownRows = full || matrix.rows <= rows ? Array(0..<matrix.rows) : edges(matrix.rows, rows)
    let shownColumns = full || matrix.columns <= columns ? Array(0..<matrix.columns) : edges(matrix.columns, columns)
    var cells: [[String]] = []
    for i in shownRows {
      cells.append(shownColumns.map { $0 < 0 ? "…" : number(matrix[i < 0 ? 0 : i, $0], notation) })
      if i < 0 { cells[cells.count - 1] = shownColumns.map { _ in "⋮" } }
    }
    var widths = [Int](repeating: 0, count: shownColumns.count)
    for row in cells { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) } }
    let pad = String(repeating: " ", count: indent)
    let lines = cells.enumerated().map { index, row -> String in
      let body = row.enumerated().map { j, cell in String(repeating: " ", count: widths[j] - cell.count) + cell }
      let open = index == 0 ? "[[" : " ["
      let close = index == cells.count - 1 ? "]]" : "],"
      return open + body.joined(separator: ", ") + close
    }
    return lines.enumerated().map { $0.offset == 0 ? $0.element : pad + $0.element }.joined(separator: "\n")
  }

  /// The first and last indices of `count` with −1 standing for the gap: `[0, 1, 2, −1, 9]`.
  static func edges(_ count: Int, _ shown: Int) -> [Int] {
    let head = (shown + 1) / 2
    let tail = shown - head
    return Array(0..<head) + [-1] + Array((count - tail)..<count)
  }

  /// The matrix as JSON rows.
  public static func json(_ matrix: Matrix) -> JSONValue {
    .array(matrix.rowArrays.map { row in .array(row.map { JSONValue.number($0) }) })
  }
}

extension MatrixValueFormat {
  /// The ASCII of plain output: what matrix-mode texts write in Unicode (shapes 64×1000, rule
  /// identities, `…`) in the spellings the plain grammar uses (64x1000, `.T`, `*`, `.*`, `...`).
  public static func ascii(_ text: String) -> String {
    let replacements: [(String, String)] = [
      ("^∘", "^"), ("…", "..."), ("⋮", ":"), ("∂", "d"), ("ᵀ", ".T"), ("·", "*"), ("⊙", ".*"),
      ("⊘", "/"), ("𝟏", "ones"), ("𝟙", "1"), ("Σₙ", "sum_n"), ("Σₖ", "sum_k"), ("Σₘ", "sum_m"), ("Σ", "sum_"),
      ("−", "-"), ("‖", "||"), ("²", "^2"), ("⁻¹", "^-1"), ("⇔", "<=>"), ("ℓ", "l"), ("λ", "lambda"), ("δ", "delta"),
      ("⁽", "^("), ("⁾", ")"), ("¹", "1"), ("³", "3"), ("⁰", "0"), ("′", "'"), ("≥", ">="),
    ]
    // 64×1000 → 64x1000, N×D_in → N x D_in (as the plain declarations read them).
    var out = ""
    let characters = Array(text)
    for (index, character) in characters.enumerated() {
      guard character == "×" else {
        out.append(character)
        continue
      }
      let digits =
        index > 0 && index + 1 < characters.count && characters[index - 1].isNumber && characters[index + 1].isNumber
      out += digits ? "x" : " x "
    }
    for (unicode, plain) in replacements where out.contains(unicode) {
      out = out.replacingOccurrences(of: unicode, with: plain)
    }
    return out
  }
}
