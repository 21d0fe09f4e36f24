extension ExpressionGraph {
  /// The nesting depth of `id` written as a tree: 0 for a leaf, 1 + the deepest child otherwise.
  ///
  /// One ascending loop over the nodes `id` depends on (children come first), so it is linear
  /// and cannot overflow the stack however deep the formula is.
  public func depth(of id: NodeID) -> Int {
    var depths: [NodeID: Int] = [:]
    for node in reachable(from: id) {
      depths[node] = (self[node].children.map { depths[$0] ?? 0 }.max() ?? -1) + 1
    }
    return depths[id] ?? 0
  }

  /// Runs `work`, recursive over the tree below `id`, on a large stack when `id` is deep.
  ///
  /// The recursive passes (canonical form, printing) take a few hundred bytes of stack per
  /// level; past a few hundred levels a small thread's stack could run out.
  public func withStack<T>(for id: NodeID, _ work: () -> T) -> T {
    depth(of: id) > 400 ? LargeStack.run(work) : work()
  }
}
