import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// Cuts a program into the named steps of a forward pass.
///
/// Textbook cut: every function application is its own step `h_k`; the arithmetic around it
/// (sums, products, constant powers) is grouped into one step `f_k`; the last step is the
/// result (`ℓ` for a bare formula). `h_k` takes the index after the `f` it consumes, so the toy
/// model reads `f₀ = β₀ + ω₀·x, h₁ = sin(f₀), f₁ = β₁ + ω₁·h₁, …`. In a sum that mixes the
/// model with data alone (`β₃ + ω₃·h₃ − y`), the model part becomes its own step, giving the
/// book's `f₃ = β₃ + ω₃·h₃`, `ℓ = (f₃ − y)²`. Definitions name their own steps; where the user
/// wrote definitions, the steps the cut adds are `t₁, t₂, …`, since the book's `f₀` would claim a
/// meaning (the first layer) it does not have there.
struct StepCutter {
  let graph: ExpressionGraph
  let granularity: StepGranularity
  let dataNames: Set<String>
  private(set) var steps: [Step] = []
  private var usedNames: Set<String>
  private var stepNames: Set<String> = []
  private var memo: [NodeID: NodeID] = [:]
  /// Each step's expression → its name, so an expression used twice is one step.
  private var stepByExpression: [NodeID: String] = [:]
  private var nextF = 0
  private var nextH = 1
  private var nextT = 1
  /// Whether added steps take the book's names f_k and h_k (a formula without definitions).
  private let textbookNames: Bool

  init(
    graph: ExpressionGraph, granularity: StepGranularity, dataNames: Set<String>, reserved: Set<String>,
    textbookNames: Bool = true
  ) {
    self.graph = graph
    self.granularity = granularity
    self.dataNames = dataNames
    self.usedNames = reserved
    self.textbookNames = textbookNames
  }

  /// Cuts `body` into steps, the last of which is named `name`.
  mutating func cutDefinition(_ body: NodeID, named name: String) {
    usedNames.insert(name)
    let expression: NodeID
    switch graph[body] {
    case .call(let function, let arguments):
      expression = graph.call(function, arguments.map { atom(cut($0)) })
      append(name, expression, .function, defined: true)
    case .power(let base, let exponent) where graph.numberValue(exponent) == nil:
      expression = graph.power(atom(cut(base)), atom(cut(exponent)))
      append(name, expression, .function, defined: true)
    default:
      expression = rebuild(body)
      append(name, expression, .arithmetic, defined: true)
    }
    stepNames.insert(name)
  }

  private mutating func append(_ name: String, _ expression: NodeID, _ kind: Step.Kind, defined: Bool) {
    if stepByExpression[expression] == nil { stepByExpression[expression] = name }
    steps.append(Step(name: name, expression: expression, kind: kind, isDefined: defined))
  }

  /// The node with its function applications replaced by step names.
  private mutating func cut(_ id: NodeID) -> NodeID {
    if let done = memo[id] { return done }
    let result: NodeID
    switch graph[id] {
    case .number, .symbol:
      result = id
    case .call(let function, let arguments):
      let atoms = arguments.map { atom(cut($0)) }
      result = newStep(graph.call(function, atoms), kind: .function, consuming: atoms)
    case .power(let base, let exponent) where graph.numberValue(exponent) == nil:
      let atoms = [atom(cut(base)), atom(cut(exponent))]
      result = newStep(graph.power(atoms[0], atoms[1]), kind: .function, consuming: atoms)
    default:
      let rebuilt = rebuild(id)
      result = granularity == .primitive && !isNegation(rebuilt) ? atom(rebuilt) : rebuilt
    }
    memo[id] = result
    return result
  }

  /// An arithmetic node rebuilt from its cut children (sums flattened), not yet a step.
  private mutating func rebuild(_ id: NodeID) -> NodeID {
    switch graph[id] {
    case .sum:
      var terms: [NodeID] = []
      var stack = [id]
      while let next = stack.popLast() {
        if case .sum(let inner) = graph[next], granularity == .textbook || next == id {
          stack.append(contentsOf: inner.reversed())
        } else {
          terms.append(cut(next))
        }
      }
      return splitModelFromData(terms)
    case .product(let factors):
      return graph.product(factors.map { cut($0) })
    case .power(let base, let exponent):
      return graph.power(cut(base), exponent)
    case .number, .symbol, .call:
      return cut(id)
    }
  }

  /// `β₃ + ω₃·h₃ − y` → `f₃ − y` with `f₃ = β₃ + ω₃·h₃`: the model's output gets its own step.
  private mutating func splitModelFromData(_ terms: [NodeID]) -> NodeID {
    guard granularity == .textbook else { return graph.sum(terms) }
    let isData = terms.map { term in
      let names = graph.symbols(in: term)
      return !names.isEmpty && names.allSatisfy { dataNames.contains($0) && !stepNames.contains($0) }
    }
    let model = zip(terms, isData).filter { !$0.1 }.map(\.0)
    let data = zip(terms, isData).filter { $0.1 }.map(\.0)
    guard !data.isEmpty, model.count > 1 else { return graph.sum(terms) }
    return graph.sum([atom(graph.sum(model))] + data)
  }

  /// `−u` stays inside the subtraction it belongs to, even in the primitive cut.
  private func isNegation(_ id: NodeID) -> Bool {
    if case .product(let factors) = graph[id], factors.count == 2, graph.numberValue(factors[0]) == -1 {
      return true
    }
    return false
  }

  /// A number or symbol as it is; anything else becomes an arithmetic step.
  private mutating func atom(_ id: NodeID) -> NodeID {
    switch graph[id] {
    case .number, .symbol: return id
    default: return newStep(id, kind: .arithmetic, consuming: [])
    }
  }

  private mutating func newStep(_ expression: NodeID, kind: Step.Kind, consuming: [NodeID]) -> NodeID {
    if let existing = stepByExpression[expression] {
      return graph.symbol(existing)
    }
    let name: String
    switch kind {
    case _ where !textbookNames:
      while usedNames.contains("t\(nextT)") { nextT += 1 }
      name = "t\(nextT)"
      nextT += 1
    case .arithmetic:
      while usedNames.contains("f\(nextF)") { nextF += 1 }
      name = "f\(nextF)"
      nextF += 1
    case .function:
      var index = nextH
      if consuming.count == 1, case .symbol(let consumed) = graph[consuming[0]],
        consumed.hasPrefix("f"), let k = Int(consumed.dropFirst()), !usedNames.contains("h\(k + 1)")
      {
        index = k + 1
      }
      while usedNames.contains("h\(index)") { index += 1 }
      name = "h\(index)"
      nextH = max(nextH, index + 1)
    }
    usedNames.insert(name)
    stepNames.insert(name)
    append(name, expression, kind, defined: false)
    return graph.symbol(name)
  }
}
