import ChainRuleMatrix
import ChainRuleSyntax

/// `chainrule diff` in matrix mode: the steps with their shapes, then each gradient in matrix
/// notation with its shape and, at random inputs, its value.
public struct MatrixReport {
  /// One gradient.
  public struct Row {
    public var variable: String
    public var node: MatrixNodeID
    public var shape: MatrixShape
  }

  public let formula: MatrixFormula
  public let rows: [Row]
  /// Whether step adjoints print by name (`(∂J/∂o)·hᵀ + λ·W⁽²⁾`, then `where ∂J/∂o = …`).
  public let namedAdjoints: Bool
  /// Every adjoint of the sweep, for named adjoints.
  public let adjoints: [MatrixNodeID: MatrixNodeID]
  /// The inputs' values and the seed they were drawn from, when there are numbers.
  public let inputs: [String: Matrix]?
  public let seed: UInt64?
  /// Values of the root, the steps and the gradients, when there are inputs.
  public let values: [MatrixNodeID: Matrix]

  /// Differentiates `formula` by `variables` and, given inputs, evaluates everything.
  ///
  /// - Throws: ``MatrixReportError``: an internal shape error, or inputs that give no value.
  public init(
    formula: MatrixFormula, variables: [String], inputs: [String: Matrix]? = nil, seed: UInt64? = nil,
    namedAdjoints: Bool = false
  ) throws(MatrixReportError) {
    self.formula = formula
    self.namedAdjoints = namedAdjoints
    self.inputs = inputs
    self.seed = seed
    let gradient: [MatrixNodeID]
    do {
      gradient = try formula.gradient(withRespectTo: variables)
      let targets = Set(variables.compactMap { formula.input(named: $0)?.node })
      adjoints =
        namedAdjoints ? try MatrixDifferentiator(graph: formula.graph).adjoints(of: formula.root, toward: targets) : [:]
    } catch let error as MatrixDiagnostic {
      throw .diagnostic(error)
    } catch {
      throw .diagnostic(MatrixDiagnostic("internal error: \(error)", at: SourceSpan(start: 0, end: 0)))
    }
    rows = zip(variables, gradient).map { Row(variable: $0, node: $1, shape: formula.graph.shape($1)) }
    if let inputs {
      let evaluator = MatrixEvaluator(graph: formula.graph, inputs: inputs, bindings: formula.bindings)
      do throws(MatrixEvaluationError) {
        values = try evaluator.values(of: [formula.root] + formula.steps.map(\.node) + gradient)
      } catch {
        throw .evaluation(error)
      }
    } else {
      values = [:]
    }
  }

  /// Step adjoints printed by name: ∂ℓ/∂s for each step s whose adjoint is more than a leaf.
  func adjointLabels(_ notation: Notation, printer: MatrixPrinter) -> [(node: MatrixNodeID, step: String)] {
    guard namedAdjoints else { return [] }
    var labels: [(MatrixNodeID, String)] = []
    for (name, node) in formula.steps.reversed() where node != formula.root {
      guard let adjoint = adjoints[node], !formula.graph[adjoint].operands.isEmpty else { continue }
      guard !labels.contains(where: { $0.0 == adjoint }) else { continue }
      labels.append((adjoint, name))
    }
    return labels
  }

  /// The plain, Unicode or LaTeX report.
  public func text(_ notation: Notation, full: Bool = false) -> String {
    let graph = formula.graph
    var printer = MatrixPrinter(graph: graph, notation: notation, names: formula.stepNames)
    let bindings = formula.bindings
    var out = ""
    let declared = formula.program.declarations.map { "\(printer.name($0.name)): \(bindings.described($0.shape))" }
    if !declared.isEmpty { out += declared.joined(separator: ", ") + "\n" }
    let lines = formula.steps.map { step in
      (printer.name(step.name) + " = " + printer.string(step.node, expandingTop: true), graph.shape(step.node))
    }
    let width = lines.map(\.0.count).max() ?? 0
    for (text, shape) in lines {
      out += text + String(repeating: " ", count: width - text.count + 3) + bindings.described(shape) + "\n"
    }
    if formula.steps.last?.node != formula.root {
      out += "\(printer.name(formula.resultName)) = \(printer.string(formula.root, expandingTop: true))\n"
    }
    if let seed, let value = values[formula.root] {
      out +=
        "at random inputs (seed \(seed)):  \(printer.name(formula.resultName)) = \(MatrixValueFormat.number(value.scalar, notation))\n"
    }
    let labels = adjointLabels(notation, printer: printer)
    for (node, step) in labels { printer.labels[node] = partial(step, notation, printer) }
    for row in rows {
      out += "\n"
      let lhs = partial(row.variable, notation, printer)
      out += "\(lhs) = \(printer.string(row.node))\n"
      let pad = String(repeating: " ", count: 2)
      out += pad + "shape \(bindings.described(row.shape)), as \(printer.name(row.variable))\n"
      if let value = values[row.node] {
        out += pad + "value " + MatrixValueFormat.text(value, notation, indent: 8, full: full) + "\n"
      }
    }
    let used = labels.filter { label in rows.contains { graph.reachable(from: [$0.node]).contains(label.node) } }
    if !used.isEmpty {
      out += "\nwhere, from the last step back:\n"
      let lines = used.map { "\(partial($0.step, notation, printer)) = \(printer.string($0.node, expandingTop: true))" }
      let width = lines.map(\.count).max() ?? 0
      for (line, label) in zip(lines, used) {
        let shape = bindings.described(graph.shape(label.node))
        out += "  " + line + String(repeating: " ", count: width - line.count + 3) + shape + "\n"
      }
    }
    return out
  }

