import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// An arena of hash-consed expression nodes: every distinct subexpression is stored once.
///
/// Building `sin(x)` twice returns the same ``NodeID``, so the derivatives of a deep formula
/// share their common parts and the graph grows linearly with the formula's depth.
/// The constructors simplify locally and in O(1) (`x + 0 → x`, `1·x → x`, `2·3 → 6`), without
/// flattening, which would copy shared operands; ``CanonicalForm`` does the full rewrite.
///
/// Interning is an open-addressing hash table of node ids (linear probing, at most half full),
/// keyed by a cheap hash of the node's kind and operand ids; symbols have their own table.
/// A graph is used from one thread at a time and never hands out `inout` access to its
/// storage, so the storage skips the runtime's exclusivity checks (`@exclusivity(unchecked)`).
///
/// ```swift
/// let graph = ExpressionGraph()
/// let x = graph.symbol("x")
/// let e = graph.multiply(graph.number(2), graph.call(.sin, [x]))   // 2·sin(x)
/// ```
public final class ExpressionGraph {
  /// The records, the operand pool and the intern table (see ``NodeStore``).
  @exclusivity(unchecked)
  @usableFromInline package private(set) var store: NodeStore
  /// Symbol nodes in order of creation, searched linearly while few (comparing short names is
  /// cheaper than hashing them); by name in `symbolIDs` once there are more.
  @exclusivity(unchecked)
  private(set) var symbolList: [(name: String, id: NodeID, orderKey: SymbolOrderKey?)] = []
  @exclusivity(unchecked)
  private var symbolIDs: [String: NodeID] = [:]
  private static let linearSymbolLimit = 32
  /// Symbol names split into base and subscript, by node index, filled in when first asked.
  @exclusivity(unchecked)
  private var spellings: [SymbolSpelling?] = []
  /// Creates an empty graph, with room for a small formula and its derivatives.
  public init() {
    store = NodeStore(capacity: 256)
    symbolList.reserveCapacity(16)
  }

  /// The node at `id`, built from its record each time it is asked for (a sum, product or call of
  /// more than three operands allocates its operand list). Passes that visit every node read
  /// the record instead (`kind(_:)`, `operandSlots(_:)`, `powerParts(_:)`, …).
  public subscript(id: NodeID) -> Node {
    switch kind(id) {
    case .number: return .number(store.records[Int(id.index)].constant)
    case .symbol: return .symbol(symbolName(id) ?? "")
    case .sum: return .sum(operands(id))
    case .product: return .product(operands(id))
    case .power:
      let start = store.operandSlots(id).lowerBound
      return .power(store.operand(atSlot: start), store.operand(atSlot: start + 1))
    case .call: return .call(store.function(of: id) ?? .sin, operands(id))
    }
  }

  /// Every node, children before parents: a new array of all of them, built on each access.
  public var nodes: [Node] { (0..<count).map { self[NodeID($0)] } }

  /// The number of distinct nodes stored.
  public var count: Int { store.count }

  /// Stores `node` unless an equal one exists, and returns its id.
  public func intern(_ node: Node) -> NodeID {
    switch node {
    case .symbol(let name): return symbol(name)
    case .number(let value): return store.internNumber(value)
    case .sum(let terms): return store.intern(.sum, terms)
    case .product(let factors): return store.intern(.product, factors)
    case .power(let base, let exponent): return store.internPower(base, exponent)
    case .call(let function, let arguments): return store.internCall(function, arguments)
    }
  }

  /// The sum or product of `operands` (two or more), stored unless an equal one exists.
  ///
  /// Compares the ids with the stored operand lists, so finding an existing node builds no
  /// ``Node`` and allocates nothing.
  func intern<C: Collection>(_ kind: NodeKind, _ operands: C) -> NodeID where C.Element == NodeID {
    assert(kind == .sum || kind == .product, "intern(_:_:) stores sums and products")
    return store.intern(kind, operands)
  }

  /// The nesting depth of `id` written as a tree (0 for a leaf), recorded when it was stored.
  public func treeDepth(_ id: NodeID) -> Int { store.depth(id) }

  /// The split spelling of a symbol node's name (`omega3` → `omega`, `3`), computed once.
  func spelling(of id: NodeID) -> SymbolSpelling? {
    let index = Int(id.index)
    if index < spellings.count, let known = spellings[index] { return known }
    guard let name = symbolName(id) else { return nil }
    let spelling = Self.split(name)
    if index >= spellings.count {
      spellings.append(contentsOf: repeatElement(nil, count: count - spellings.count))
    }
    spellings[index] = spelling
    return spelling
  }

