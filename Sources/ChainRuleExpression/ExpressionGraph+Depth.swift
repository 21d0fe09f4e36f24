import ChainRuleSupport
import ChainRuleSyntax

extension ExpressionGraph {
  /// The nesting depth of `id` written as a tree: 0 for a leaf, 1 + the deepest child otherwise.
  ///
  /// Recorded when the node is stored, so it costs nothing to ask.
  public func depth(of id: NodeID) -> Int { treeDepth(id) }

  /// Runs `work`, recursive over the tree below `id`, on a large stack when `id` is deep.
  ///
  /// The recursive passes (canonical form, printing) take a few hundred bytes of stack per
  /// level; past a few hundred levels a small thread's stack could run out.
  public func withStack<T>(for id: NodeID, _ work: () -> T) -> T {
    depth(of: id) > 400 ? LargeStack.run(work) : work()
  }
}
