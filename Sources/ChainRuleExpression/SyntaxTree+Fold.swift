import ChainRuleSyntax

extension SyntaxTree {
  /// The tree folded bottom-up with an explicit stack, so a tree of any depth is safe: `leaf`
  /// gives each number and name its value, `combine` each operation its value from its
  /// operands' values, in order. The first error `combine` throws ends the fold.
  func foldedBottomUp<Value, Failure: Error>(
    leaf: (SyntaxTree) -> Value, combine: (SyntaxTree, [Value]) throws(Failure) -> Value
  ) throws(Failure) -> Value? {
    var work: [FoldWork] = [.visit(self)]
    var values: [Value] = []
    while let item = work.popLast() {
      switch item {
      case .visit(let node):
        switch node {
        case .number, .name: values.append(leaf(node))
        case .negate(let operand, _):
          work.append(.combine(node))
          work.append(.visit(operand))
        case .binary(_, let left, let right, _):
          work.append(.combine(node))
          work.append(.visit(right))
          work.append(.visit(left))
        case .call(_, let arguments, _):
          work.append(.combine(node))
          work.append(contentsOf: arguments.reversed().map { .visit($0) })
        }
      case .combine(let node):
        let count: Int
        switch node {
        case .negate: count = 1
        case .binary: count = 2
        case .call(_, let arguments, _): count = arguments.count
        case .number, .name: count = 0
        }
        let operands = Array(values.suffix(count))
        values.removeLast(count)
        values.append(try combine(node, operands))
      }
    }
    return values.last
  }
}

/// A step of ``SyntaxTree/foldedBottomUp(leaf:combine:)``: a node to visit, or one whose
/// operands are folded and which is now combined.
private enum FoldWork {
  case visit(SyntaxTree)
  case combine(SyntaxTree)
}
