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
  public var definitions: [Definition]
  /// The source text, kept for diagnostics.
  public var source: String

  /// The definition that gives the result.
  public var result: Definition { definitions[definitions.count - 1] }
}
