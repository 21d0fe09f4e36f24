import ChainRuleSupport
import ChainRuleSyntax

/// The operands of a sum, product or call, in order: up to three held inline, more in an array.
///
/// Most nodes have one to three operands (`β + ω·h`, `sin(u)`, `a·b`), so building, looking up
/// and copying them allocates nothing; a longer list is one array, as before.
///
/// ```swift
/// let terms = Operands(a, b)          // a + b's operands, no allocation
/// let factors = Operands([a, b, c, d])  // four: stored in the array
/// ```
public struct Operands: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
  // The unused inline slots hold id 0 and `spill` is nil while inline, so the synthesised `==`
  // and hash compare operand lists, not layouts.
  private var first = NodeID(0)
  private var second = NodeID(0)
  private var third = NodeID(0)
  private var inlineCount: Int32 = 0
  /// Every operand, when there are more than three.
  private var spill: [NodeID]? = nil

  /// No operands.
  public init() {}

  /// One operand.
  public init(_ a: NodeID) {
    first = a
    inlineCount = 1
  }

  /// Two operands.
  public init(_ a: NodeID, _ b: NodeID) {
    first = a
    second = b
    inlineCount = 2
  }

  /// Three operands.
  public init(_ a: NodeID, _ b: NodeID, _ c: NodeID) {
    first = a
    second = b
    third = c
    inlineCount = 3
  }

  /// The ids of `ids`, in order.
  public init<C: Collection>(_ ids: C) where C.Element == NodeID {
    var iterator = ids.makeIterator()
    switch ids.count {
    case 0: self.init()
    case 1:
      guard let a = iterator.next() else { self.init(); return }
      self.init(a)
    case 2:
      guard let a = iterator.next(), let b = iterator.next() else { self.init(); return }
      self.init(a, b)
    case 3:
      guard let a = iterator.next(), let b = iterator.next(), let c = iterator.next() else {
        self.init()
        return
      }
      self.init(a, b, c)
    default:
      self.init()
      spill = Array(ids)
    }
  }

  public init(arrayLiteral elements: NodeID...) { self.init(elements) }

  public var startIndex: Int { 0 }
  public var endIndex: Int { spill?.count ?? Int(inlineCount) }

  public subscript(position: Int) -> NodeID {
    if let spill { return spill[position] }
    precondition(position >= 0 && position < Int(inlineCount), "operand index out of range")
    switch position {
    case 0: return first
    case 1: return second
    default: return third
    }
  }

  /// The operands as an array.
  public var array: [NodeID] { spill ?? Array(self) }
}
