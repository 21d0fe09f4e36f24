import ChainRuleSupport
import ChainRuleSyntax
import Foundation

extension ExpressionGraph {
  /// Builds the graph of a syntax tree; names in `definitions` stand for their definitions.
  ///
  /// Subtraction and division become sums and powers (`a − b = a + (−1)·b`, `a/b = a·b⁻¹`).
  /// Recursive for the first levels, then iterative, so deep formulas cannot overflow the stack.
  public func build(_ tree: SyntaxTree, definitions: [String: NodeID] = [:]) -> NodeID {
    build(tree, definitions, depth: 0)
  }

  /// Levels built by recursion before a subtree is handed to the iterative builder.
  private static let recursionLimit = 200

  private func build(_ tree: SyntaxTree, _ definitions: [String: NodeID], depth: Int) -> NodeID {
    guard depth < Self.recursionLimit else { return buildIteratively(tree, definitions) }
    switch tree {
    case .number(let value, _): return number(value)
    case .name(let name, _): return definitions[name] ?? symbol(name)
    case .negate(let operand, _): return negate(build(operand, definitions, depth: depth + 1))
    case .binary(let op, let left, let right, _):
      let a = build(left, definitions, depth: depth + 1)
      let b = build(right, definitions, depth: depth + 1)
      return combine(op, a, b)
    case .call(let function, let arguments, _):
      var operands: [NodeID] = []
      operands.reserveCapacity(arguments.count)
      for argument in arguments { operands.append(build(argument, definitions, depth: depth + 1)) }
      return call(function, operands)
    }
  }

  private func combine(_ op: SyntaxTree.Operator, _ left: NodeID, _ right: NodeID) -> NodeID {
    switch op {
    case .add: add(left, right)
    case .subtract: subtract(left, right)
    case .multiply: multiply(left, right)
    case .divide: divide(left, right)
    case .power: power(left, right)
    }
  }

  /// ``build(_:definitions:)`` with an explicit stack, for trees of any depth.
  private func buildIteratively(_ tree: SyntaxTree, _ definitions: [String: NodeID]) -> NodeID {
    let built = tree.foldedBottomUp(
      leaf: { node -> NodeID in
        switch node {
        case .number(let value, _): return number(value)
        case .name(let name, _): return definitions[name] ?? symbol(name)
        default: return number(0)
        }
      },
      combine: { node, operands -> NodeID in
        switch node {
        case .negate: return negate(operands[0])
        case .binary(let op, _, _, _): return combine(op, operands[0], operands[1])
        case .call(let function, _, _): return call(function, operands)
        case .number, .name: return number(0)
        }
      })
    return built ?? number(0)
  }

  /// Builds every definition of `program` in order; returns each defined name's node and the
  /// result (the last line), with earlier definitions substituted into later ones.
  public func build(_ program: Program) -> (definitions: [String: NodeID], result: NodeID) {
    var definitions: [String: NodeID] = [:]
    definitions.reserveCapacity(program.definitions.count)
    var result = number(0)
    for definition in program.definitions {
      result = build(definition.body, definitions: definitions)
      if let name = definition.name { definitions[name] = result }
    }
    return (definitions, result)
  }

  /// The variables of `id` in order of first appearance, reading the formula left to right.
  public func symbols(in id: NodeID) -> [String] {
    // Visited ids are marked in a flag per id below `id` (cheaper than hashing each), except for
    // a small expression high in a large graph: a set until it has seen 4,096 nodes.
    var seen: Set<NodeID> = []
    var marked = [Bool](repeating: false, count: id.index < 4_096 ? Int(id.index) + 1 : 0)
    func firstVisit(_ next: NodeID) -> Bool {
      if !marked.isEmpty {
        let index = Int(next.index)
        if marked[index] { return false }
        marked[index] = true
        return true
      }
      guard seen.insert(next).inserted else { return false }
      if seen.count > 4_096 {
        marked = [Bool](repeating: false, count: Int(id.index) + 1)
        for old in seen { marked[Int(old.index)] = true }
        seen = []
      }
      return true
    }
    var names: [String] = []
    names.reserveCapacity(16)
    var stack = [id]
    stack.reserveCapacity(32)
    while let next = stack.popLast() {
      guard firstVisit(next) else { continue }
      if let name = symbolName(next) {
        names.append(name)
        continue
      }
      for slot in operandSlots(next).reversed() { stack.append(operand(atSlot: slot)) }
    }
    return names
  }

  /// The ids reachable from `root`, ascending: the order of a forward pass.
  public func reachable(from root: NodeID) -> [NodeID] {
    reachable(from: [root])
  }

