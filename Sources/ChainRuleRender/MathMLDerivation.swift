import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSyntax

/// A ``Derivation`` in MathML, line by line, as ``DerivationRenderer`` writes it in text:
/// each rule's name beside its equation, `d/dω₀ cos(u₂) = −sin(u₂)·du₂/dω₀`, and the function's
/// own rule beside a chain-rule line.
///
/// Each equation is the elements of one formula, without the `<math>` root.
public struct MathMLDerivation {
  /// One line: the rule's name, its equation, and the function rule it uses.
  public struct Row: Sendable {
    public var rule: String
    public var equation: String
    public var note: String?
  }

  public let derivation: Derivation
  /// The name of the function differentiated, e.g. `l` (printed ℓ).
  public let functionName: String
  private let printer: MathMLPrinter
  private let innerName: [NodeID: String]

  public init(derivation: Derivation, functionName: String) {
    self.derivation = derivation
    self.functionName = functionName
    printer = MathMLPrinter(graph: derivation.graph)
    var names: [NodeID: String] = [:]
    for inner in derivation.innerFunctions { names[inner.expression] = inner.name }
    innerName = names
  }

  private var variable: String { MathMLPrinter.name(derivation.variable) }

  /// The inner functions, `u₁ = …` each, as (name, expression).
  public var definitions: [(name: String, expression: String)] {
    derivation.innerFunctions.map { (MathMLPrinter.name($0.name), printer.content($0.expression)) }
  }

  /// Each line of the derivation.
  public var rows: [Row] {
    derivation.lines.map { line in
      Row(
        rule: line.rule.rawValue, equation: derivative(line.target) + "<mo>=</mo>" + term(line.result),
        note: line.functionRule.map { functionRule($0.function) })
    }
  }

  /// ∂f/∂x for the left-hand sides.
  public var partial: String { MathMLPrinter.partial(of: functionName, withRespectTo: derivation.variable) }

  /// d(target)/dx: `du₁/dω₀` for a name, `d/dω₀[…]` otherwise.
  func derivative(_ target: NodeID) -> String {
    let graph = derivation.graph
    if let name = innerName[target] { return derivative(graph.symbol(name)) }
    if case .symbol(let name) = graph[target] {
      return "<mfrac><mrow><mi>d</mi>" + MathMLPrinter.name(name) + "</mrow><mrow><mi>d</mi>" + variable
        + "</mrow></mfrac>"
    }
    let operator_ = "<mfrac><mi>d</mi><mrow><mi>d</mi>" + variable + "</mrow></mfrac>"
    if case .call = graph[target] { return "<mrow>" + operator_ + printer.content(target) + "</mrow>" }
    return "<mrow>" + operator_ + "<mo>[</mo>" + printer.content(target) + "<mo>]</mo></mrow>"
  }

  /// A term, with brackets around sums inside products.
  func term(_ term: DerivativeTerm) -> String {
    switch term {
    case .expression(let id): return printer.content(id)
    case .derivative(let id): return derivative(id)
    case .sum(let parts):
      if parts.isEmpty { return "<mn>0</mn>" }
      var out = ""
      for (i, part) in parts.enumerated() {
        if part.negative || i > 0 {
          out += part.negative ? (i == 0 ? "<mo form=\"prefix\">−</mo>" : "<mo>−</mo>") : "<mo>+</mo>"
        }
        out += factor(part.term, inSum: true)
      }
      return out
    case .product(let parts):
      return parts.enumerated().map { i, part in factor(part, inSum: i == 0 && parts.count == 1, first: i == 0) }
        .joined(separator: "<mo>·</mo>")
    case .quotient(let top, let bottom):
      return "<mfrac><mrow>" + self.term(top) + "</mrow><mrow>" + self.term(bottom) + "</mrow></mfrac>"
    }
  }

  private func factor(_ term: DerivativeTerm, inSum: Bool, first: Bool = false) -> String {
    var bracketed = false
    let body: String
    switch term {
    case .expression(let id):
      body = inSum ? printer.content(id) : printer.factorContent(id)
      if !inSum && !first && body.hasPrefix("<mo form=\"prefix\">−</mo>") { bracketed = true }
    case .sum(let parts):
      body = self.term(term)
      bracketed = !inSum && parts.count > 1
    default:
      body = self.term(term)
    }
    return bracketed ? "<mrow><mo>(</mo>" + body + "<mo>)</mo></mrow>" : "<mrow>" + body + "</mrow>"
  }

  /// The function's own rule, `d/du cos(u) = −sin(u)`.
  func functionRule(_ function: Function) -> String {
    let graph = derivation.graph
    let u = graph.symbol("u")
    let derivative = function.partialDerivatives(at: [u], in: graph)[0]
    var canonical = CanonicalForm(graph: graph)
    let simple = canonical.simplify(derivative)
    return "<mfrac><mi>d</mi><mrow><mi>d</mi><mi>u</mi></mrow></mfrac>" + printer.content(graph.call(function, [u]))
      + "<mo>=</mo>" + printer.content(simple)
  }
}
