import ChainRuleSupport

// The LaTeX reader's commands: which it knows, and how each becomes tokens.

extension LaTeXLexer {
  // MARK: Commands

  /// Commands that draw a word in a font; their argument is a name or, for the upright ones, a
  /// function (`\operatorname{ReLU}`, `\mathrm{softplus}`).
  static let textCommands: Set<String> = [
    "operatorname", "mathrm", "text", "textrm", "textnormal", "mbox", "mathit", "textit", "mathsf",
    "mathbf", "boldsymbol", "bm", "mathbb", "mathds", "pmb",
  ]
  static let uprightCommands: Set<String> = ["operatorname", "mathrm", "text", "textrm", "textnormal", "mbox"]
  static let boldCommands: Set<String> = ["mathbf", "boldsymbol", "bm", "mathbb", "mathds", "pmb"]

  /// Function commands and the function names they stand for, from each function's
  /// ``FunctionDefinition/latexCommands`` (`\\ln` → `ln`, `\\arctan` → `atan`).
  static var functionCommands: [String: String] {
    var commands = standardFunctionCommands
    for function in Function.allCases.dropFirst(FunctionRegistry.standard.count) {
      commands.merge(commandNames(of: function)) { old, _ in old }
    }
    return commands
  }

  /// The name a function command stands for.
  static func functionName(ofCommand command: String) -> String? {
    if let name = standardFunctionCommands[command] { return name }
    return functionCommands[command]
  }

  private static let standardFunctionCommands: [String: String] = {
    var commands: [String: String] = [:]
    for function in Function.allCases.prefix(FunctionRegistry.standard.count) {
      commands.merge(commandNames(of: function)) { old, _ in old }
    }
    return commands
  }()

  /// A function's commands; one spelled as an alias reads as that alias (`\\ln` is `ln`).
  private static func commandNames(of function: Function) -> [String: String] {
    let definition = function.definition
    let names = [definition.name] + definition.aliases
    return Dictionary(
      definition.latexCommands.map { ($0, names.contains($0) ? $0 : definition.name) }, uniquingKeysWith: { a, _ in a })
  }

  /// Commands that only set spacing or style, skipped.
  static let ignoredCommands: Set<String> = [
    "quad", "qquad", "enspace", "thinspace", "medspace", "thickspace", "negthinspace",
    "negmedspace", "negthickspace", "displaystyle", "textstyle", "scriptstyle", "nonumber",
    "notag", "nolimits", "limits",
  ]

  /// Environments that only lay out lines: their `\begin{…}` and `\end{…}` are skipped.
  static let layoutEnvironments: Set<String> = [
    "equation", "equation*", "align", "align*", "aligned", "alignat", "alignat*", "gather",
    "gather*", "gathered", "split", "multline", "multline*", "eqnarray", "eqnarray*", "math",
    "displaymath",
  ]

  /// Punctuation commands that set spacing: `\,` `\;` `\:` `\!` `\>` and a control space.
  static let spacing: Set<Unicode.Scalar> = [",", ";", ":", "!", ">", " ", "\t", "\n", "\r"]

  /// Size prefixes of delimiters: `\bigl(` is `\left(`, `\Bigr]` is `\right]`, `\big(` is `(`.
  static let sizes = ["bigg", "Bigg", "big", "Big"]  // longest first

  /// Every command the reader understands, for "did you mean" suggestions.
  static var knownCommands: [String] {
    let commands =
      Array(functionCommands.keys) + Array(textCommands) + GreekLetters.table.map { String($0.latex.dropFirst()) }
      + ["frac", "dfrac", "tfrac", "sqrt", "cdot", "times", "div", "left", "right", "lvert", "rvert"]
    return commands.sorted()  // so ties go the same way on every run: `\sinn` → `\sin`, not `\sinh`
  }

