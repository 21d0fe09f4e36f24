/// What a matrix formula costs: floating-point operations of its closed forms against one
/// forward and one backward pass, and the memory of the values the backward pass reads back.
///
/// The counting rule, per node with an m×n result: a product (m×k)·(k×n) is 2·m·k·n (k
/// multiplies and k adds per entry); `+`, `⊙`, a scalar times a matrix, a power and a function
/// of every entry (relu, 𝟙[h > 0], exp) are m·n; a sum adds every entry of its operand once;
/// ‖A‖²_F is 2 per entry; softmax 3 per entry (exponential, sum, division); cross-entropy 2 per
/// entry of P (log, multiply-add); a trace n. Inputs, numbers, transposes, broadcasts and
/// one-hot labels are free (NumPy's `.T` and broadcasting are views, not copies).
public struct MatrixCost {
  /// A sum of products of sizes with whole coefficients: `2·N·H + N·D_out`.
  public struct Polynomial: Hashable, Sendable {
    /// Each monomial, the sorted size names multiplied, with its coefficient.
    public var terms: [[String]: Int]

    public init(terms: [[String]: Int] = [:]) { self.terms = terms }

    /// The number of entries of `shape`: rows·columns, names kept.
    public init(entriesOf shape: MatrixShape) {
      var coefficient = 1
      var names: [String] = []
      for size in [shape.rows, shape.columns] {
        switch size {
        case .fixed(let n): coefficient *= n
        case .named(let name): names.append(name)
        }
      }
      terms = [names.sorted(): coefficient]
    }

    public static func + (a: Polynomial, b: Polynomial) -> Polynomial {
      Polynomial(terms: a.terms.merging(b.terms, uniquingKeysWith: +))
    }

    /// The value with every name bound, nil if one is not.
    public func value(_ bindings: SizeBindings) -> Int? {
      var total = 0
      for (names, coefficient) in terms {
        var product = coefficient
        for name in names {
          guard let n = bindings.value(of: .named(name)) else { return nil }
          product *= n
        }
        total += product
      }
      return total
    }

    /// The size names every term has: what the whole grows in proportion to.
    public var commonFactors: [String] {
      guard var common = terms.keys.first.map(Set.init) else { return [] }
      for names in terms.keys { common.formIntersection(names) }
      return common.sorted()
    }

    /// `2·N·H + N·D_out`, larger terms first (by value under `bindings`, then more names, then
    /// larger coefficients), names in the order `order` gives (declaration order), the rest
    /// alphabetically.
    public func text(multiply: String = "·", order: [String] = [], bindings: SizeBindings = SizeBindings()) -> String {
      func rank(_ name: String) -> Int { order.firstIndex(of: name) ?? order.count }
      func value(_ names: [String], _ coefficient: Int) -> Int {
        Polynomial(terms: [names: coefficient]).value(bindings) ?? 0
      }
      let sorted = terms.filter { $0.value != 0 }.map { (names, coefficient) in
        (names.sorted { (rank($0), $0) < (rank($1), $1) }, coefficient)
      }.sorted { a, b in
        let (x, y) = (value(a.0, a.1), value(b.0, b.1))
        if x != y { return x > y }
        if a.0.count != b.0.count { return a.0.count > b.0.count }
        if a.1 != b.1 { return a.1 > b.1 }
        return a.0.lexicographicallyPrecedes(b.0) { (rank($0), $0) < (rank($1), $1) }
      }
      guard !sorted.isEmpty else { return "0" }
      return sorted.map { names, coefficient in
        let factors = (coefficient == 1 && !names.isEmpty ? [] : [String(coefficient)]) + names
        return factors.joined(separator: multiply)
      }.joined(separator: " + ")
    }
  }

  /// A forward value the backward pass reads: its node and its step name, if it has one.
  public struct StoredValue {
    public var node: MatrixNodeID
    public var name: String?
    public var shape: MatrixShape
  }

