import ChainRuleSupport

/// A parsed formula, before it becomes a shared ``ExpressionGraph``: it keeps every source span
/// so later stages can point at the text.
public enum SyntaxTree: Hashable, Sendable {
  /// The binary operators of the grammar.
  public enum Operator: Hashable, Sendable {
    case add, subtract, multiply, divide, power
  }

  case number(Double, SourceSpan)
  case name(String, SourceSpan)
  // Only the cases that hold a tree are boxed: numbers and names, half of a formula's nodes,
  // are stored inline and cost no allocation.
  indirect case negate(SyntaxTree, SourceSpan)
  indirect case binary(Operator, SyntaxTree, SyntaxTree, SourceSpan)
  case call(Function, [SyntaxTree], SourceSpan)

  /// The same node, said to come from `span` (a bracketed group covers its brackets).
  func spanning(_ span: SourceSpan) -> SyntaxTree {
    switch self {
    case .number(let value, _): .number(value, span)
    case .name(let name, _): .name(name, span)
    case .negate(let operand, _): .negate(operand, span)
    case .binary(let op, let left, let right, _): .binary(op, left, right, span)
    case .call(let function, let arguments, _): .call(function, arguments, span)
    }
  }

  /// The source text this node was parsed from.
  public var span: SourceSpan {
    switch self {
    case .number(_, let span), .name(_, let span), .negate(_, let span), .binary(_, _, _, let span),
      .call(_, _, let span):
      span
    }
  }
}

/// One line `name = formula` of a program; the last line may omit `name =`.
public struct Definition: Hashable, Sendable {
  /// The defined name in canonical spelling, or nil for a bare formula on the last line.
  public var name: String?
  /// Where the name stands in the source.
  public var nameSpan: SourceSpan?
  /// The right-hand side.
  public var body: SyntaxTree
}

/// A parsed input: definitions, one per line, whose last line is the result.
public struct Program: Hashable, Sendable {
  /// The lines in source order; never empty.
  public var definitions: [Definition] {
    get { storage.definitions }
    set {
      if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.definitions, depth: storage.depth) }
      storage.definitions = newValue
    }
  }
  /// The source text, kept for diagnostics.
  public var source: String

  /// The definitions, in a class so that a deeply nested program is released on a large
  /// stack: freeing a tree recurses once per level, which a 100,000-level formula's tree
  /// would do past a small thread's stack.
  private var storage: Storage

  /// Creates a program of `definitions` parsed from `source`, nesting at most `depth` levels.
  init(definitions: [Definition], source: String, depth: Int) {
    self.storage = Storage(definitions, depth: depth)
    self.source = source
  }

  /// The definition that gives the result.
  public var result: Definition { definitions[definitions.count - 1] }

  public static func == (a: Program, b: Program) -> Bool {
    a.source == b.source && (a.storage === b.storage || a.definitions == b.definitions)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(source)
    hasher.combine(definitions)
  }

  // Mutated only through a uniquely held reference (copy on write), so sharing it is safe.
  private final class Storage: @unchecked Sendable {
    var definitions: [Definition]
    /// The deepest nesting of the trees (as the parser counts it).
    let depth: Int

    init(_ definitions: [Definition], depth: Int) {
      self.definitions = definitions
      self.depth = depth
    }

    deinit {
      guard depth > 1_000 else { return }
      // The trees are freed on a large stack: moved into a box the work empties there.
      final class Doomed: @unchecked Sendable {
        var definitions: [Definition]
        init(_ definitions: [Definition]) { self.definitions = definitions }
      }
      let doomed = Doomed(definitions)
      definitions = []
      LargeStack.run { doomed.definitions = [] }
    }
  }
}