  mutating func lexCommand(from start: Int) throws(Diagnostic) {
    guard let next = peek() else {
      throw Diagnostic(.unsupportedCommand("\\"), at: span(from: start))
    }
    guard next.isASCIILetter else {
      position += 1
      if Self.spacing.contains(next) { return }
      switch next {
      case "\\": lineBreak(span(from: start))
      case "{": emit(.openBrace, span(from: start))
      case "}": try emitClosing(.closeBrace, span(from: start))
      case "[", "]", "(", ")": break  // display and inline math delimiters
      default: throw Diagnostic(.unsupportedCommand(text(from: start)), at: span(from: start))
      }
      return
    }
    let command = word(at: position)
    position += command.unicodeScalars.count
    let commandSpan = span(from: start)
    if Self.ignoredCommands.contains(command) { return }
    if let greek = GreekLetters.name(ofLaTeXCommand: command) {
      return try lexSubscripts(of: [greek], from: start)
    }
    if let function = Self.functionName(ofCommand: command) {
      return try lexFunction(function, from: start)
    }
    if Self.textCommands.contains(command) {
      return try lexStyledWord(command, from: start)
    }
    switch command {
    case "cdot", "times", "ast": emit(.star, commandSpan)
    case "div": emit(.slash, commandSpan)
    case "frac", "dfrac", "tfrac":
      if let end = leibnizEnd() {
        position = end
        throw Diagnostic(.unsupportedCommand(text(from: start)), at: span(from: start))
      }
      emit(.openParen, commandSpan)
      try beginFractionPart(numerator: true, commandSpan)
    case "sqrt": try lexSquareRoot(from: start)
    case "left": try lexDelimiter(opening: true, command: "\\left", from: start)
    case "right": try lexDelimiter(opening: false, command: "\\right", from: start)
    case "lvert":
      emitName("abs", commandSpan)
      emit(.openParen, commandSpan)
    case "rvert": try emitClosing(.closeParen, commandSpan)
    case "lbrack": emit(.openBracket, commandSpan)
    case "rbrack": try emitClosing(.closeBracket, commandSpan)
    case "lbrace": emit(.openBrace, commandSpan)
    case "rbrace": try emitClosing(.closeBrace, commandSpan)
    case "gt": try lexComparison(from: start)
    case "begin", "end":
      let environment = try readEnvironment(command)
      guard Self.layoutEnvironments.contains(environment) else {
        throw Diagnostic(.unsupportedCommand("\\\(command){\(environment)}"), at: span(from: start))
      }
    case "label", "tag":
      _ = try readEnvironment(command)
    default:
      if let size = Self.sizes.first(where: { command.hasPrefix($0) && command.count <= $0.count + 1 }) {
        switch command.dropFirst(size.count) {
        case "l": return try lexDelimiter(opening: true, command: "\\" + command, from: start)
        case "r": return try lexDelimiter(opening: false, command: "\\" + command, from: start)
        case "", "m": return  // the delimiter that follows is read as itself
        default: break
        }
      }
      throw Diagnostic(.unsupportedCommand("\\" + command), at: commandSpan)
    }
  }

  /// The `{name}` after `\begin`, `\end`, `\label` or `\tag`.
  mutating func readEnvironment(_ command: String) throws(Diagnostic) -> String {
    skipSpaces()
    guard peek() == "{" else { throw expected("'{' after '\\\(command)'") }
    let open = position
    while let c = peek(), c != "}", c != "\n" { position += 1 }
    guard peek() == "}" else {
      throw Diagnostic(.unclosedBracket("{"), at: SourceSpan(start: offsets[open], end: offsets[open + 1]))
    }
    position += 1
    var name = ""
    name.unicodeScalars.append(contentsOf: scalars[(open + 1)..<(position - 1)])
    return name.trimmingSpaces()
  }

