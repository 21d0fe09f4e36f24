import ChainRuleSupport
import ChainRuleSyntax

/// The index of a node in an ``ExpressionGraph``.
///
/// Children are always created before their parents, so ids ascend in evaluation order: a loop
/// over ascending ids is a forward pass and a loop over descending ids a backward pass.
public struct NodeID: Hashable, Comparable, Sendable {
  /// Position in the graph's node array.
  public let index: Int32

  @usableFromInline package init(_ index: Int) { self.index = Int32(index) }

  public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.index < rhs.index }
}

/// The kind of a node without its contents, kept beside each node so that passes asking only
/// "is this a product?" need not copy the node.
@usableFromInline
package enum NodeKind: UInt8 {
  case number, symbol, sum, product, power, call
}

/// One node of an expression: a closed set of kinds, so every pass switches over it exhaustively.
///
/// Subtraction is a sum with a −1 coefficient (`a − b` = `a + (−1)·b`) and division a power with
/// exponent −1 (`a / b` = `a·b⁻¹`), as in SymPy; printers turn them back into `−` and `/`.
public enum Node: Hashable, Sendable {
  /// A constant. Never NaN or infinite.
  case number(Double)
  /// A variable, by its canonical ASCII name (`beta0`, `x`).
  case symbol(String)
  /// `a + b + …`, two or more terms.
  case sum(Operands)
  /// `a · b · …`, two or more factors.
  case product(Operands)
  /// `base ^ exponent`.
  case power(NodeID, NodeID)
  /// A function applied to its arguments.
  case call(Function, Operands)

  /// The node's operands, in order.
  public var children: Operands {
    switch self {
    case .number, .symbol: Operands()
    case .sum(let terms): terms
    case .product(let factors): factors
    case .power(let base, let exponent): Operands(base, exponent)
    case .call(_, let arguments): arguments
    }
  }
}
