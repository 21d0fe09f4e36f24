import ChainRuleSyntax

/// A parsed matrix-mode expression, before shapes are known: it keeps the spans of its
/// operators, so a shape error can point at the one that does not fit.
public indirect enum MatrixSyntax: Hashable, Sendable {
  public enum Operator: Hashable, Sendable {
    case add, subtract
    /// `*`, `·`: a matrix product between two matrices, a scaling when one side is a scalar.
    case product
    /// `@`, `.dot(…)`: a matrix product.
    case matmul
    /// `⊙`, `.*`.
    case hadamard
    case divide
    /// `^`: an elementwise power.
    case power
  }

  case number(Double, SourceSpan)
  case name(String, SourceSpan)
  case negate(MatrixSyntax, SourceSpan)
  case binary(Operator, MatrixSyntax, MatrixSyntax, operatorSpan: SourceSpan, span: SourceSpan)
  case transpose(MatrixSyntax, SourceSpan)
  /// A function of the table or of matrix mode (`sum`, `softmax`, `trace`, `norm2` …).
  case call(String, [MatrixSyntax], nameSpan: SourceSpan, span: SourceSpan)
  /// `axis=0` inside a call's arguments.
  case keyword(String, MatrixSyntax, SourceSpan)

  /// The source text this node was parsed from.
  public var span: SourceSpan {
    switch self {
    case .number(_, let span), .name(_, let span), .negate(_, let span), .transpose(_, let span),
      .keyword(_, _, let span):
      span
    case .binary(_, _, _, _, let span), .call(_, _, _, let span): span
    }
  }
}

/// A declaration `x: 64×1000`, `w1: D_in×H`, `v: 3` (a column vector).
public struct MatrixDeclaration: Hashable, Sendable {
  public var name: String
  public var shape: MatrixShape
  public var span: SourceSpan
}

/// A line `name = formula`; the last may be a bare formula.
public struct MatrixDefinition: Hashable, Sendable {
  public var name: String?
  public var nameSpan: SourceSpan?
  public var body: MatrixSyntax
}

/// A parsed matrix-mode input: declarations, sizes bound in the file, definitions.
public struct MatrixProgram: Hashable, Sendable {
  public var source: String
  public var declarations: [MatrixDeclaration]
  /// `N, D_in, H, D_out = 64, 1000, 100, 10`: sizes the file binds, in order.
  public var sizeBindings: [(String, Int)]
  public var definitions: [MatrixDefinition]
  /// Whether the input was read as LaTeX.
  public var readsLaTeX: Bool

  public static func == (a: MatrixProgram, b: MatrixProgram) -> Bool {
    a.source == b.source && a.readsLaTeX == b.readsLaTeX
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(source) }

  /// Every name used as a size in a declaration or bound by the file.
  public var sizeNames: Set<String> {
    var names = Set(sizeBindings.map(\.0))
    for declaration in declarations {
      for size in [declaration.shape.rows, declaration.shape.columns] {
        if case .named(let name) = size { names.insert(name) }
      }
    }
    return names
  }
}
