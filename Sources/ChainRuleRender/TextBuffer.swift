import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// An append-only UTF-8 buffer in which printed texts are stored back to back and referred to by
/// ``TextSpan``s: a text already printed is copied by span, never rebuilt.
///
/// The storage only grows (doubling, which moves it): spans are offsets, so they stay valid for
/// the buffer's lifetime, but a pointer from ``bytes(_:)`` only until the next append.
final class TextBuffer {
  private var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 4_096) {
    self.capacity = Swift.max(16, capacity)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// Room for `extra` more bytes, doubling the storage when needed.
  @inline(__always)
  private func reserve(_ extra: Int) {
    guard count + extra > capacity else { return }
    var bigger = capacity * 2
    while count + extra > bigger { bigger *= 2 }
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
    moved.initialize(from: base, count: count)
    base.deallocate()
    base = moved
    capacity = bigger
  }

  /// Appends the UTF-8 of `text`.
  func append(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      reserve(bytes.count)
      if let source = bytes.baseAddress { (base + count).initialize(from: source, count: bytes.count) }
      count += bytes.count
    }
  }

  /// Appends the UTF-8 of a string literal.
  func append(_ text: StaticString) {
    let length = text.utf8CodeUnitCount
    reserve(length)
    (base + count).initialize(from: text.utf8Start, count: length)
    count += length
  }

  /// Appends a copy of a text stored earlier in this buffer.
  func append(_ span: TextSpan) {
    let length = Int(span.count)
    reserve(length)
    // Reserving first: the source is read at its final address, and never overlaps the tail.
    (base + count).initialize(from: base + Int(span.start), count: length)
    count += length
  }

  /// The text from `start` to the end, as a span.
  func span(from start: Int) -> TextSpan { TextSpan(start: start, count: count - start) }

  /// The bytes of `span`, valid until the next append.
  func bytes(_ span: TextSpan) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + Int(span.start), count: Int(span.count))
  }

  /// The text of `span` as a `String`.
  func string(_ span: TextSpan) -> String {
    String(decoding: bytes(span), as: UTF8.self)
  }
}

/// Where a text stands in a ``TextBuffer``.
struct TextSpan {
  var start: Int
  var count: Int
}
