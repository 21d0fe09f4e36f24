import ChainRuleSyntax
import Foundation

extension Program {
  /// The first part of the program that, as written, has no value at `point`, as a diagnostic
  /// with its caret under that part: `x/x` at x = 0, `0*log(x)` and `log(x) - log(x)` at x = −1.
  ///
  /// Building the shared graph cancels such parts (x/x is 1, 0·u is 0, u − u is 0), which would
  /// give the formula a value where the formula as typed has none. This walk evaluates the
  /// syntax as typed, bottom-up and without recursion, and reports a failure only where it is
  /// certain: every value that leads to it was computed exactly (from the point's numbers and
  /// the literals, through operations that did not round). A zero that is only rounding
  /// (σ(−1000), 1 − σ(1000)) or an overflow is not reported: there the stable forms the
  /// evaluator uses have the true value.
  public func undefinedAsWritten(at point: [String: Double]) -> Diagnostic? {
    var known: [String: AsWritten.Value] = [:]
    for (name, value) in Parser.constants { known[name] = .init(value, exact: false) }
    for (name, value) in point { known[name] = .init(value, exact: true) }
    for definition in definitions {
      switch AsWritten.value(of: definition.body, known) {
      case .failure(let failure):
        return Diagnostic(.undefinedAsWritten(excerpt(failure.span), failure.reason), at: failure.span)
      case .success(let value):
        if let name = definition.name {
          if let value { known[name] = value } else { known.removeValue(forKey: name) }
        }
      }
    }
    return nil
  }

  /// The source text of `span`, shortened to 60 characters.
  private func excerpt(_ span: SourceSpan) -> String {
    let bytes = source.utf8
    let start = bytes.index(bytes.startIndex, offsetBy: min(span.start, bytes.count))
    let end = bytes.index(bytes.startIndex, offsetBy: min(span.end, bytes.count))
    let text = String(decoding: bytes[start..<end], as: UTF8.self)
    return text.count > 60 ? String(text.prefix(59)) + "…" : text
  }
}

/// Evaluation of a syntax tree as typed, tracking whether each value is exact.
enum AsWritten {
  struct Value {
    var value: Double
    /// No rounding on the way: the value is the true value of the text at the point.
    var exact: Bool
    init(_ value: Double, exact: Bool) {
      self.value = value
      self.exact = exact
    }
  }

  struct Failure: Error {
    var span: SourceSpan
    var reason: Diagnostic.Undefined
  }

  /// Functions whose value at exact arguments is exact.
  static let exactFunctions: Set<Function> = [.abs, .relu, .max, .min, .step, .sign]

  /// The value of `tree` (nil where a name has no value, or an operation overflowed), or the
  /// first part that certainly has none.
  static func value(of tree: SyntaxTree, _ known: [String: Value]) -> Result<Value?, Failure> {
    do throws(Failure) {
      let value = try tree.foldedBottomUp(
        leaf: { node -> Value? in
          switch node {
          case .number(let value, _): return Value(value, exact: true)
          case .name(let name, _): return known[name]
          default: return nil
          }
        },
        combine: { (node, operands) throws(Failure) -> Value? in
          do throws(Diagnostic.Undefined) {
            return try combine(node, operands)
          } catch {
            throw Failure(span: node.span, reason: error)
          }
        })
      return .success(value ?? nil)
    } catch {
      return .failure(error)
    }
  }

  /// One node from its operands; throws only where every operand that decides it is exact.
  static func combine(_ node: SyntaxTree, _ operands: [Value?]) throws(Diagnostic.Undefined) -> Value? {
    let inputs = operands.compactMap { $0 }
    guard inputs.count == operands.count else { return nil }
    let exact = inputs.allSatisfy(\.exact)
    let result: Value
    switch node {
    case .number, .name: return nil
    case .negate: result = Value(-inputs[0].value, exact: exact)
    case .binary(let op, _, _, _):
      let (a, b) = (inputs[0].value, inputs[1].value)
      switch op {
      case .add, .subtract:
        let s = op == .add ? a + b : a - b
        let other = op == .add ? b : -b
        // Two-sum: the rounding error of a + b is 0 exactly when both of these hold.
        result = Value(s, exact: exact && s - a == other && s - other == a)
      case .multiply:
        let p = a * b
        result = Value(p, exact: exact && (a == 0 || b == 0 || Foundation.fma(a, b, -p) == 0))
      case .divide:
        if b == 0 {
          if inputs[1].exact { throw .divisionByZero }
          return nil
        }
        let q = a / b
        result = Value(q, exact: exact && Foundation.fma(q, b, -a) == 0)
      case .power:
        if a == 0 && b < 0 {
          if exact { throw .divisionByZero }
          return nil
        }
        if a < 0 && b != b.rounded() {
          if exact { throw .negativeBaseFractionalPower }
          return nil
        }
        let r = b == 2 ? a * a : Foundation.pow(a, b)
        let squareExact = b == 2 && Foundation.fma(a, a, -r) == 0
        result = Value(r, exact: exact && (b == 0 || b == 1 || squareExact))
      }
    case .call(let function, _, _):
      let arguments = inputs.map(\.value)
      do throws(DomainError) {
        let value = try function.evaluate(arguments)
        result = Value(value, exact: exact && exactFunctions.contains(function))
      } catch {
        guard exact else { return nil }
        switch error {
        case .outsideDomain(let name, _, let domain): throw .outsideDomain(function: name, domain: domain)
        case .divisionByZero: throw .divisionByZero
        case .negativeBaseFractionalPower: throw .negativeBaseFractionalPower
        case .overflow: return nil
        }
      }
    }
    // Overflow is the float's limit, not the formula's: the evaluator says so where it matters.
    return result.value.isFinite ? result : nil
  }
}
