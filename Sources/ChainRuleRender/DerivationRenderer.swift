import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Prints a ``Derivation`` one rule per line, in text or LaTeX.
///
/// ```
/// chain rule:  d/dω₀ cos(u₂) = −sin(u₂)·du₂/dω₀      (d/du cos(u) = −sin(u))
/// ```
public struct DerivationRenderer {
  public let derivation: Derivation
  public let notation: Notation
  /// The name of the function differentiated, e.g. `l` (printed ℓ).
  public let functionName: String

  /// Brackets around function arguments in LaTeX.
  public let brackets: ExpressionPrinter.Brackets
  private let innerName: [NodeID: String]

  public init(
    derivation: Derivation, notation: Notation, functionName: String, brackets: ExpressionPrinter.Brackets = .round
  ) {
    self.derivation = derivation
    self.notation = notation
    self.functionName = functionName
    self.brackets = brackets
    var names: [NodeID: String] = [:]
    for inner in derivation.innerFunctions { names[inner.expression] = inner.name }
    innerName = names
  }

  private var printer: ExpressionPrinter {
    ExpressionPrinter(graph: derivation.graph, notation: notation, brackets: brackets)
  }
  private var variable: String { notation.name(derivation.variable) }
  /// `\partial` in LaTeX when the formula has several variables (the book's partials), else `d`.
  private var d: String { notation == .latex && derivation.variables.count > 1 ? "\\partial" : "d" }

  /// d(target)/dx as written: `du₁/dω₀` for a name, `d/dω₀[…]` otherwise.
  func derivativeText(_ target: NodeID) -> String {
    let graph = derivation.graph
    if let name = innerName[target] {
      return derivativeText(graph.symbol(name))
    }
    if case .symbol(let name) = graph[target] {
      switch notation {
      case .latex: return "\\frac{\(d) \(notation.name(name))}{\(d) \(variable)}"
      case .unicode: return "d\(notation.name(name))/d\(variable)"
      case .plain: return "d\(name)/d\(variable)"
      }
    }
    let inner = printer.string(target)
    switch notation {
    case .latex:
      // `\Bigl[ … \Bigr]`, not `\left[ … \right]`: a long argument may break across lines.
      let size = inner.contains("\\frac") ? "Big" : "big"
      return "\\frac{\(d)}{\(d) \(variable)}\\\(size)l[" + inner + "\\\(size)r]"
    default:
      if case .call = graph[target] { return "d/d\(variable) " + inner }
      return "d/d\(variable)[" + inner + "]"
    }
  }

  /// The text of a term, with parentheses around sums inside products.
  func text(_ term: DerivativeTerm) -> String {
    switch term {
    case .expression(let id): return printer.string(id)
    case .derivative(let id): return derivativeText(id)
    case .sum(let parts):
      if parts.isEmpty { return "0" }
      var out = ""
      for (i, part) in parts.enumerated() {
        let body = factorText(part.term, inSum: true)
        if i == 0 {
          out = part.negative ? notation.minus + body : body
        } else {
          out += part.negative ? " \(notation.minus) " : " + "
          out += body
        }
      }
      return out
    case .product(let parts):
      return parts.enumerated().map { i, part in factorText(part, inSum: i == 0 && parts.count == 1, first: i == 0) }
        .joined(separator: printer.times)
    case .quotient(let top, let bottom):
      if notation == .latex { return "\\frac{\(text(top))}{\(text(bottom))}" }
      return groupedText(top) + "/" + groupedText(bottom)
    }
  }

  /// A numerator or denominator in text: bracketed unless it is a single name or number.
  private func groupedText(_ term: DerivativeTerm) -> String {
    if case .expression(let id) = term {
      switch derivation.graph[id] {
      case .symbol, .number, .call: return printer.string(id)
      default: break
      }
    }
    return "(" + text(term) + ")"
  }