  /// The packed sort key of a symbol node's name, computed once.
  func orderKey(of id: NodeID) -> SymbolOrderKey? {
    guard let ordinal = store.symbolOrdinal(id) else { return nil }
    if let known = symbolList[ordinal].orderKey { return known }
    let key = SymbolOrderKey(canonical: symbolList[ordinal].name)
    symbolList[ordinal].orderKey = key
    return key
  }

  /// ``SymbolSpelling/init(canonical:)``, byte by byte for ASCII names.
  static func split(_ name: String) -> SymbolSpelling {
    let bytes = name.utf8
    guard bytes.allSatisfy({ $0 < 0x80 }) else { return SymbolSpelling(canonical: name) }
    var digits = 0
    for byte in bytes.reversed() {
      guard byte >= 0x30 && byte <= 0x39 else { break }
      digits += 1
    }
    var spelling = SymbolSpelling(canonical: "")
    if digits == 0 || digits == bytes.count {
      spelling.base = name
      spelling.subscriptDigits = nil
    } else {
      spelling.base = String(name.utf8.dropLast(digits)) ?? name
      spelling.subscriptDigits = String(name.utf8.suffix(digits))
    }
    return spelling
  }

  // MARK: Leaves

  /// The constant `value`; NaN or infinity are not representable, so pass finite values.
  public func number(_ value: Double) -> NodeID {
    intern(.number(value == 0 ? 0 : value))
  }

  /// The variable named `name` (canonical spelling, e.g. `beta0`).
  public func symbol(_ name: String) -> NodeID {
    if symbolList.count <= Self.linearSymbolLimit {
      // Names of another length are told apart without comparing their characters.
      let length = name.utf8.count
      for symbol in symbolList where symbol.name.utf8.count == length && symbol.name == name { return symbol.id }
    } else if let existing = symbolIDs[name] {
      return existing
    }
    let id = store.appendSymbol(ordinal: symbolList.count)
    symbolList.append((name, id, nil))
    if symbolList.count > Self.linearSymbolLimit {
      if symbolIDs.isEmpty {
        symbolIDs.reserveCapacity(symbolList.count * 2)
        for symbol in symbolList { symbolIDs[symbol.name] = symbol.id }
      }
      symbolIDs[name] = id
    }
    return id
  }

  /// The value of `id` if it is a constant.
  @inlinable @inline(__always)
  public func numberValue(_ id: NodeID) -> Double? { store.constant(of: id) }

  // MARK: Arithmetic with local simplification

  /// `a + b`, with `0` dropped and constants folded.
  public func add(_ a: NodeID, _ b: NodeID) -> NodeID {
    let x = numberValue(a)
    let y = numberValue(b)
    if x == 0 { return b }
    if y == 0 { return a }
    // A constant absorbed by a much larger one (2⁶³ − 1 is 2⁶³ in a Double) stays written.
    if let x, let y, (x + y).isFinite, x + y != x, x + y != y { return number(x + y) }
    return intern(.sum(Operands(a, b)))
  }

  /// `Σ terms`; an empty sum is 0.
  public func sum(_ terms: [NodeID]) -> NodeID {
    let kept = terms.filter { numberValue($0) != 0 }
    switch kept.count {
    case 0: return number(0)
    case 1: return kept[0]
    case 2: return add(kept[0], kept[1])
    default: return intern(.sum(Operands(kept)))
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
    // A constant goes first; two constants whose product overflows stay apart, in order.
    if y != nil && x == nil { return multiply(b, a) }
    if let x, kind(b) == .product, operandCount(b) == 2, let z = numberValue(operand(of: b, at: 0)), (x * z).isFinite {
      return multiply(number(x * z), operand(of: b, at: 1))
    }
    return intern(.product(Operands(a, b)))
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
    if arguments.allSatisfy({ numberValue($0) != nil }),
      let folded = Self.foldCall(function, arguments.map { numberValue($0) ?? 0 })
    {
      return number(folded)
    }
    return intern(.call(function, Operands(arguments)))
  }

  /// `function(argument)`, as ``call(_:_:)`` with one argument.
  public func call(_ function: Function, _ argument: NodeID) -> NodeID {
    if let value = numberValue(argument), let folded = Self.foldCall(function, [value]) { return number(folded) }
    return intern(.call(function, Operands(argument)))
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
    switch function.definition.folding {
    case .always: return value
    // Transcendental functions fold only at their exact points: sin(0), exp(0), log(1), ….
    case .whenWhole: return value == value.rounded() ? value : nil
    }
  }

  /// Whether `value` is finite and short in decimal (a multiple of 1/1024 below 2⁵³).
  static func isExactlyPrintable(_ value: Double) -> Bool {
    value.isFinite && abs(value) < 9.0e15 && (value * 1024).rounded() == value * 1024
  }
}