  /// The ids reachable from any of `roots`, each once, ascending.
  public func reachable(from roots: [NodeID]) -> [NodeID] {
    guard let top = roots.max() else { return [] }
    // A small expression high in a large graph: walk it, rather than scan every id below it.
    if top.index > 4096 {
      var seen = Set(roots)
      var stack = Array(seen)
      while let next = stack.popLast() {
        for slot in operandSlots(next) where seen.insert(operand(atSlot: slot)).inserted {
          stack.append(operand(atSlot: slot))
        }
        if seen.count > Int(top.index) / 8 { return scanReachable(from: roots, top: top) }
      }
      return seen.sorted()
    }
    return scanReachable(from: roots, top: top)
  }

  /// ``reachable(from:)`` by one descending scan over the ids below `top`: children have
  /// smaller ids, so a mark reaches them before the scan does.
  private func scanReachable(from roots: [NodeID], top: NodeID) -> [NodeID] {
    var marked = [Bool](repeating: false, count: Int(top.index) + 1)
    for root in roots { marked[Int(root.index)] = true }
    var order: [NodeID] = []
    order.reserveCapacity(Int(top.index) + 1)
    var i = Int(top.index)
    while i >= 0 {
      if marked[i] {
        order.append(NodeID(i))
        for slot in operandSlots(NodeID(i)) { marked[Int(operand(atSlot: slot).index)] = true }
      }
      i -= 1
    }
    return order.reversed()
  }

  /// The number of operations in `id` written out as a tree, without sharing: `k − 1` for a
  /// sum or product of `k` operands, one for each power and call. Saturates at `Int.max`.
  public func treeOperationCount(_ id: NodeID) -> Int {
    treeOperationCounts([id])[0]
  }

  /// ``treeOperationCount(_:)`` of each id, from one ascending pass over the graph.
  public func treeOperationCounts(_ ids: [NodeID]) -> [Int] {
    guard let top = ids.max() else { return [] }
    var counts = [Int](repeating: 0, count: Int(top.index) + 1)
    for index in counts.indices {
      let id = NodeID(index)
      let slots = operandSlots(id)
      var total: Int
      switch kind(id) {
      case .number, .symbol: continue
      case .sum, .product: total = slots.count - 1
      case .power, .call: total = 1
      }
      for slot in slots { total = Self.saturatingSum(total, counts[Int(operand(atSlot: slot).index)]) }
      counts[index] = total
    }
    return ids.map { counts[Int($0.index)] }
  }

  private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
  }

  /// The number of distinct nodes the ids depend on together: their size with sharing.
  public func distinctNodeCount(_ ids: [NodeID]) -> Int {
    guard let top = ids.max() else { return 0 }
    var marked = [Bool](repeating: false, count: Int(top.index) + 1)
    for id in ids { marked[Int(id.index)] = true }
    var count = 0
    for index in marked.indices.reversed() where marked[index] {
      count += 1
      for slot in operandSlots(NodeID(index)) { marked[Int(operand(atSlot: slot).index)] = true }
    }
    return count
  }
}

extension Program {
  /// The first part of the program without variables that has no value, as a diagnostic with
  /// its caret under that part: `log(0)`, `sqrt(-1)`, `0^-1`, `exp(1000)` (too large), and a
  /// division by something always 0 (`x/0`, `x/(1 - 1)`).
  ///
  /// Every subtree whose leaves are numbers (or names of definitions that are such subtrees) is
  /// evaluated as a `Double` the way the evaluator would at any point, bottom-up and without
  /// recursion; the first that fails is reported. A formula is refused for it whatever point is
  /// given later, since no point can give it a value.
  public func constantWithoutValue() -> Diagnostic? {
    // The constants e and π, until a line defines the name as something else.
    var definedValues = Parser.constants
    for definition in definitions {
      switch Self.constantValue(of: definition.body, definedValues: definedValues) {
      case .failure(let failure):
        return Diagnostic(.constantWithoutValue(text(of: failure.span), failure.reason), at: failure.span)
      case .success(let value):
        if let name = definition.name { definedValues[name] = value }
      }
    }
    return nil
  }

  /// The source text of `span`, shortened to 60 characters.
  private func text(of span: SourceSpan) -> String {
    let bytes = source.utf8
    let start = bytes.index(bytes.startIndex, offsetBy: min(span.start, bytes.count))
    let end = bytes.index(bytes.startIndex, offsetBy: min(span.end, bytes.count))
    let text = String(decoding: bytes[start..<end], as: UTF8.self)
    return text.count > 60 ? String(text.prefix(59)) + "…" : text
  }

  private struct ConstantFailure: Error {
    var span: SourceSpan
    var reason: Diagnostic.Undefined
  }

