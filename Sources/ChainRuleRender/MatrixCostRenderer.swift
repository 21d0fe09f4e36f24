import ChainRuleMatrix
import Foundation

/// The end of `trace` in matrix mode: each gradient checked by central differences on sampled
/// entries, the cost in floating-point operations, and the memory the backward pass needs.
public struct MatrixCostRenderer {
  /// One parameter's sampled entries, compared.
  public struct Check {
    public var variable: String
    public var entries: [MatrixGradientCheck.Entry]

    public init(variable: String, entries: [MatrixGradientCheck.Entry]) {
      self.variable = variable
      self.entries = entries
    }
  }

  public let report: MatrixReport
  public let checks: [Check]

  public init(report: MatrixReport, checks: [Check]) {
    self.report = report
    self.checks = checks
  }

  /// The relative error of two numbers: |a − b| / max(|a|, |b|), 0 when both are 0.
  public static func relativeError(_ a: Double, _ b: Double) -> Double {
    let scale = Swift.max(Swift.abs(a), Swift.abs(b))
    return scale == 0 ? 0 : Swift.abs(a - b) / scale
  }

  /// `12,800`.
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, character) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(character)
    }
    return (n < 0 ? "−" : "") + out
  }

  /// `3.7e−08` (a Unicode minus in Unicode output).
  static func scientific(_ value: Double, _ notation: Notation) -> String {
    let text = String(format: "%.1e", value)
    return notation == .unicode ? text.replacingOccurrences(of: "-", with: "−") : text
  }

  /// `100 KiB`, `1.5 MiB`.
  public static func bytes(_ n: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB"]
    var value = Double(n)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(n) bytes" }
    let text = value >= 100 || value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
    return "\(text) \(units[unit])"
  }

  /// The size names in the file's order: its bindings, then its declarations.
  var sizeOrder: [String] {
    let program = report.formula.program
    return program.sizeBindings.map { $0.0 }
      + program.declarations.flatMap { declaration in
        [declaration.shape.rows, declaration.shape.columns].compactMap { size -> String? in
          if case .named(let name) = size { return name }
          return nil
        }
      }
  }

  public func text(_ notation: Notation) -> String {
    let formula = report.formula
    let graph = formula.graph
    let bindings = formula.bindings
    let printer = MatrixPrinter(graph: graph, notation: notation, names: formula.stepNames)
    let order = sizeOrder
    func polynomial(_ p: MatrixCost.Polynomial) -> String {
      let text = p.text(multiply: "·", order: order, bindings: bindings)
      guard let value = p.value(bindings) else { return text }
      let number = Self.grouped(value)
      return text == String(value) ? number : "\(text) = \(number)"
    }
    var out = ""
    if !checks.isEmpty {
      let total = checks.reduce(0) { $0 + $1.entries.count }
      out += "\nGradient check: central differences (ℓ(X + h·E_ij) − ℓ(X − h·E_ij))/2h at \(total) sampled entries\n"
      var rows = [["entry", "backprop", "numeric", "rel error", "verdict"]]
      for check in checks {
        for entry in check.entries {
          let error = Self.relativeError(entry.symbolic, entry.numeric)
          rows.append([
            "\(printer.name(check.variable))[\(entry.row),\(entry.column)]",
            MatrixValueFormat.number(entry.symbolic, notation), MatrixValueFormat.number(entry.numeric, notation),
            Self.scientific(error, notation), entry.agrees ? "ok" : "DISAGREE",
          ])
        }
      }
      out += TableLayout.render(rows).split(separator: "\n").map { "  " + $0 + "\n" }.joined()
      let failed = checks.flatMap(\.entries).filter { !$0.agrees }.count
      out +=
        failed == 0
        ? "  every sampled entry agrees (within 1e-6 relative, plus the loss's rounding over h)\n"
        : "  \(failed) of \(total) sampled entries disagree\n"
    }
    let cost = MatrixCost(formula: formula, gradients: report.rows.map(\.node))
    out += "\nCost in floating-point operations\n"
    out += "  counting rule: a product (m×k)·(k×n) is 2·m·k·n; +, ⊙, scalar times matrix, powers and\n"
    out += "  functions of every entry are one per entry, a sum one per entry added; transposes and\n"
    out += "  broadcasts are free (views)\n"
    out += "  every closed form evaluated separately:  \(polynomial(cost.closedForms))\n"
    out += "  one forward pass:                        \(polynomial(cost.forward))\n"
    out += "  one backward pass:                       \(polynomial(cost.backward))\n"
    if let closed = cost.closedForms.value(bindings), let forward = cost.forward.value(bindings),
      let backward = cost.backward.value(bindings), forward + backward > 0
    {
      let ratio = Double(closed) / Double(forward + backward)
      out +=
        "  forward + backward = \(Self.grouped(forward + backward)): the closed forms cost \(String(format: "%.2f", ratio)) times as much,\n"
      out += "  because they compute the shared steps again inside every gradient\n"
    }
    out += "\nMemory: the forward values the backward pass reads back\n"
    if cost.stored.isEmpty {
      out += "  none: every gradient reads only the inputs\n"
      return out
    }
    let items = cost.stored.map { value in
      let name = value.name.map(printer.name) ?? printer.string(value.node)
      return (name, value.shape)
    }
    var groups: [(names: [String], shape: MatrixShape)] = []
    for (name, shape) in items {
      if let i = groups.firstIndex(where: { $0.shape == shape }) {
        groups[i].names.append(name)
      } else {
        groups.append(([name], shape))
      }
    }
    out +=
      "  "
      + groups.map { group in
        group.names.joined(separator: ", ") + " (\(group.shape)\(group.names.count > 1 ? " each" : ""))"
      }.joined(separator: ", ") + "\n"
    let entries = cost.storedEntries
    out += "  \(entries.text(multiply: "·", order: order, bindings: bindings))"
    if let count = entries.value(bindings) {
      out += " = \(Self.grouped(count)) values = \(Self.bytes(count * 8)) in float64"
    } else {
      out += " values (8 bytes each in float64)"
    }
    out += "\n"
    // The size every term grows with; of several, the one declared first (the batch, N).
    let common = entries.commonFactors
    if let batch = common.min(by: {
      (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count)
    }),
      let n = bindings.value(of: .named(batch)),
      let count = entries.value(bindings)
    {
      out +=
        "  in proportion to \(batch): at \(batch) = \(n * 2), \(Self.grouped(count * 2)) values (\(Self.bytes(count * 16)))\n"
    }
    out += "  a deeper network keeps each layer's steps the same way: linear in the depth\n"
    out += "  prediction (the forward pass alone) stores none of them: each step can be freed once the\n"
    out += "  next one is computed; training keeps them from the forward pass until the backward pass\n"
    return out
  }

  /// The same as JSON fields: `gradientCheck` (each sampled entry), `cost` (each count as a
  /// formula in the sizes and a number) and `memory` (the stored values, their count and bytes).
  public func json() -> [(String, JSONValue)] {
    let formula = report.formula
    let bindings = formula.bindings
    let printer = MatrixPrinter(graph: formula.graph, notation: .plain, names: formula.stepNames)
    let cost = MatrixCost(formula: formula, gradients: report.rows.map(\.node))
    func count(_ p: MatrixCost.Polynomial) -> JSONValue {
      .object([
        ("formula", .string(p.text(multiply: "*", order: sizeOrder, bindings: bindings))),
        ("value", p.value(bindings).map { .integer($0) } ?? .null),
      ])
    }
    let checks = checks.flatMap { check in
      check.entries.map { entry -> JSONValue in
        .object([
          ("wrt", .string(check.variable)), ("row", .integer(entry.row)), ("column", .integer(entry.column)),
          ("backprop", .number(entry.symbolic)), ("numeric", .number(entry.numeric)),
          ("relativeError", .number(Self.relativeError(entry.symbolic, entry.numeric))),
          ("agrees", .bool(entry.agrees)),
        ])
      }
    }
    let entries = cost.storedEntries
    let stored = cost.stored.map { value -> JSONValue in
      .object([
        ("expression", .string(value.name ?? printer.string(value.node))),
        ("shape", report.shapeJSON(value.shape)),
      ])
    }
    return [
      ("gradientCheck", .array(checks)),
      (
        "cost",
        .object([
          ("closedForms", count(cost.closedForms)), ("forward", count(cost.forward)),
          ("backward", count(cost.backward)),
        ])
      ),
      (
        "memory",
        .object([
          ("stored", .array(stored)), ("values", count(entries)),
          ("bytes", entries.value(bindings).map { .integer($0 * 8) } ?? .null),
        ])
      ),
    ]
  }
}
