/// An arena of hash-consed expression nodes: every distinct subexpression is stored once.
///
/// Building `sin(x)` twice returns the same ``NodeID``, so the derivatives of a deep formula
/// share their common parts and the graph grows linearly with the formula's depth.
/// The constructors simplify locally and in O(1) (`x + 0 → x`, `1·x → x`, `2·3 → 6`), without
/// flattening, which would copy shared operands; ``CanonicalForm`` does the full rewrite.
///
/// ```swift
/// let graph = ExpressionGraph()
/// let x = graph.symbol("x")
/// let e = graph.multiply(graph.number(2), graph.call(.sin, [x]))   // 2·sin(x)
/// ```
public final class ExpressionGraph {
  /// Every node, children before parents.
  public private(set) var nodes: [Node] = []
  private var index: [Node: NodeID] = [:]

  /// Creates an empty graph.
  public init() {}

  /// The node stored at `id`.
  public subscript(id: NodeID) -> Node { nodes[Int(id.index)] }

  /// The number of distinct nodes stored.
  public var count: Int { nodes.count }

  /// Stores `node` unless an equal one exists, and returns its id.
  public func intern(_ node: Node) -> NodeID {
    if let existing = index[node] { return existing }
    let id = NodeID(nodes.count)
    nodes.append(node)
    index[node] = id
    return id
  }

  // MARK: Leaves

  /// The constant `value`; NaN or infinity are not representable, so pass finite values.
  public func number(_ value: Double) -> NodeID {
    intern(.number(value == 0 ? 0 : value))
  }

  /// The variable named `name` (canonical spelling, e.g. `beta0`).
  public func symbol(_ name: String) -> NodeID { intern(.symbol(name)) }

  /// The value of `id` if it is a constant.
  public func numberValue(_ id: NodeID) -> Double? {
    if case .number(let value) = self[id] { return value }
    return nil
  }

  // MARK: Arithmetic with local simplification

  /// `a + b`, with `0` dropped and constants folded.
  public func add(_ a: NodeID, _ b: NodeID) -> NodeID {
    let x = numberValue(a)
    let y = numberValue(b)
    if x == 0 { return b }
    if y == 0 { return a }
    if let x, let y, (x + y).isFinite { return number(x + y) }
    return intern(.sum([a, b]))
  }

  /// `Σ terms`; an empty sum is 0.
  public func sum(_ terms: [NodeID]) -> NodeID {
    let kept = terms.filter { numberValue($0) != 0 }
    switch kept.count {
    case 0: return number(0)
    case 1: return kept[0]
    case 2: return add(kept[0], kept[1])
    default: return intern(.sum(kept))
    }
  }

  /// `a · b`, with `1` dropped, `0` absorbing, and constant factors folded to the front.
  public func multiply(_ a: NodeID, _ b: NodeID) -> NodeID {
    let x = numberValue(a)
    let y = numberValue(b)
    if x == 0 || y == 0 { return number(0) }
    if x == 1 { return b }
    if y == 1 { return a }
    if let x, let y, (x * y).isFinite { return number(x * y) }
    if y != nil { return multiply(b, a) }
    if let x, case .product(let factors) = self[b], factors.count == 2,
      let z = numberValue(factors[0]), (x * z).isFinite
    {
      return multiply(number(x * z), factors[1])
    }
    return intern(.product([a, b]))
  }

  /// `Π factors`; an empty product is 1.
  public func product(_ factors: [NodeID]) -> NodeID {
    var result: NodeID? = nil
    for factor in factors { result = result.map { multiply($0, factor) } ?? factor }
    return result ?? number(1)
  }

  /// `−a`, stored as `(−1)·a`.
  public func negate(_ a: NodeID) -> NodeID { multiply(number(-1), a) }

  /// `a − b`, stored as `a + (−1)·b`.
  public func subtract(_ a: NodeID, _ b: NodeID) -> NodeID { add(a, negate(b)) }

  /// `a / b`, stored as `a · b⁻¹`.
  public func divide(_ a: NodeID, _ b: NodeID) -> NodeID {
    multiply(a, power(b, number(-1)))
  }

  /// `base ^ exponent`, with `x¹ → x`, `x⁰ → 1`, `1ˣ → 1` and exact constant powers folded.
  public func power(_ base: NodeID, _ exponent: NodeID) -> NodeID {
    let e = numberValue(exponent)
    if e == 1 { return base }
    if e == 0 { return number(1) }
    if numberValue(base) == 1 { return base }
    if let b = numberValue(base), let e, let folded = Self.foldPower(b, e) { return number(folded) }
    return intern(.power(base, exponent))
  }

  /// Applies `function`; constant arguments fold only when the result is exact (`sin(0) → 0`).
  public func call(_ function: Function, _ arguments: [NodeID]) -> NodeID {
    let values = arguments.compactMap(numberValue)
    if values.count == arguments.count, let folded = Self.foldCall(function, values) {
      return number(folded)
    }
    return intern(.call(function, arguments))
  }

  // MARK: Folding rules shared with the canonical form

  /// `b^e` for constants when the result is exact enough to print as typed (`2^3 → 8`).
  static func foldPower(_ b: Double, _ e: Double) -> Double? {
    if b == 0 && e < 0 { return nil }
    if b < 0 && e != e.rounded() { return nil }
    let value = Foundation.pow(b, e)
    guard isExactlyPrintable(value) else { return nil }
    return e == e.rounded() || value == value.rounded() ? value : nil
  }

  /// `f(values)` for constants when the result is exact (`sin(0) → 0`, `relu(−2) → 0`).
  static func foldCall(_ function: Function, _ values: [Double]) -> Double? {
    guard let value = try? function.evaluate(values), isExactlyPrintable(value) else { return nil }
    switch function {
    case .relu, .abs, .max, .min, .step, .sign: return value
    default:
      // Transcendental functions fold only at their exact points: sin(0), exp(0), log(1), ….
      return value == value.rounded() ? value : nil
    }
  }

  /// Whether `value` is finite and short in decimal (a multiple of 1/1024 below 2⁵³).
  static func isExactlyPrintable(_ value: Double) -> Bool {
    value.isFinite && abs(value) < 9.0e15 && (value * 1024).rounded() == value * 1024
  }
}

import Foundation
