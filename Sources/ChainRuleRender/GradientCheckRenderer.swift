import ChainRuleNumeric
import ChainRuleSyntax

/// Writes the rows of a ``GradientCheck`` as `chainrule check` prints them: a table with a
/// verdict per variable, or JSON.
public struct GradientCheckRenderer {
  public let rows: [GradientCheck.Row]
  /// The formula's result name (`l`, printed ℓ).
  public let resultName: String
  public let notation: Notation
  /// The point checked, in the user's order.
  public let point: [(String, Double)]

  public init(rows: [GradientCheck.Row], resultName: String, notation: Notation, point: [(String, Double)]) {
    self.rows = rows
    self.resultName = resultName
    self.notation = notation
    self.point = point
  }

  /// The verdict column's text for a row's status.
  public static func verdict(_ status: GradientCheck.Status) -> String {
    switch status {
    case .agrees: "ok"
    case .disagrees: "MISMATCH"
    case .kink: "kink: not differentiable here (convention used)"
    case .undefined(let why): "not checked: \(why)"
    }
  }

  /// The table: one row per variable, then a summary sentence.
  public func table() -> String {
    let n = notation == .latex ? Notation.plain : notation
    let result = resultName
    var out = "gradient check of \(n.name(result)) at \(ValueFormat.point(point, n))\n"
    out += "symbolic: the derivative ChainRule printed; numeric: Richardson-extrapolated central differences\n\n"
    let header = ["variable", "symbolic", "numeric", "abs error", "rel error", "tolerance", "verdict"]
    var lines = [header]
    for row in rows {
      lines.append([
        n.name(row.variable), ValueFormat.text(row.symbolic, n), ValueFormat.text(row.numeric, n),
        ValueFormat.error(row.absoluteError, n), ValueFormat.error(row.relativeError, n),
        ValueFormat.error(row.tolerance, n), Self.verdict(row.status),
      ])
    }
    out += TableLayout.render(lines)
    let failures = rows.filter { $0.status == .disagrees }.count
    let checked = rows.filter { $0.status == .agrees || $0.status == .disagrees }.count
    let unchecked = rows.count - checked
    if failures > 0 {
      let noun = checked == 1 ? "derivative" : "derivatives"
      let verb = failures == 1 ? "disagrees" : "disagree"
      out += "\n\(failures) of \(checked) checked \(noun) \(verb) with the numbers\n"
    } else if checked == 1 {
      out += "\nthe derivative agrees with the numbers\n"
    } else if checked > 1 {
      out += "\nall \(checked) derivatives agree with the numbers\n"
    }
    if unchecked > 0 {
      out += "\(unchecked) not checked: finite differences cannot judge a derivative at a kink or off its domain\n"
    }
    return out
  }

  /// The rows as JSON, with whether every checked derivative agrees.
  public func json() -> JSONValue {
    let entries: [JSONValue] = rows.map { row in
      .object([
        ("wrt", .string(row.variable)), ("symbolic", .number(row.symbolic)),
        ("numeric", .number(row.numeric)), ("absoluteError", .number(row.absoluteError)),
        ("relativeError", .number(row.relativeError)), ("tolerance", .number(row.tolerance)),
        ("verdict", .string(Self.verdict(row.status))),
      ])
    }
    let passed = !rows.contains { $0.status == .disagrees }
    return .object([("passed", .bool(passed)), ("rows", .array(entries))])
  }
}
