import ChainRuleSupport

/// How a formula's text is written: ChainRule's plain grammar or the textbook's LaTeX.
///
/// ```swift
/// InputSyntax.auto.resolved(for: "beta0 + omega0*x")         // .plain
/// InputSyntax.auto.resolved(for: "\\beta_0 + \\omega_0 x")    // .latex
/// ```
public enum InputSyntax: String, CaseIterable, Sendable {
  /// LaTeX if the text holds a backslash command (`\beta`, `\frac`, `\\`) or is wrapped in `$…$`,
  /// plain otherwise.
  case auto
  /// The plain grammar: `beta0 + omega0*x`, `β₀ + ω₀·x`, `sin(x)^2`.
  case plain
  /// LaTeX math: `\beta_0 + \omega_0 \cdot x`, `\sin\left[x\right]^{2}`, `\frac{1}{2}`.
  case latex

  /// The syntax `source` is read in: `.plain` or `.latex`, never `.auto`.
  ///
  /// Backslashes inside `#` comments do not count, so a plain file may mention `\frac` in a note.
  public func resolved(for source: String) -> InputSyntax {
    guard self == .auto else { return self }
    // Without a backslash or a dollar sign it is plain text: one quick pass over the bytes.
    let marksLaTeX = { (byte: UInt8) in byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "$") }
    let mayBeLaTeX =
      source.utf8.withContiguousStorageIfAvailable { $0.contains(where: marksLaTeX) }
      ?? source.utf8.contains(where: marksLaTeX)
    guard mayBeLaTeX else { return .plain }
    // `$…$`: look at the first and last non-space characters only.
    let first = source.unicodeScalars.first { !$0.properties.isWhitespace }
    let last = source.unicodeScalars.reversed().first { !$0.properties.isWhitespace }
    if first == "$" && last == "$" && source.unicodeScalars.filter({ $0 == "$" }).count >= 2 { return .latex }
    // Every character that matters here is ASCII: scan UTF-8 bytes (a multi-byte character's
    // bytes are all ≥ 0x80, so none of them is mistaken for one of these).
    var text = source
    return text.withUTF8 { bytes in
      var inComment = false
      var afterBackslash = false
      for byte in bytes {
        if afterBackslash && byte < 0x80 && Self.startsCommand(Unicode.Scalar(byte)) { return .latex }
        afterBackslash = false
        switch byte {
        case UInt8(ascii: "\n"): inComment = false
        case UInt8(ascii: "#"): inComment = true
        case UInt8(ascii: "\\"): afterBackslash = !inComment
        default: break
        }
      }
      return .plain
    }
  }

  /// Whether `\` followed by `scalar` is a LaTeX command: a word (`\beta`) or one of the
  /// punctuation commands the LaTeX reader knows (`\\`, `\,`, `\{`, `\[` …).
  private static func startsCommand(_ scalar: Unicode.Scalar) -> Bool {
    if (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") { return true }
    return "\\,;:!>{}[]()| ".unicodeScalars.contains(scalar)
  }
}