  /// A function command: its name token; the parser reads the bracket or the one-factor argument.
  /// `\sin^2 x` is refused: its power belongs after the argument.
  mutating func lexFunction(_ name: String, from start: Int) throws(Diagnostic) {
    emitName(name, span(from: start))
    let save = position
    skipSpaces()
    // `\log_2 x`: a function takes no subscript (a logarithm's base is not supported).
    if peek() == "_" {
      position += 1
      skipSpaces()
      if peek() == "{" {
        while let c = peek(), c != "}", c != "\n" { position += 1 }
        if peek() == "}" { position += 1 }
      } else if peek() != nil {
        position += 1
      }
      throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: span(from: start))
    }
    guard peek() == "^" else {
      position = save
      return
    }
    position += 1
    throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: span(from: start))
  }

  /// `\operatorname{ReLU}`, `\mathrm{out}_{h1}`, `\mathit{net}_{h}`, `\boldsymbol\phi`, `\mathbf{1}[u > 0]`.
  mutating func lexStyledWord(_ command: String, from start: Int) throws(Diagnostic) {
    let word = try readTextArgument(of: command)
    if Self.boldCommands.contains(command)
      && (word == "1" || (word == "I" && (command == "mathbb" || command == "mathds")))
    {
      return try lexIndicator(from: start)
    }
    if Self.uprightCommands.contains(command), let function = Self.function(named: word) {
      return try lexFunction(function.name, from: start)
    }
    if command == "operatorname" {
      throw Diagnostic(.unknownFunction(word, suggestion: Function.suggestion(for: word)), at: span(from: start))
    }
    // An upright d before a name is a differential (`\mathrm{d}x`, `\mathrm{d}\theta`), not the
    // product of a variable d and x.
    if word == "d", Self.uprightCommands.contains(command) {
      let save = position
      skipSpaces()
      let next = peek()
      position = save
      if let next, next.properties.isAlphabetic || next == "\\" {
        throw Diagnostic(.unsupportedCommand("\\mathrm{d}"), at: span(from: start))
      }
    }
    guard word.unicodeScalars.first?.isASCIIDigit != true else {
      throw Diagnostic(.expected("a name in '\\\(command){…}'", found: "'\(word)'"), at: span(from: start))
    }
    try lexSubscripts(of: [word], from: start)
  }

  /// A function named in an upright font, any capitalisation: `ReLU`, `softplus`, `sgn`, `arctan`.
  static func function(named word: String) -> Function? {
    let lowered = word.lowercased()
    if let function = Function(named: lowered) { return function }
    return Function.allCases.first { $0.definition.uprightNames.contains(lowered) }
  }

  /// If `{d}{dx}` follows `\frac` (also `{d^2}{dx^2}`, `{df}{dx}`, `{\mathrm{d}}{\mathrm{d}x}`): a
  /// derivative written in Leibniz's notation, which would otherwise read as d·…/(dx). The index
  /// just past the second group; nil for any other fraction.
  func leibnizEnd() -> Int? {
    var i = position
    /// The text of the group at `i` (spaces, `\mathrm{d}` and its kin read as `d`) and its end.
    func group() -> (String, Int)? {
      while i < scalars.count, scalars[i] == " " { i += 1 }
      guard i < scalars.count, scalars[i] == "{" else { return nil }
      var depth = 0
      var content = ""
      let open = i
      while i < scalars.count {
        let c = scalars[i]
        i += 1
        if c == "{" { depth += 1 }
        if c == "}" { depth -= 1 }
        if depth == 0 { break }
        if c != " " && i - 1 > open { content.unicodeScalars.append(c) }
      }
      guard depth == 0 else { return nil }
      for upright in ["\\mathrm{d}", "\\text{d}", "\\operatorname{d}", "\\mathrmd"] {
        content = content.replacing(upright, with: "d")
      }
      return (content, i)
    }
    func isDifferential(_ text: String, alone: Bool) -> Bool {
      let scalars = Array(text.unicodeScalars)
      guard scalars.first == "d" else { return false }
      guard scalars.count > 1 else { return alone }
      return scalars[1].isASCIILetter || scalars[1] == "\\" || scalars[1] == "^"
    }
    guard let (numerator, _) = group(), isDifferential(numerator, alone: true),
      let (denominator, end) = group(), isDifferential(denominator, alone: false)
    else { return nil }
    return end
  }

  /// `\sqrt{a}` is `sqrt{a}` and `\sqrt2` is `sqrt(2)`; `\sqrt[n]{a}` is refused.
  mutating func lexSquareRoot(from start: Int) throws(Diagnostic) {
    let commandSpan = span(from: start)
    skipSpaces()
    if peek() == "[" {
      while let c = peek(), c != "]", c != "\n", c != "{" { position += 1 }
      if peek() == "]" { position += 1 }
      throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: span(from: start))
    }
    emitName("sqrt", commandSpan)
    if peek() == "{" { return }  // the group is read next, as the argument
    try lexOneCharacterArgument(after: "\\sqrt", isScript: false)
  }

  /// The argument of `^`: a group in braces or one character.
  mutating func lexSuperscript() throws(Diagnostic) {
    skipSpaces()
    if peek() == "{" {
      let start = position
      position += 1
      return openGroup(.superscript, span(from: start))
    }
    try lexOneCharacterArgument(after: "^", isScript: true)
    superscriptEnd = tokens.count
  }

  /// The delimiter after `\left`, `\right`, `\bigl`, `\Bigr`…: `(` `[` `\{` as brackets, `|` as
  /// the absolute value's bars.
  mutating func lexDelimiter(opening: Bool, command: String, from start: Int) throws(Diagnostic) {
    skipSpaces()
    guard let scalar = peek() else { throw expected("a bracket after '\(command)'") }
    // The delimiter as written: `(`, `|`, `\{`, `\lbrace`.
    let delimiterStart = position
    if scalar == "\\" {
      let word = word(at: position + 1)
      position += 1 + max(1, word.unicodeScalars.count)
      position = min(position, scalars.count)
    } else {
      position += 1
    }
    let delimiter = text(from: delimiterStart)
    let delimiterSpan = span(from: start)
    switch (opening, delimiter) {
    case (true, "("): emit(.openParen, delimiterSpan)
    case (true, "["), (true, "\\lbrack"): emit(.openBracket, delimiterSpan)
    case (true, "\\{"), (true, "\\lbrace"): emit(.openBrace, delimiterSpan)
    case (true, "|"), (true, "\\vert"), (true, "\\lvert"):
      emitName("abs", delimiterSpan)
      emit(.openParen, delimiterSpan)
    case (false, ")"), (false, "|"), (false, "\\vert"), (false, "\\rvert"):
      try emitClosing(.closeParen, delimiterSpan)
    case (false, "]"), (false, "\\rbrack"): try emitClosing(.closeBracket, delimiterSpan)
    case (false, "\\}"), (false, "\\rbrace"): try emitClosing(.closeBrace, delimiterSpan)
    default:
      if delimiter == "." || delimiter.hasPrefix("\\") {
        throw Diagnostic(.unsupportedCommand(text(from: start).filter { $0 != " " }), at: delimiterSpan)
      }
      position = start + command.unicodeScalars.count
      skipSpaces()
      throw expected("\(opening ? "an opening" : "a closing") bracket after '\(command)'")
    }
  }

  /// `\mathbf{1}[u > 0]`, the printed form of step(u): the name `step`, then the bracket.
  mutating func lexIndicator(from start: Int) throws(Diagnostic) {
    let indicatorSpan = span(from: start)
    emitName("step", indicatorSpan)
    skipSpaces()
    let opensBracket: Bool
    if let command = peekCommand() {
      opensBracket = command == "left" || Self.sizes.contains { command == $0 + "l" }
    } else {
      opensBracket = peek() == "[" || peek() == "("
    }
    guard opensBracket else { throw expected("'[' after '\\mathbf{1}'") }
    indicators.append(bracketDepth + 1)
  }

  /// The `> 0` closing an indicator `\mathbf{1}[u > 0]`; any other comparison is refused.
  mutating func lexComparison(from start: Int) throws(Diagnostic) {
    guard indicators.last == bracketDepth else {
      throw Diagnostic(.unsupportedCommand(text(from: start)), at: span(from: start))
    }
    skipSpaces()
    let zeroStart = position
    if let scalar = peek(), scalar.isASCIIDigit || scalar == "." {
      let (text, end) = Lexer.scanNumber(in: scalars, from: position)
      if Double(text) == 0 {
        position = end
        indicators.removeLast()
        return
      }
    }
    position = zeroStart
    throw expected("0 after '>' in '\\mathbf{1}[u > 0]'")
  }
}

