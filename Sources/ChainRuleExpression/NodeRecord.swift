import ChainRuleSupport
import ChainRuleSyntax

/// The plain facts of one node, which is how ``ExpressionGraph`` stores it: no ``Node`` value
/// is kept, and `graph[id]` builds one from this record, the graph's operand pool and its list
/// of symbol names.
struct NodeRecord {
  /// The node's value if it is a number, NaN otherwise (numbers never are NaN).
  var constant = Double.nan
  /// The hash the intern table files the node under.
  var hash: UInt32
  /// The nesting depth as a tree: 0 for a leaf, 1 + the deepest operand otherwise.
  var depth: Int32 = 0
  /// The node's operands are `operandPool[operandStart..<operandEnd]`.
  var operandStart: Int32
  var operandEnd: Int32 = 0
  var kind = NodeKind.number
  /// The function a call applies (meaningless for other kinds).
  var function = Function.sin
  /// A symbol's position in the graph's list of names (−1 for other kinds).
  var symbol: Int32 = -1

  init(hash: UInt32, operandStart: Int32) {
    self.hash = hash
    self.operandStart = operandStart
    self.operandEnd = operandStart
  }
}
