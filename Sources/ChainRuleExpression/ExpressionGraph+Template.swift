import ChainRuleSyntax

extension ExpressionGraph {
  /// The nodes of `template` with its arguments replaced by `arguments` (u by the first, v by
  /// the second), built with the graph's constructors, so they simplify locally as any node does.
  public func instantiate(_ template: FormulaTemplate, arguments: [NodeID]) -> NodeID {
    switch template {
    case .argument(let k): return k < arguments.count ? arguments[k] : number(0)
    case .number(let value): return number(value)
    case .call(let function, let inner):
      return call(function, inner.map { instantiate($0, arguments: arguments) })
    case .add(let a, let b): return add(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .subtract(let a, let b):
      return subtract(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .multiply(let a, let b):
      return multiply(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .divide(let a, let b):
      return divide(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    case .negate(let a): return negate(instantiate(a, arguments: arguments))
    case .power(let a, let b): return power(instantiate(a, arguments: arguments), instantiate(b, arguments: arguments))
    }
  }

  /// The derivative template number `k` of `function` instantiated at `arguments`, from its
  /// precompiled postfix steps: no recursion over the template, and the operand stack lives on
  /// the call stack (it never holds more values than there are steps).
  package func instantiateDerivative(_ k: Int, of function: Function, at argument: NodeID) -> NodeID {
    instantiateDerivative(k, of: function, argumentCount: 1) { _ in argument }
  }

  /// ``instantiateDerivative(_:of:at:)`` for any number of arguments.
  package func instantiateDerivative(_ k: Int, of function: Function, at arguments: Operands) -> NodeID {
    instantiateDerivative(k, of: function, argumentCount: arguments.count) { arguments[$0] }
  }

  private func instantiateDerivative(
    _ k: Int, of function: Function, argumentCount: Int, argument: (Int) -> NodeID
  ) -> NodeID {
    let steps = function.definition.derivativeSteps[k]
    return withUnsafeTemporaryAllocation(of: NodeID.self, capacity: Swift.max(1, steps.count)) { stack in
      var top = 0
      func push(_ id: NodeID) {
        stack[top] = id
        top += 1
      }
      func pop() -> NodeID {
        top -= 1
        return stack[top]
      }
      for step in steps {
        switch step {
        case .argument(let k):
          push(k < argumentCount ? argument(k) : number(0))
        case .number(let value): push(number(value))
        case .call(let function, let count):
          top -= count
          push(count == 1 ? call(function, stack[top]) : call(function, Array(stack[top..<(top + count)])))
        case .negate: push(negate(pop()))
        case .add, .subtract, .multiply, .divide, .power:
          let b = pop()
          let a = pop()
          switch step {
          case .add: push(add(a, b))
          case .subtract: push(subtract(a, b))
          case .multiply: push(multiply(a, b))
          case .divide: push(divide(a, b))
          default: push(power(a, b))
          }
        }
      }
      return top > 0 ? stack[top - 1] : number(0)
    }
  }
}