  /// The value of `tree` if it has no variables (nil if it has), or where and why it has none.
  private static func constantValue(
    of tree: SyntaxTree, definedValues: [String: Double]
  ) -> Result<Double?, ConstantFailure> {
    do throws(ConstantFailure) {
      return .success(try shallowConstantValue(of: tree, definedValues: definedValues, depth: 0))
    } catch {
      return .failure(error)
    }
  }

  /// A name's constant value: a definition's, or e's and π's (unless a line defined them).
  private static func value(ofName name: String, _ definedValues: [String: Double]) -> Double? {
    // Only e and π are there without definitions: most names need no lookup.
    definedValues.count > Parser.constants.count || Parser.isConstantName(name) ? definedValues[name] : nil
  }

  /// ``constantValue(of:definedValues:)`` by recursion while shallow (no arrays, no copies of
  /// the tree), handing deeper subtrees to the iterative walk.
  private static func shallowConstantValue(
    of tree: SyntaxTree, definedValues: [String: Double], depth: Int
  ) throws(ConstantFailure) -> Double? {
    guard depth < 200 else { return try iterativeConstantValue(of: tree, definedValues: definedValues).get() }
    func fail(_ reason: Diagnostic.Undefined) -> ConstantFailure { ConstantFailure(span: tree.span, reason: reason) }
    switch tree {
    case .number(let value, _): return value
    case .name(let name, _): return value(ofName: name, definedValues)
    case .negate(let operand, _):
      return try shallowConstantValue(of: operand, definedValues: definedValues, depth: depth + 1).map { -$0 }
    case .binary(_, let left, let right, _):
      let a = try shallowConstantValue(of: left, definedValues: definedValues, depth: depth + 1)
      let b = try shallowConstantValue(of: right, definedValues: definedValues, depth: depth + 1)
      guard a != nil || b == 0 else { return nil }
      do throws(Diagnostic.Undefined) { return try combine(tree, [a, b]) } catch { throw fail(error) }
    case .call(_, let arguments, _):
      var values: [Double?] = []
      for argument in arguments {
        values.append(try shallowConstantValue(of: argument, definedValues: definedValues, depth: depth + 1))
      }
      guard values.allSatisfy({ $0 != nil }) else { return nil }
      do throws(Diagnostic.Undefined) { return try combine(tree, values) } catch { throw fail(error) }
    }
  }

  /// ``constantValue(of:definedValues:)`` with an explicit stack, for trees of any depth.
  private static func iterativeConstantValue(
    of tree: SyntaxTree, definedValues: [String: Double]
  ) -> Result<Double?, ConstantFailure> {
    do throws(ConstantFailure) {
      let value = try tree.foldedBottomUp(
        leaf: { node -> Double? in
          switch node {
          case .number(let value, _): return value
          case .name(let name, _): return Self.value(ofName: name, definedValues)
          default: return nil
          }
        },
        combine: { (node, operands) throws(ConstantFailure) -> Double? in
          do throws(Diagnostic.Undefined) {
            return try combine(node, operands)
          } catch {
            throw ConstantFailure(span: node.span, reason: error)
          }
        })
      return .success(value ?? nil)
    } catch {
      return .failure(error)
    }
  }

  /// The value of `node` from its operands' values (nil for an operand with variables).
  private static func combine(_ node: SyntaxTree, _ operands: [Double?]) throws(Diagnostic.Undefined) -> Double? {
    let value: Double
    switch node {
    case .negate: return operands[0].map { -$0 }
    case .binary(let op, _, _, _):
      // Dividing by a constant 0 has no value whatever the numerator.
      if op == .divide, operands[1] == 0 { throw .divisionByZero }
      guard let a = operands[0], let b = operands[1] else { return nil }
      switch op {
      case .add: value = a + b
      case .subtract: value = a - b
      case .multiply: value = a * b
      case .divide: value = a / b
      case .power:
        if a == 0 && b < 0 { throw .divisionByZero }
        if a < 0 && b != b.rounded() { throw .negativeBaseFractionalPower }
        value = pow(a, b)
      }
    case .call(let function, _, _):
      let arguments = operands.compactMap { $0 }
      guard arguments.count == operands.count else { return nil }
      do throws(DomainError) {
        value = try function.evaluate(arguments)
      } catch {
        switch error {
        case .outsideDomain(let name, _, let domain): throw .outsideDomain(function: name, domain: domain)
        case .divisionByZero: throw .divisionByZero
        case .negativeBaseFractionalPower: throw .negativeBaseFractionalPower
        case .overflow: throw .overflow
        }
      }
    case .number(let number, _): value = number
    case .name: return nil
    }
    guard value.isFinite else { throw value.isNaN ? .divisionByZero : .overflow }
    return value
  }
}