  /// ∂ℓ/∂v in `notation`, with `v`'s superscripts.
  func partial(_ variable: String, _ notation: Notation, _ printer: MatrixPrinter) -> String {
    let result = printer.name(formula.resultName)
    let name = printer.name(variable)
    switch notation {
    case .plain: return "d\(result)/d\(name)"
    case .unicode: return "∂\(result)/∂\(name)"
    case .latex: return "\\frac{\\partial \(result)}{\\partial \(name)}"
    }
  }

  /// A shape as JSON: `[rows, columns]`, numbers where bound, names where not.
  func shapeJSON(_ shape: MatrixShape) -> JSONValue {
    .array(
      [shape.rows, shape.columns].map { size in
        formula.bindings.value(of: size).map { JSONValue.integer($0) } ?? .string(size.description)
      })
  }

  /// The JSON report: per derivative `wrt`, `shape`, `expression`, `value`; at top level the
  /// `inputs` with every input's shape and values, so the gradients can be recomputed.
  ///
  /// - Parameter extra: More top-level fields, after the derivatives (`trace` adds its gradient
  ///   check, cost and memory).
  public func json(extra: [(String, JSONValue)] = []) -> String {
    let graph = formula.graph
    let plain = MatrixPrinter(graph: graph, notation: .plain, names: formula.stepNames)
    let latex = MatrixPrinter(graph: graph, notation: .latex, names: formula.stepNames)
    var object: [(String, JSONValue)] = [
      ("input", .string(formula.program.source)),
      ("mode", .string("matrix")),
      ("sizes", .object(formula.bindings.values.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
      (
        "steps",
        .array(
          formula.steps.map { step in
            .object([
              ("name", .string(step.name)), ("expression", .string(plain.string(step.node, expandingTop: true))),
              ("shape", shapeJSON(graph.shape(step.node))),
            ])
          })
      ),
      ("expression", .string(plain.string(formula.root, expandingTop: true))),
    ]
    if let inputs {
      if let seed { object.append(("seed", .integer(Int(truncatingIfNeeded: seed)))) }
      object.append(
        (
          "inputs",
          .object(
            formula.inputs.compactMap { input in
              guard let value = inputs[input.name] else { return nil }
              var entry: [(String, JSONValue)] = [("shape", shapeJSON(input.shape))]
              switch input.labels {
              case .indices: entry.append(("labels", .string("class indices")))
              case .oneHot: entry.append(("labels", .string("one-hot")))
              case nil: break
              }
              entry.append(("value", MatrixValueFormat.json(value)))
              return (input.name, .object(entry))
            })
        ))
      object.append(("value", .number(values[formula.root]?.scalar)))
    }
    object.append(
      (
        "derivatives",
        .array(
          rows.map { row in
            var entry: [(String, JSONValue)] = [
              ("wrt", .string(row.variable)), ("shape", shapeJSON(row.shape)),
              ("expression", .string(plain.string(row.node))), ("latex", .string(latex.string(row.node))),
            ]
            if let value = values[row.node] { entry.append(("value", MatrixValueFormat.json(value))) }
            return .object(entry)
          })
      ))
    object += extra
    return JSONValue.object(object).serialized() + "\n"
  }
}

/// Why a matrix report could not be made.
public enum MatrixReportError: Error {
  case diagnostic(MatrixDiagnostic)
  case evaluation(MatrixEvaluationError)
}
