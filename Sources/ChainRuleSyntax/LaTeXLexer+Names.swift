import ChainRuleSupport

// The LaTeX reader's names: letters and Greek commands, their subscripts, and `\text{…}`-style
// arguments, read into one canonical name (`\beta_{0}` → `beta0`, `\mathit{net}_{h1}` → `net_h1`).

extension LaTeXLexer {
  // MARK: Names

  /// A run of letters and digits (`x`, `net`, `w1`) or a Greek letter (`β`), then its subscripts.
  mutating func lexLetters() throws(Diagnostic) {
    let start = position
    var base = ""
    if let first = peek(), !first.isASCIILetter, let greek = GreekLetters.name(of: first) {
      base = greek
      position += 1
    }
    while let c = peek(), c.isASCIILetter || c.isASCIIDigit {
      base.unicodeScalars.append(c)
      position += 1
    }
    var digits = ""
    while let c = peek(), (0x2080...0x2089).contains(c.value) {
      digits += String(c.value - 0x2080)
      position += 1
    }
    try lexSubscripts(of: digits.isEmpty ? [base] : [base, digits], from: start)
  }

  /// Reads the subscripts after a name's base and emits the name: `\beta_3` → `beta3`,
  /// `x_{i}` → `x_i`, `w_{a,b}` → `w_a_b`, `\mathit{net}_{h}_{1}` → `net_h1`. An empty group
  /// after the name (`\beta{}`, as printed) is skipped.
  mutating func lexSubscripts(of base: [String], from start: Int) throws(Diagnostic) {
    var parts = base
    skipEmptyGroup()
    while true {
      let save = position
      skipSpaces()
      guard peek() == "_" else {
        position = save
        break
      }
      let subscriptStart = position
      position += 1
      skipSpaces()
      parts += try readSubscript(from: subscriptStart)
      skipEmptyGroup()
    }
    let name = SymbolSpelling.canonicalName(base: parts.joined(separator: "_"), subscript: nil)
    emitName(name, span(from: start))
  }

  mutating func skipEmptyGroup() {
    guard peek() == "{" else { return }
    var i = position + 1
    while i < scalars.count, scalars[i] == " " { i += 1 }
    if i < scalars.count, scalars[i] == "}" { position = i + 1 }
  }

  /// The parts of one subscript: `{h1}` and `{h_{1}}` → `h1`; `{a,b}` → `a`, `b`; `i`;
  /// `\alpha` → `alpha`.
  mutating func readSubscript(from start: Int) throws(Diagnostic) -> [String] {
    guard let scalar = peek() else { throw expected("a subscript after '_'") }
    if scalar == "{" {
      let open = position
      position += 1
      var parts = [""]
      while true {
        skipSpaces()
        guard let c = peek() else {
          throw Diagnostic(.unclosedBracket("{"), at: SourceSpan(start: offsets[open], end: offsets[open + 1]))
        }
        if c == "}" {
          position += 1
          break
        }
        if c == "," {
          position += 1
          parts.append("")
        } else if c == "_", !parts[parts.count - 1].isEmpty {
          // A nested subscript, as printed: `{h_{1}}` → `h1`, `{a_{b}}` → `a_b`.
          let nestedStart = position
          position += 1
          skipSpaces()
          let nested = try readSubscript(from: nestedStart).joined(separator: "_")
          let joiner = nested.allSatisfy { $0.isASCII && $0.isNumber } ? "" : "_"
          parts[parts.count - 1] += joiner + nested
        } else if c.isASCIILetter || c.isASCIIDigit {
          parts[parts.count - 1].unicodeScalars.append(c)
          position += 1
        } else if let greek = GreekLetters.name(of: c) {
          parts[parts.count - 1] += greek
          position += 1
        } else if let command = peekCommand(), !command.isEmpty {
          let commandStart = position
          consumeCommand(command)
          if let greek = GreekLetters.name(ofLaTeXCommand: command) {
            parts[parts.count - 1] += greek
          } else if Self.textCommands.contains(command) {
            parts[parts.count - 1] += try readTextArgument(of: command)
          } else {
            throw Diagnostic(.unsupportedCommand("\\" + command), at: span(from: commandStart))
          }
        } else if c == "\\", let next = peek(1), Self.spacing.contains(next) {
          position += 2
        } else {
          throw expected("letters, digits or ',' in a subscript")
        }
      }
      if parts.contains(where: \.isEmpty) {
        throw Diagnostic(
          .expected("a name or digits in the subscript", found: "'\(text(from: open))'"), at: span(from: open))
      }
      return parts
    }
    if scalar.isASCIILetter || scalar.isASCIIDigit {
      position += 1
      if let next = peek(), next.isASCIILetter || next.isASCIIDigit,
        scalar.isASCIILetter || next.isASCIIDigit
      {
        throw severalCharacters(in: "subscript", from: start)
      }
      return [String(scalar)]
    }
    if let greek = GreekLetters.name(of: scalar) {
      position += 1
      return [greek]
    }
    if let command = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: command) {
      consumeCommand(command)
      return [greek]
    }
    throw expected("a subscript after '_'")
  }

  /// The text argument of `\mathrm`, `\operatorname`, `\mathit`, `\text`, `\mathbf`…: letters and
  /// digits in braces (`{ReLU}`, `{net}`), or one letter or Greek letter without them
  /// (`\boldsymbol\phi`). `\_` is an underscore; one Greek letter may stand alone (`{\phi}`).
  mutating func readTextArgument(of command: String) throws(Diagnostic) -> String {
    if peek() == "*" { position += 1 }  // `\operatorname*`
    skipSpaces()
    guard let scalar = peek() else { throw expected("an argument after '\\\(command)'") }
    if scalar != "{" {
      if scalar.isASCIILetter || scalar.isASCIIDigit {
        position += 1
        return String(scalar)
      }
      if let word = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: word) {
        consumeCommand(word)
        return greek
      }
      throw expected("'{' after '\\\(command)'")
    }
    let open = position
    position += 1
    var content = ""
    while true {
      guard let c = peek() else {
        throw Diagnostic(.unclosedBracket("{"), at: SourceSpan(start: offsets[open], end: offsets[open + 1]))
      }
      if c == "}" {
        position += 1
        break
      }
      if c.isASCIILetter || c.isASCIIDigit {
        content.unicodeScalars.append(c)
        position += 1
      } else if c == "\\" && peek(1) == "_" {
        content += "_"
        position += 2
      } else if content.isEmpty, let word = peekCommand(), let greek = GreekLetters.name(ofLaTeXCommand: word) {
        consumeCommand(word)
        content = greek
        skipSpaces()
        guard peek() == "}" else { throw expected("'}' after the Greek letter") }
      } else if c == " " && content.isEmpty {
        position += 1
      } else {
        throw expected("letters or digits in '\\\(command){…}'")
      }
    }
    guard !content.isEmpty else {
      throw Diagnostic(.expected("a name in '\\\(command){…}'", found: "'\(text(from: open))'"), at: span(from: open))
    }
    return content
  }
}
