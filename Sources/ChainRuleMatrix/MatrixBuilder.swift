import ChainRuleSyntax

/// Turns parsed matrix syntax into graph nodes, checking every shape on the way: a shape error
/// names the expression, both shapes and what is wrong, with the caret under the operator.
struct MatrixBuilder {
  let graph: MatrixGraph
  let program: MatrixProgram
  var shapes: [String: MatrixShape] = [:]
  var definitions: [String: MatrixNodeID] = [:]
  let sizeNames: Set<String>
  /// Inputs used as labels of a cross-entropy: class indices (with their number of classes) or
  /// one-hot rows.
  var labels: [String: MatrixFormula.Labels] = [:]

  init(graph: MatrixGraph, program: MatrixProgram) {
    self.graph = graph
    self.program = program
    sizeNames = program.sizeNames
    for declaration in program.declarations { shapes[declaration.name] = declaration.shape }
  }

  /// The source text of `span`, shortened to about 40 characters.
  func text(_ span: SourceSpan) -> String {
    let bytes = Array(program.source.utf8)
    let slice = bytes[min(span.start, bytes.count)..<min(span.end, bytes.count)]
    let text = String(decoding: slice, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
    return text.count > 40 ? String(text.prefix(39)) + "…" : text
  }

  /// A shape error at `span`, worded `x·w2: (64×1000)·(100×10): inner sizes 1000 and 100 differ`.
  func diagnostic(_ error: MatrixShapeError, _ symbol: String, expression: SourceSpan, at span: SourceSpan)
    -> MatrixDiagnostic
  {
    let message = error.message(operatorSymbol: symbol, bindings: graph.bindings)
    let hint: String? =
      switch error.reason {
      case .innerSizes: "A·B needs as many columns in A as rows in B; a transpose may be missing"
      case .broadcast: "elementwise operations need equal shapes, or a 1×n row, m×1 column or scalar to repeat"
      case .notSquare: "the trace is the sum of the diagonal of a square matrix"
      case .notScalar: nil
      case .labels: "give labels as an m×1 column of class indices 0…C−1 or as one-hot rows"
      }
    return MatrixDiagnostic("\(text(expression)): \(message)", hint: hint, at: span)
  }

  mutating func build(_ tree: MatrixSyntax) throws(MatrixDiagnostic) -> MatrixNodeID {
    switch tree {
    case .number(let value, _): return graph.constant(value)
    case .name(let name, _): return reference(name)
    case .negate(let a, _): return graph.negate(try build(a))
    case .transpose(let a, _): return graph.transpose(try build(a))
    case .keyword(let name, _, let span):
      throw MatrixDiagnostic("'\(name)=' is only an argument of sum(…) and mean(…)", at: span)
    case .binary(let op, let a, let b, let operatorSpan, let span):
      let x = try build(a)
      let y = try build(b)
      return try binary(op, x, y, operatorSpan: operatorSpan, span: span)
    case .call(let name, let arguments, let nameSpan, let span):
      return try call(name, arguments, nameSpan: nameSpan, span: span)
    }
  }

  /// A name: a definition, a declared input, a size, or (undeclared) a scalar input.
  func reference(_ name: String) -> MatrixNodeID {
    if let defined = definitions[name] { return defined }
    if let shape = shapes[name] { return graph.variable(name, shape: shape) }
    if sizeNames.contains(name) { return graph.size(.named(name)) }
    return graph.variable(name, shape: .scalar)
  }

  private func binary(
    _ op: MatrixSyntax.Operator, _ x: MatrixNodeID, _ y: MatrixNodeID, operatorSpan: SourceSpan, span: SourceSpan
  ) throws(MatrixDiagnostic) -> MatrixNodeID {
    do throws(MatrixShapeError) {
      switch op {
      case .add:
        return try graph.add(x, y)
      case .subtract:
        return try graph.subtract(x, y)
      case .product:
        if graph.isScalar(x) || graph.isScalar(y) { return try graph.multiply(x, y) }
        return try graph.matmul(x, y)
      case .matmul:
        return try graph.matmul(x, y)
      case .hadamard:
        return try graph.multiply(x, y)
      case .divide:
        return try graph.divide(x, y)
      case .power:
        guard graph.isScalar(y) else {
          throw MatrixShapeError(.notScalar(what: "an exponent"), shapes: [graph.shape(x), graph.shape(y)])
        }
        if let p = graph.constantValue(y) { return graph.power(x, p) }
        return try graph.function(.exp, [try graph.multiply(y, try graph.function(.log, [x]))])
      }
    } catch {
      throw diagnostic(error, op == .power ? "^" : symbolFor(op), expression: span, at: operatorSpan)
    }
  }

  private func symbolFor(_ op: MatrixSyntax.Operator) -> String {
    switch op {
    case .add: " + "
    case .subtract: " − "
    case .product, .matmul: "·"
    case .hadamard: " ⊙ "
    case .divide: " / "
    case .power: "^"
    }
  }

  private mutating func call(_ name: String, _ arguments: [MatrixSyntax], nameSpan: SourceSpan, span: SourceSpan)
    throws(MatrixDiagnostic) -> MatrixNodeID
  {
    let known = MatrixBuiltins.arities[name]
    let function = name == "sigma" ? Function.sigmoid : Function(named: name)
    let positional = arguments.filter {
      if case .keyword = $0 { return false }
      return true
    }
    let arity = known ?? function.map { $0.arity...$0.arity } ?? 1...1
    guard arity.contains(arguments.count) else {
      throw MatrixDiagnostic(
        Diagnostic(
          .wrongArgumentCount(function: name, expected: arity.lowerBound, found: arguments.count), at: span))
    }
    if name == "ones" || name == "eye" {
      // ones(m, n) and eye(n) as printed: their arguments are sizes, not values.
      var sizes: [MatrixSize] = []
      for argument in positional {
        switch argument {
        case .number(let value, _) where value == value.rounded() && value >= 1: sizes.append(.fixed(Int(value)))
        case .name(let size, _) where sizeNames.contains(size): sizes.append(.named(size))
        default:
          throw MatrixDiagnostic(
            "the arguments of \(name)(…) are sizes: whole numbers or size names", at: argument.span)
        }
      }
      if name == "eye" { return graph.identity(sizes[0]) }
      return graph.fitted(graph.constant(1), to: MatrixShape(rows: sizes[0], columns: sizes[1]))
    }
    var values: [MatrixNodeID] = []
    for argument in positional { values.append(try build(argument)) }
    let axis = name == "sum" || name == "mean" ? try self.axis(arguments.dropFirst()) : .all
    do throws(MatrixShapeError) {
      switch name {
      case "sum", "mean":
        let total = graph.sum(values[0], over: axis)
        guard name == "mean" else { return total }
        let shape = graph.shape(values[0])
        let count: MatrixNodeID =
          switch axis {
          case .all: graph.entryCount(shape)
          case .rows: graph.size(shape.rows)
          case .columns: graph.size(shape.columns)
          }
        return try graph.divide(total, count)
      case "trace", "tr": return try graph.trace(values[0])
      case "norm", "norm2": return try graph.function(.sqrt, [graph.frobeniusSquared(values[0])])
      case "softmax": return graph.softmax(values[0])
      case "crossentropy", "cross_entropy": return try crossEntropy(values[0], values[1], labels: positional[1])
      case "transpose": return graph.transpose(values[0])
      case "square": return graph.power(values[0], 2)
      case "dot", "matmul": return try graph.matmul(values[0], values[1])
      case "maximum": return try graph.function(.max, values)
      case "minimum": return try graph.function(.min, values)
      default:
        guard let function else { throw MatrixShapeError(.notScalar(what: name), shapes: []) }
        return try graph.function(function, values)
      }
    } catch {
      throw diagnostic(error, ", ", expression: span, at: nameSpan)
    }
  }

  /// `axis=0` / `0` (rows together: 1×n) or `axis=1` / `1` (columns together: m×1); none: all.
  private func axis(_ arguments: ArraySlice<MatrixSyntax>) throws(MatrixDiagnostic) -> SumAxis {
    guard let argument = arguments.first else { return .all }
    var value = argument
    if case .keyword(let name, let inner, let span) = argument {
      guard name == "axis" else {
        throw MatrixDiagnostic("unknown argument '\(name)='", hint: "write axis=0 or axis=1", at: span)
      }
      value = inner
    }
    switch value {
    case .number(0, _): return .rows
    case .number(1, _): return .columns
    default:
      throw MatrixDiagnostic(
        "the axis is 0 (add the rows: 1×n) or 1 (add the columns: m×1)", hint: "write axis=0 or axis=1",
        at: value.span)
    }
  }

  /// crossentropy(P, Y): Y one-hot of P's shape, or class indices (m×1, or 1×1 for a column P).
  private mutating func crossEntropy(_ p: MatrixNodeID, _ y: MatrixNodeID, labels: MatrixSyntax)
    throws(MatrixShapeError) -> MatrixNodeID
  {
    let sp = graph.shape(p)
    let sy = graph.shape(y)
    let column = graph.softmaxNormalisesColumn(sp)
    if graph.sameShape(sp, sy) {
      if case .name(let name, _) = labels, graph.operation(y) == .variable {
        self.labels[name] = .oneHot(column: column)
      }
      return try graph.crossEntropy(p, y)
    }
    let indices = column ? MatrixShape.scalar : MatrixShape(rows: sp.rows, columns: .one)
    guard graph.sameShape(sy, indices) else {
      throw MatrixShapeError(.labels(expectedIndices: indices, expectedOneHot: sp), shapes: [sp, sy])
    }
    if case .name(let name, _) = labels, graph.operation(y) == .variable {
      self.labels[name] = .indices(classes: column ? sp.rows : sp.columns)
    }
    return try graph.crossEntropy(p, graph.oneHot(y, like: sp))
  }
}