  public let formula: MatrixFormula
  /// Every closed form evaluated on its own from the inputs, as written out (shared parts
  /// computed each time they appear).
  public let closedForms: Polynomial
  /// The forward pass: each node of the loss once.
  public let forward: Polynomial
  /// The backward pass: each node of the gradients the forward pass has not computed, once.
  public let backward: Polynomial
  /// The forward values the backward pass reads, in evaluation order.
  public let stored: [StoredValue]

  /// The costs of the gradients `gradients` (nodes of `formula.graph`) of `formula`'s root.
  public init(formula: MatrixFormula, gradients: [MatrixNodeID]) {
    self.formula = formula
    let graph = formula.graph
    let forwardNodes = graph.reachable(from: [formula.root])
    let forwardSet = Set(forwardNodes)
    var forward = Polynomial()
    for id in forwardNodes { forward = forward + Self.operations(graph, id) }
    var backward = Polynomial()
    var read = Set<MatrixNodeID>()
    for id in graph.reachable(from: gradients) where !forwardSet.contains(id) {
      backward = backward + Self.operations(graph, id)
      for operand in graph[id].operands where forwardSet.contains(operand) { read.insert(operand) }
    }
    // Inputs and numbers are not intermediates; a transpose or broadcast of a stored value is a
    // view of it.
    func source(_ id: MatrixNodeID) -> MatrixNodeID {
      let operation = graph.operation(id)
      return operation == .transpose || operation == .broadcast ? source(graph[id].a) : id
    }
    let leaves: Set<MatrixOperation> = [.variable, .constant, .size, .identity, .oneHot]
    let kept = Set(read.map(source)).filter { id in
      !leaves.contains(graph.operation(id)) && !graph.variables(in: id).isEmpty
    }
    stored = kept.sorted().map { StoredValue(node: $0, name: formula.stepNames[$0], shape: graph.shape($0)) }
    var trees: [MatrixNodeID: Polynomial] = [:]
    var closedForms = Polynomial()
    for id in graph.reachable(from: gradients) {
      trees[id] = graph[id].operands.reduce(Self.operations(graph, id)) { $0 + (trees[$1] ?? Polynomial()) }
    }
    for gradient in gradients { closedForms = closedForms + (trees[gradient] ?? Polynomial()) }
    self.closedForms = closedForms
    self.forward = forward
    self.backward = backward
  }

  /// The memory of the stored values, in entries.
  public var storedEntries: Polynomial {
    stored.reduce(Polynomial()) { $0 + Polynomial(entriesOf: $1.shape) }
  }

  /// The floating-point operations of node `id` alone, by the counting rule above.
  public static func operations(_ graph: MatrixGraph, _ id: MatrixNodeID) -> Polynomial {
    let node = graph[id]
    let entries = Polynomial(entriesOf: node.shape)
    func scaled(_ p: Polynomial, _ factor: Int) -> Polynomial {
      Polynomial(terms: p.terms.mapValues { $0 * factor })
    }
    switch node.operation {
    case .variable, .constant, .size, .identity, .broadcast, .transpose, .oneHot: return Polynomial()
    case .add, .multiply, .power, .function: return entries
    case .matmul:
      let a = graph.shape(node.a)
      return scaled(Polynomial(entriesOf: a) * node.shape.columns, 2)
    case .sum: return Polynomial(entriesOf: graph.shape(node.a))
    case .frobeniusSquared: return scaled(Polynomial(entriesOf: graph.shape(node.a)), 2)
    case .softmax: return scaled(entries, 3)
    case .crossEntropy: return scaled(Polynomial(entriesOf: graph.shape(node.a)), 2)
    case .trace: return Polynomial(entriesOf: MatrixShape(rows: graph.shape(node.a).rows, columns: .one))
    }
  }
}

extension MatrixCost.Polynomial {
  /// The polynomial times one more size.
  static func * (p: MatrixCost.Polynomial, size: MatrixSize) -> MatrixCost.Polynomial {
    var terms: [[String]: Int] = [:]
    for (names, coefficient) in p.terms {
      switch size {
      case .fixed(let n): terms[names, default: 0] += coefficient * n
      case .named(let name): terms[(names + [name]).sorted(), default: 0] += coefficient
      }
    }
    return MatrixCost.Polynomial(terms: terms)
  }
}