extension LaTeXLexer {
  /// The advice printed under an unsupported command.
  static func hint(forUnsupported command: String) -> String {
    if command.hasPrefix("\\sqrt[") { return "write the root as a power, e.g. x^{1/3}" }
    if command.hasSuffix("^") {
      let name = String(command.dropLast())
      return "write the power after the argument, \(name)[x]^{2}; inverses are \\arcsin \\arccos \\arctan"
    }
    switch command {
    case "|", "\\vert", "\\|": return "write \\left| … \\right| for an absolute value"
    case ">", "\\gt": return "a comparison is read only in the indicator \\mathbf{1}[u > 0]"
    case "\\partial", "\\nabla", "\\mathrm{d}":
      return "write the function itself; ChainRule finds its derivatives"
    case "\\sum", "\\prod", "\\int": return "write the terms out, or one definition per line"
    case "\\left.", "\\right.": return "write matching brackets, e.g. \\left( … \\right)"
    default: break
    }
    if command.hasPrefix("\\frac") || command.hasPrefix("\\dfrac") || command.hasPrefix("\\tfrac") {
      return "write the function itself, not d/dx of it; ChainRule finds its derivatives"
    }
    if let underscore = command.firstIndex(of: "_") {
      let base = command[command.index(after: underscore)...].filter { $0 != "{" && $0 != "}" }
      if command.hasPrefix("\\log_") && base == "e" { return "the natural logarithm is \\ln x (or \\log x)" }
      if command.hasPrefix("\\log_") {
        return "logarithms to another base are not supported: write log(x)/log(\(base))"
      }
      return "a function takes no subscript: write \(command[..<underscore])(…)"
    }
    let word = String(command.drop { $0 == "\\" })
    if word.count >= 4, word.allSatisfy(\.isLetter),
      let suggestion = Suggestion.closest(to: word, among: knownCommands.filter { $0.count >= 3 })
    {
      return "did you mean '\\\(suggestion)'?"
    }
    return "supported: \\frac \\sqrt \\cdot \\times \\left \\right, functions and Greek letters"
  }
}

extension Unicode.Scalar {
  var isASCIIDigit: Bool { self >= "0" && self <= "9" }
  var isASCIILetter: Bool { (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") }
}
