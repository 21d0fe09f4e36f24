/// Why a matrix expression has no value.
public enum MatrixEvaluationError: Error, Hashable, Sendable {
  /// A size is a name with no number (`--at N=…` missing).
  case unboundSize(String)
  /// A variable has no value.
  case missingInput(String)
  /// A given value has the wrong shape.
  case wrongInputShape(String, expected: String, found: String)
  /// Labels that are not whole class indices in range.
  case badLabels(MatrixNodeID)
  /// An entry is NaN or infinite (log of a negative number, an overflow).
  case notFinite(MatrixNodeID)
  /// A matrix with more entries than ``MatrixEvaluator/maximumEntries``.
  case tooLarge(String, entries: Int)
}

/// Values of matrix nodes: one ascending loop over the nodes the roots need, each computed by
/// its rule's kernel from its operands' values.
public struct MatrixEvaluator {
  /// The most entries one matrix may hold (2²⁶, 512 MB of doubles).
  public static let maximumEntries = 1 << 26

  public let graph: MatrixGraph
  public let context: MatrixKernelContext

  public init(graph: MatrixGraph, inputs: [String: Matrix], bindings: SizeBindings) {
    self.graph = graph
    context = MatrixKernelContext(inputs: inputs, bindings: bindings)
  }

  /// The values of `roots` and of every node they need.
  ///
  /// - Throws: ``MatrixEvaluationError`` naming the node or input that has no value.
  public func values(of roots: [MatrixNodeID]) throws(MatrixEvaluationError) -> [MatrixNodeID: Matrix] {
    var values: [MatrixNodeID: Matrix] = [:]
    for id in graph.reachable(from: roots) {
      let node = graph[id]
      guard let dimensions = context.bindings.dimensions(of: node.shape) else {
        let unbound = [node.shape.rows, node.shape.columns].first { context.bindings.value(of: $0) == nil }
        throw .unboundSize(unbound?.description ?? node.shape.description)
      }
      let (count, overflow) = dimensions.rows.multipliedReportingOverflow(by: dimensions.columns)
      guard !overflow, count <= Self.maximumEntries else {
        throw .tooLarge("\(dimensions.rows)×\(dimensions.columns)", entries: overflow ? Int.max : count)
      }
      if node.operation == .variable, let name = node.name {
        guard let given = context.inputs[name] else { throw .missingInput(name) }
        guard given.rows == dimensions.rows && given.columns == dimensions.columns else {
          throw .wrongInputShape(
            name, expected: "\(dimensions.rows)×\(dimensions.columns)", found: "\(given.rows)×\(given.columns)")
        }
      }
      let operands = node.operands.compactMap { values[$0] }
      guard let value = MatrixRule.rule(for: node.operation).evaluate(node, operands, context) else {
        if node.operation == .oneHot { throw .badLabels(id) }
        if node.operation == .size, let name = node.name { throw .unboundSize(name) }
        throw .missingInput(node.name ?? node.operation.rawValue.description)
      }
      guard value.isFinite else { throw .notFinite(id) }
      values[id] = value
    }
    return values
  }
}
