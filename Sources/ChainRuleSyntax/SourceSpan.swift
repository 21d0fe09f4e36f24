import ChainRuleSupport

/// A range of a formula's source text, in UTF-8 byte offsets.
///
/// Offsets are converted to line and column (in characters) only when a diagnostic is drawn,
/// so `β₀` and `ω` line up under their caret.
public struct SourceSpan: Hashable, Sendable {
  /// The UTF-8 offset of the first byte.
  public var start: Int
  /// The UTF-8 offset one past the last byte.
  public var end: Int

  /// Creates a span covering `start..<end` (an empty span points between two characters).
  public init(start: Int, end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The smallest span covering both.
  public func merged(with other: SourceSpan) -> SourceSpan {
    SourceSpan(start: min(start, other.start), end: max(end, other.end))
  }
}
