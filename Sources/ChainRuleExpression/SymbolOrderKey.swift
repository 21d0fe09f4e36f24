import ChainRuleSupport
import ChainRuleSyntax

/// A symbol's place in the natural order of names (`beta2` before `beta10` before `omega0`),
/// packed into integers so that sorting factors compares two words instead of two strings.
///
/// The order is ``CanonicalOrder/compareSpellings(_:_:)``'s: the base by its bytes, then the
/// subscript by length and then by its digits. Bytes are packed big-endian and zero-padded,
/// so comparing the packed words compares the texts, as long as each fits in 8 bytes and is
/// ASCII; ``isExact`` says when the key decides alone.
struct SymbolOrderKey {
  /// The base's first 8 bytes, big-endian, zero-padded.
  var base: UInt64 = 0
  /// The subscript's first 8 digits, big-endian, zero-padded.
  var digits: UInt64 = 0
  /// The number of subscript digits (0 without a subscript).
  var digitCount = 0
  /// Whether the name is ASCII, with a base and subscript of at most 8 bytes each.
  var isExact = true

  /// The key of a canonical name, split as ``SymbolSpelling/init(canonical:)`` splits it: the
  /// trailing digits are the subscript unless they are the whole name.
  init(canonical name: String) {
    var name = name
    name.withUTF8 { bytes in
      if bytes.contains(where: { $0 >= 0x80 }) { isExact = false }
      var baseCount = bytes.count
      while baseCount > 0 && bytes[baseCount - 1] >= UInt8(ascii: "0") && bytes[baseCount - 1] <= UInt8(ascii: "9") {
        baseCount -= 1
      }
      if baseCount == 0 { baseCount = bytes.count }
      digitCount = bytes.count - baseCount
      if baseCount > 8 || digitCount > 8 { isExact = false }
      for i in 0..<Swift.min(baseCount, 8) { base |= UInt64(bytes[i]) << (56 - 8 * UInt64(i)) }
      for i in 0..<Swift.min(digitCount, 8) { digits |= UInt64(bytes[baseCount + i]) << (56 - 8 * UInt64(i)) }
    }
  }

  /// Negative, zero or positive as `a` sorts before, with or after `b`; nil when the keys cannot
  /// tell (long or non-ASCII names), and the names must be compared.
  static func compare(_ a: SymbolOrderKey, _ b: SymbolOrderKey) -> Int? {
    guard a.isExact && b.isExact else { return nil }
    if a.base != b.base { return a.base < b.base ? -1 : 1 }
    if a.digitCount != b.digitCount { return a.digitCount < b.digitCount ? -1 : 1 }
    return a.digits == b.digits ? 0 : (a.digits < b.digits ? -1 : 1)
  }
}
