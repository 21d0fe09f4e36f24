import ChainRuleSupport
import ChainRuleSyntax

/// The hashes the graph's intern table files nodes under: the node's kind and its contents
/// (operand ids, a constant's bits), mixed by multiplication, so hashing a node is O(its
/// operands) and needs no `Hasher`.
enum NodeHash {
  /// A constant's hash.
  static func number(_ value: Double) -> UInt32 {
    finish(mix(1, value.bitPattern))
  }

  /// The hash of `base ^ exponent`.
  static func power(_ base: NodeID, _ exponent: NodeID) -> UInt32 {
    finish(mix(mix(5, UInt64(base.index)), UInt64(exponent.index)))
  }

  /// The hash of a sum or product with these operands.
  static func list<C: Collection>(_ kind: NodeKind, _ operands: C) -> UInt32 where C.Element == NodeID {
    var h: UInt64 = kind == .sum ? 3 : 4
    for operand in operands { h = mix(h, UInt64(operand.index)) }
    return finish(h)
  }

  /// The hash of `function(arguments)`.
  static func call(_ function: Function, _ arguments: Operands) -> UInt32 {
    var h = mix(6, UInt64(function.id))
    for argument in arguments { h = mix(h, UInt64(argument.index)) }
    return finish(h)
  }

  @inline(__always)
  private static func mix(_ h: UInt64, _ value: UInt64) -> UInt64 { (h ^ value) &* 0x9E37_79B9_7F4A_7C15 }

  @inline(__always)
  private static func finish(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: h ^ (h >> 29) ^ (h >> 47)) }
}