  private func factorText(_ term: DerivativeTerm, inSum: Bool, first: Bool = false) -> String {
    let body: String
    var needsParentheses = false
    switch term {
    case .expression(let id):
      body = inSum ? printer.string(id) : printer.factorString(id)
      if !inSum && !first && body.hasPrefix(notation.minus) { needsParentheses = true }
      // `1/u·d/dx[…]` would read as a fraction over both: bracket fractions inside products.
      if !inSum && notation != .latex && body.contains("/") && !body.hasPrefix("(") { needsParentheses = true }
    case .sum(let parts):
      body = text(term)
      needsParentheses = !inSum && parts.count > 1
    case .quotient:
      body = text(term)
      needsParentheses = !inSum && notation != .latex
    default:
      body = text(term)
    }
    guard needsParentheses else { return body }
    return notation == .latex ? "\\left(" + body + "\\right)" : "(" + body + ")"
  }

  /// The function's own rule, e.g. `d/du cos(u) = −sin(u)`.
  func functionRuleText(_ function: Function) -> String {
    let graph = derivation.graph
    let u = graph.symbol("u")
    let derivative = function.partialDerivatives(at: [u], in: graph)[0]
    var canonical = CanonicalForm(graph: graph)
    let simple = canonical.simplify(derivative)
    let f = printer.string(graph.call(function, [u]))
    let d = printer.string(simple)
    switch notation {
    case .latex: return "\\frac{d}{du} \(f) = \(d)"
    default: return "d/du \(f) = \(d)"
    }
  }

  /// The inner-function definitions, `u₁ = …` each.
  public var definitions: [(String, String)] {
    derivation.innerFunctions.map { (notation.name($0.name), printer.string($0.expression)) }
  }

  /// Each line as (rule name, equation, function rule note).
  public var rows: [(rule: String, equation: String, note: String?)] {
    derivation.lines.map { line in
      let equation = derivativeText(line.target) + " = " + text(line.result)
      let note = line.functionRule.map { functionRuleText($0.function) }
      return (line.rule.rawValue, equation, note)
    }
  }

  /// The derivation as plain or Unicode text.
  public func text() -> String {
    let lhs = notation.partial(of: functionName, withRespectTo: derivation.variable)
    var out = "How \(lhs) is obtained, rule by rule\n"
    let definitions = self.definitions
    if !definitions.isEmpty {
      let width = definitions.map(\.0.count).max() ?? 0
      out += "  inner functions:\n"
      for (name, expression) in definitions {
        out += "    " + name + String(repeating: " ", count: width - name.count) + " = " + expression + "\n"
      }
    }
    let rows = self.rows
    let ruleWidth = (rows.map(\.rule.count).max() ?? 0) + 1
    for row in rows {
      var line = "  " + row.rule + ":" + String(repeating: " ", count: ruleWidth - row.rule.count) + " " + row.equation
      if let note = row.note { line += "      (\(note))" }
      out += line + "\n"
    }
    let graph = derivation.graph
    let assembled = ExpressionPrinter(graph: graph, notation: notation).string(derivation.assembled)
    let result = ExpressionPrinter(graph: graph, notation: notation).string(derivation.result)
    out += "  putting the pieces together:\n    \(lhs) = \(assembled)\n"
    let rules = derivation.simplifications
    // Nothing to simplify (2·x³ gives 6·x² at once): the result is the line just printed.
    let unchanged = assembled == result
    if !rules.isEmpty && !unchanged {
      out += "  simplified by: " + rules.map { "\($0.rawValue) (\($0.identity))" }.joined(separator: ", ") + "\n"
    }
    if derivation.rearranged && !unchanged {
      out += "  arranged as diff prints it (distributive law a·(b + c) = a·b + a·c):\n"
    }
    if !unchanged { out += "    \(lhs) = \(result)\n" }
    if let diffForm = derivation.diffForm {
      let verdict =
        derivation.agreesNumerically
        ? "the same function (they agree at random points), arranged differently"
        : "a form that DISAGREES with the rules' result at a random point (a bug: please report it)"
      out += "  diff prints it as \(verdict):\n"
      out += "    \(lhs) = \(ExpressionPrinter(graph: graph, notation: notation).string(diffForm))\n"
    }
    return out
  }
}
