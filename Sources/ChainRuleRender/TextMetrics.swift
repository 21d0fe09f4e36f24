/// How wide a line of text is drawn, estimated without a font engine, and how text is escaped
/// for XML.
///
/// The widths are DejaVu Sans's advances (Chromium's `sans-serif` on Linux, one of the widest
/// common sans-serif fonts), so boxes sized by them also fit Helvetica, Arial or Liberation
/// Sans. Characters not in the table count as 0.62 em, wide East Asian ones as 1 em.
public enum TextMetrics {
  /// The estimated width of `text` at `fontSize`, in the same unit.
  public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
    var ems = 0.0
    for character in text {
      ems += emWidth(character)
    }
    return ems * fontSize * (bold ? 1.1 : 1)
  }

  /// One character's advance in ems.
  static func emWidth(_ character: Character) -> Double {
    if let width = table[character] { return width }
    if character.isLowercase { return 0.6 }
    if character.isUppercase { return 0.7 }
    if let scalar = character.unicodeScalars.first, scalar.value >= 0x2E80 { return 1 }
    return 0.62
  }

  /// Advances measured in Chromium at 100 px, divided by 100.
  private static let table: [Character: Double] = {
    var table: [Character: Double] = [:]
    let groups: [(String, Double)] = [
      ("ijl'", 0.28), ("I", 0.295), ("f", 0.352), ("t", 0.392), ("r", 0.411), ("ℓ", 0.413),
      (" .,·", 0.318), (":;/|", 0.337), ("-", 0.361), ("()[]", 0.39), ("₀₁₂₃₄₅₆₇₈₉²³¹⁰", 0.401),
      ("\"", 0.46), ("*_", 0.5), ("∂", 0.517), ("s", 0.521), ("z", 0.525), ("⁻", 0.528),
      ("ε", 0.541), ("c", 0.55), ("L", 0.557), ("F", 0.575), ("k", 0.579), ("vxyλγ", 0.592),
      ("P", 0.603), ("π", 0.602), ("T", 0.611), ("Y", 0.611), ("oθδ", 0.612), ("a", 0.613),
      ("e", 0.615), ("E", 0.632), ("hnuση", 0.634), ("bdgpqS", 0.635), ("0123456789μ√", 0.636),
      ("β", 0.638), ("K", 0.656), ("αφ", 0.66), ("AVX", 0.684), ("BZ", 0.685), ("R", 0.695),
      ("C", 0.698), ("U", 0.732), ("N", 0.748), ("H", 0.752), ("D", 0.77), ("G", 0.775),
      ("&", 0.78), ("OQ", 0.787), ("w", 0.818), ("ω", 0.837), ("+=^×−<>", 0.838), ("M", 0.863),
      ("m", 0.974), ("W", 0.989), ("…", 1),
    ]
    for (characters, width) in groups {
      for character in characters { table[character] = width }
    }
    return table
  }()

  /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for XML text and attribute values.
  public static func escapedXML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      // Control characters are not allowed in XML at all.
      case _ where character.asciiValue.map({ $0 < 0x20 && $0 != 0x0A && $0 != 0x09 }) == true: continue
      default: out.append(character)
      }
    }
    return out
  }
}
