import ChainRule
import ChainRuleCLI
import Testing

/// One malformed formula and where its diagnostic must point.
struct Malformed: Sendable, CustomTestStringConvertible {
  var label: String
  var input: String
  /// Line and column (characters, from 1) printed after `-->`, where the caret must be; a nil
  /// column is only checked against the caret.
  var line: Int
  var column: Int?
  /// The start of the message after `error: `.
  var message: String

  var testDescription: String { label }

  init(_ label: String, _ input: String, at line: Int, _ column: Int?, _ message: String) {
    self.label = label
    self.input = input
    self.line = line
    self.column = column
    self.message = message
  }
}

extension Malformed {
  static let deep = Parser.maximumDepth
  static let nestingMessage =
    "the formula nests more than \(deep) levels deep (brackets, calls, signs or powers)"

  /// Every way a formula can be wrong that the CLI must report with a caret and exit 1.
  static let all: [Malformed] = [
    // Brackets.
    Malformed("unclosed paren", "(x + 1", at: 1, 1, "'(' is never closed"),
    Malformed("unsupported LaTeX command", #"\frac{1}{x} + \foo{x}"#, at: 1, 15, #"unsupported LaTeX command '\foo'"#),
    Malformed("unmatched closing paren", "x + 1)", at: 1, 6, "')' has no matching opening bracket"),
    Malformed("paren closed by bracket", "(x]", at: 1, 3, "expected ')' to close the bracket, found ']'"),
    Malformed("bracket closed by paren", "[x)", at: 1, 3, "expected ']' to close the bracket, found ')'"),
    Malformed("unclosed brace", "{x", at: 1, 1, "'{' is never closed"),
    Malformed("unclosed call", "exp(x", at: 1, 4, "'(' is never closed"),
    Malformed("call closed by wrong bracket", "sin[x)", at: 1, 6, "expected ']' to close the bracket, found ')'"),
    Malformed("close before open", ")(", at: 1, 1, "')' has no matching opening bracket"),
    Malformed("stray closing paren after an operator", "x + )", at: 1, 5, "')' has no matching opening bracket"),
    Malformed("stray closing paren as a body", "a = )", at: 1, 5, "')' has no matching opening bracket"),
    Malformed("closing paren inside a bracket", "(x + )", at: 1, 6, "expected a number, a name or '(', found ')'"),
    Malformed("empty brackets", "()", at: 1, 2, "expected a number, a name or '(', found ')'"),
    Malformed("open bracket at end", "x + (", at: 1, 6, "expected a number, a name or '(', found end of input"),
    // Dangling and doubled operators.
    Malformed("trailing plus", "x +", at: 1, 4, "expected a number, a name or '(', found end of input"),
    Malformed("leading star", "* x", at: 1, 1, "expected a number, a name or '(', found '*'"),
    Malformed("trailing caret", "x ^", at: 1, 4, "expected a number, a name or '(', found end of input"),
    Malformed("trailing double star", "x ** ", at: 1, 5, "expected a number, a name or '(', found end of input"),
    Malformed("trailing plus and spaces", "x +   ", at: 1, 4, "expected a number, a name or '(', found end of input"),
    Malformed(
      "trailing plus before a line break", "x +\n", at: 1, 4, "expected a number, a name or '(', found end of line"),
    Malformed("unclosed call at end", "sin(", at: 1, 5, "expected a number, a name or '(', found end of input"),
    Malformed("doubled caret", "x^^2", at: 1, 3, "expected a number, a name or '(', found '^'"),
    Malformed("star then slash", "2 * / 3", at: 1, 5, "expected a number, a name or '(', found '/'"),
    Malformed("double equals", "x == y", at: 1, 4, "expected a number, a name or '(', found '='"),
    Malformed("comma outside a call", "x,y", at: 1, 2, "expected an operator or the end of the line, found ','"),
    // Found by the fuzzer: `J__` was one name, printed in LaTeX as `J_{}`, which does not read back.
    Malformed("name ending in an underscore", "J_ + 1", at: 1, 2, "unexpected character '_'"),
    Malformed("doubled underscore in a name", "x__1", at: 1, 2, "unexpected character '_'"),
    // No formula at all.
    Malformed("empty input", "", at: 1, 1, "the input holds no formula"),
    Malformed("only spaces", "   ", at: 1, 1, "the input holds no formula"),
    Malformed("only a comment", "# only a comment", at: 1, 1, "the input holds no formula"),
    Malformed("only line breaks", "\n\n", at: 1, 1, "the input holds no formula"),
    // Functions.
    Malformed("misspelt sin", "sinn(x)", at: 1, 1, "unknown function 'sinn'"),
    Malformed("misspelt tanh", "tnh(x)", at: 1, 1, "unknown function 'tnh'"),
    Malformed("capitalised Sin", "Sin(x)", at: 1, 1, "unknown function 'Sin'"),
    Malformed("unknown function after Greek", "β₀ + sinn(ω₀)", at: 1, 6, "unknown function 'sinn'"),
    Malformed("unknown function foo", "foo(x)", at: 1, 1, "unknown function 'foo'"),
    Malformed("short name before a bracket", "x(y+1)", at: 1, 2, "missing operator before '('"),
    Malformed("max with one argument", "max(x)", at: 1, 1, "'max' takes 2 arguments, found 1"),
    Malformed("sin with two arguments", "sin(x, y)", at: 1, 1, "'sin' takes 1 argument, found 2"),
    Malformed("sin with none", "sin()", at: 1, 1, "'sin' takes 1 argument, found 0"),
    Malformed("trailing comma in call", "sin(x,)", at: 1, 7, "expected a number, a name or '(', found ')'"),
    Malformed("sin without brackets", "sin x", at: 1, 1, "function 'sin' needs its argument in brackets"),
    Malformed("relu without brackets", "relu x", at: 1, 1, "function 'relu' needs its argument in brackets"),
    // Juxtaposition.
    Malformed("two names", "x y", at: 1, 3, "missing operator before 'y'"),
    Malformed("two numbers", "2 3", at: 1, 3, "missing operator before '3'"),
    Malformed("two Greek names", "β₀ ω₁ x", at: 1, 4, "missing operator before 'ω₁'"),
    Malformed("implicit product then name", "2x y", at: 1, 4, "missing operator before 'y'"),
    Malformed("two decimal points", "1.2.3", at: 1, 4, "missing operator before '.3'"),
    Malformed("tab before juxtaposition", "\tx y", at: 1, 4, "missing operator before 'y'"),
    // An exponent never swallows an implicit product; only a number directly before a name or a
    // bracket multiplies.
    Malformed("name after a power", "x^2 y", at: 1, 5, "missing operator before 'y'"),
    Malformed("name glued to a power", "x^2y", at: 1, 4, "missing operator before 'y'"),
    Malformed("name glued to a negative power", "x^-2y", at: 1, 5, "missing operator before 'y'"),
    Malformed("bracket after a power", "x^2(y + 1)", at: 1, 4, "missing operator before '('"),
    Malformed("bracket after an implicit product", "2x(x + 1)", at: 1, 3, "missing operator before '('"),
    // Characters the lexer does not know.
    Malformed("inverted question mark", "x ¿ y", at: 1, 3, "unexpected character '¿' (U+00BF)"),
    Malformed("bell character", "x \u{7} y", at: 1, 3, "unexpected character (control character U+0007)"),
    Malformed("NUL character", "x\u{0}y", at: 1, 2, "unexpected character (control character U+0000)"),
    Malformed("zero-width space", "x\u{200B}y", at: 1, 2, "unexpected character (invisible character U+200B)"),
    Malformed("at sign", "x @ y", at: 1, 3, "unexpected character '@' (U+0040)"),
    Malformed("factorial", "x!", at: 1, 2, "unexpected character '!' (U+0021)"),
    Malformed("lone dot", ".", at: 1, 1, "unexpected character '.' (U+002E)"),
    Malformed("accented letter", "é + x", at: 1, 1, "unexpected character 'é' (U+00E9)"),
    Malformed("emoji", "x + 👍🏽 + y", at: 1, 5, "unexpected character '👍' (U+1F44D)"),
    // Numbers.
    Malformed("1e999", "1e999", at: 1, 1, "the number 1e999 is too large for a 64-bit float"),
    Malformed("2e400 after a sum", "x + 2e400", at: 1, 5, "the number 2e400 is too large for a 64-bit float"),
    // Definitions.
    Malformed("redefinition", "a = 1; a = 2; a", at: 1, 8, "'a' is defined twice"),
    Malformed("self reference", "a = a + 1; a", at: 1, 1, "'a' is used in its own definition"),
    Malformed("bare formula not last", "x; y", at: 1, 1, "expected a definition 'name = …'"),
    Malformed("lone equals", "=", at: 1, 1, "expected a number, a name or '(', found '='"),
    Malformed("definition without body", "a = ", at: 1, 4, "expected a number, a name or '(', found end of input"),
    Malformed(
      "empty body before semicolon", "a = 1; b = ; b", at: 1, 11,
      "expected a number, a name or '(', found end of line"),
    Malformed("function name defined", "sin = 1; sin", at: 1, 1, "expected a name that is not a function, found 'sin'"),
    Malformed(
      "definition given a number", "f(x) = x^2; f(3)", at: 1, 15,
      "'f' stands for its definition; its arguments are not substituted"),
    Malformed(
      "definition given a sum", "f(x) = x^2; f(x + 1)", at: 1, 15,
      "'f' stands for its definition; its arguments are not substituted"),
    // Numbers a float cannot hold as written, and constants without a value.
    Malformed(
      "a number that underflows", "1e-400 + x", at: 1, 1,
      "the number 1e-400 is too small for a 64-bit float, which would hold it as 0"),
    Malformed(
      "an integer a float cannot hold", "x^9223372036854775807", at: 1, 3,
      "the integer 9223372036854775807 cannot be held exactly by a 64-bit float (the nearest it holds is 9223372036854775808)"
    ),
    Malformed("log of a constant 0", "log(0) + x", at: 1, 1, "log(0) has no value: log needs a positive argument"),
    Malformed("division by a constant 0", "x/0", at: 1, 1, "x/0 has no value: it divides by zero"),
    Malformed(
      "square root of a negative constant", "sqrt(-1) + x", at: 1, 1,
      "sqrt(-1) has no value: sqrt needs an argument that is not negative"),
    Malformed(
      "a constant that overflows", "exp(1000)*x", at: 1, 1, "exp(1000) has no value: it is too large for a 64-bit float"
    ),
    // Several lines.
    Malformed(
      "use before definition", "a = 1 + b; b = x; a", at: 1, 9, "'b' is used on line 1 before line 2 defines it"),
    Malformed("definitions in a cycle", "a = b; b = a", at: 1, 5, "'b' is used on line 1 before line 2 defines it"),
    Malformed("operator at end of line", "f = x +\ny", at: 1, 8, "expected a number, a name or '(', found end of line"),
    Malformed("unclosed on line 2", "f = x\n(y", at: 2, 1, "'(' is never closed"),
    Malformed("juxtaposition on line 2", "a = 1\nb = 2 3\nb", at: 2, 7, "missing operator before '3'"),
    // Nesting beyond the parser's limit: a diagnostic, not a stack overflow, with the caret under
    // the bracket, call, sign or power one level past the limit.
    Malformed(
      "100,001 nested parens", String(repeating: "(", count: deep + 1) + "x" + String(repeating: ")", count: deep + 1),
      at: 1, deep + 1, nestingMessage),
    Malformed(
      "100,001 nested sin calls",
      String(repeating: "sin(", count: deep + 1) + "x" + String(repeating: ")", count: deep + 1),
      at: 1, 4 * deep + 4, nestingMessage),
    Malformed(
      "100,001 nested brackets",
      String(repeating: "[", count: deep + 1) + "x" + String(repeating: "]", count: deep + 1),
      at: 1, deep + 1, nestingMessage),
    Malformed("100,001 minus signs", String(repeating: "-", count: deep + 1) + "x", at: 1, deep + 1, nestingMessage),
    Malformed(
      "a tower of 100,001 powers", String(repeating: "x^", count: deep + 1) + "x", at: 1, 2 * deep + 2, nestingMessage),
  ]
}

@Suite("Malformed formulas: exit 1, 'error:', location, source line, caret")
struct MalformedInputTests {
  @Test(arguments: Malformed.all)
  func reportsWithCaret(_ case_: Malformed) throws {
    let result = chainrule("diff", "--", case_.input)
    #expect(result.exitCode == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: "))
    #expect(result.stderr.contains(" --> input:\(case_.line):"))
    #expect(result.stderr.hasSuffix("\n"))
    let diagnostic = try #require(RenderedDiagnostic(result.stderr), "\(result.stderr.prefix(300))")
    #expect(diagnostic.message.hasPrefix(case_.message), "\(diagnostic.message)")
    #expect(diagnostic.sourceName == "input")
    #expect(diagnostic.line == case_.line)
    if let column = case_.column { #expect(diagnostic.column == column) }
    // The source line is drawn with control characters as spaces, so the caret stays aligned.
    let lines = case_.input.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLine = String(
      lines[case_.line - 1].map { ch in
        ch.unicodeScalars.contains { $0.properties.generalCategory == .control } ? " " : ch
      })
    if expectedLine.count <= RenderedDiagnostic.windowWidth {
      #expect(diagnostic.sourceLine == expectedLine)
      #expect(diagnostic.caretColumn == diagnostic.column)
    } else {
      // A long line is drawn as a window around the caret; the location keeps the true column.
      diagnostic.expectWindow(of: expectedLine)
    }
    #expect(diagnostic.caretWidth >= 1)
  }

  /// Kinds of diagnostic that no formula typed on the command line can give, with where they
  /// are tested instead.
  static let kindsTestedElsewhere = [
    "inputTooLarge",  // a 4 MB input: LimitTests
    "invalidUTF8",  // bytes that are not UTF-8: FormulaInputTests (files and standard input)
    "undefinedAsWritten",  // needs a point (x/x at x = 0): Issue13RegressionTests
  ]

  @Test("the table gives every kind of diagnostic the parser has")
  func tableCoversEveryDiagnosticKind() throws {
    let source = try String(
      contentsOf: DocumentationTests.root.appendingPathComponent("Sources/ChainRuleSyntax/Diagnostic.swift"),
      encoding: .utf8)
    // The cases of `Diagnostic.Kind`, read from its declaration.
    let body = try #require(source.range(of: "public enum Kind").map { source[$0.upperBound...] })
    let end = try #require(body.range(of: "\n  }\n"))
    let kinds = body[..<end.lowerBound].split(separator: "\n").compactMap { line -> String? in
      let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
      guard words.first == "case", words.count > 1 else { return nil }
      return String(words[1].prefix { $0.isLetter || $0.isNumber })
    }
    #expect(kinds.count >= 15, "read \(kinds.count) kinds")
    var given: Set<String> = []
    for case_ in Malformed.all {
      do {
        _ = try Formula(parsing: case_.input)
      } catch {
        given.insert(String(String(describing: error.kind).prefix { $0.isLetter || $0.isNumber }))
      }
    }
    let missing = kinds.filter { !given.contains($0) && !Self.kindsTestedElsewhere.contains($0) }
    #expect(missing.isEmpty, "no malformed input gives \(missing)")
  }

  @Test("a formula given without '--' gets the same diagnostic")
  func withoutDoubleDash() {
    let result = chainrule("diff", "(x + 1")
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("error: '(' is never closed\n"))
  }

  @Test("the formula is also the default subcommand's argument")
  func defaultSubcommand() {
    let result = chainrule("x +")
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("error: expected a number, a name or '(', found end of input\n"))
  }

  @Test("nesting exactly at the limit parses")
  func nestingAtLimit() {
    let n = Parser.maximumDepth
    let result = chainrule("diff", String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n))
    #expect(result.exitCode == 0, "\(result.stderr.prefix(200))")
    #expect(result.stdout == "l = x\n\ndl/dx = 1\n")
  }

  @Test("a deeply nested formula's diagnostic also comes from `check`")
  func deepInCheck() {
    let n = Parser.maximumDepth + 1
    let formula = String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n)
    let result = chainrule("check", formula, "--at", "x=1")
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("error: \(Malformed.nestingMessage)\n --> input:1:\(Malformed.deep + 1)\n"))
  }
}

/// Whole diagnostics, caret and hint included: the wording a learner sees.
@Suite("Diagnostics asserted whole")
struct WholeDiagnosticTests {
  struct Golden: Sendable, CustomTestStringConvertible {
    var input: String
    var expected: String
    var testDescription: String { String(input.debugDescription.prefix(40)) }
  }

  static let goldens: [Golden] = [
    Golden(
      input: "sinn(x)",
      expected: """
        error: unknown function 'sinn'
         --> input:1:1
        1 | sinn(x)
          | ^^^^ did you mean 'sin'?

        """),
    Golden(
      input: "β₀ + sinn(ω₀)",
      expected: """
        error: unknown function 'sinn'
         --> input:1:6
        1 | β₀ + sinn(ω₀)
          |      ^^^^ did you mean 'sin'?

        """),
    Golden(
      input: "(x + 1",
      expected: """
        error: '(' is never closed
         --> input:1:1
        1 | (x + 1
          | ^ add the closing bracket

        """),
    Golden(
      input: "x + 1)",
      expected: """
        error: ')' has no matching opening bracket
         --> input:1:6
        1 | x + 1)
          |      ^ remove it, or add the opening bracket

        """),
    Golden(
      input: "(x]",
      expected: """
        error: expected ')' to close the bracket, found ']'
         --> input:1:3
        1 | (x]
          |   ^

        """),
    Golden(
      input: "x y",
      expected: """
        error: missing operator before 'y'
         --> input:1:3
        1 | x y
          |   ^ write '*' to multiply

        """),
    Golden(
      input: "β₀ ω₁ x",
      expected: """
        error: missing operator before 'ω₁'
         --> input:1:4
        1 | β₀ ω₁ x
          |    ^^ write '*' to multiply

        """),
    Golden(
      input: "max(x)",
      expected: """
        error: 'max' takes 2 arguments, found 1
         --> input:1:1
        1 | max(x)
          | ^^^^^^

        """),
    Golden(
      input: "sin x",
      expected: """
        error: function 'sin' needs its argument in brackets
         --> input:1:1
        1 | sin x
          | ^^^ write 'sin(…)' or 'sin[…]'

        """),
    Golden(
      input: "x \u{7} y",
      expected: """
        error: unexpected character (control character U+0007)
         --> input:1:3
        1 | x   y
          |   ^ remove the control character

        """),
    Golden(
      input: "1e999",
      expected: """
        error: the number 1e999 is too large for a 64-bit float
         --> input:1:1
        1 | 1e999
          | ^^^^^

        """),
    Golden(
      input: "a = 1; a = 2; a",
      expected: """
        error: 'a' is defined twice
         --> input:1:8
        1 | a = 1; a = 2; a
          |        ^ give the second definition a new name

        """),
    Golden(
      input: "x ^",
      expected: """
        error: expected a number, a name or '(', found end of input
         --> input:1:4
        1 | x ^
          |    ^

        """),
    Golden(
      input: "# only a comment",
      expected: """
        error: the input holds no formula
         --> input:1:1
        1 | # only a comment
          | ^^^^^^^^^^^^^^^^ type a formula such as 'sin(x)^2', or definitions 'f = …' one per line

        """),
    Golden(
      input: "f = x\n(y",
      expected: """
        error: '(' is never closed
         --> input:2:1
        2 | (y
          | ^ add the closing bracket

        """),
    Golden(
      input: "foo(x)",
      expected: """
        error: unknown function 'foo'
         --> input:1:1
        1 | foo(x)
          | ^^^ functions: \(Function.allNames.joined(separator: " "))

        """),
    Golden(
      input: "x(y+1)",
      expected: """
        error: missing operator before '('
         --> input:1:2
        1 | x(y+1)
          |  ^ write '*' to multiply

        """),
    Golden(
      input: ")(",
      expected: """
        error: ')' has no matching opening bracket
         --> input:1:1
        1 | )(
          | ^ remove it, or add the opening bracket

        """),
    Golden(
      input: "x^2 y",
      expected: """
        error: missing operator before 'y'
         --> input:1:5
        1 | x^2 y
          |     ^ write '*' to multiply

        """),
    Golden(
      input: "2x(x + 1)",
      expected: """
        error: missing operator before '('
         --> input:1:3
        1 | 2x(x + 1)
          |   ^ write '*' to multiply

        """),
    Golden(
      // The caret goes just after the last token, not on the end of the input.
      input: "a = ",
      expected: "error: expected a number, a name or '(', found end of input\n --> input:1:4\n1 | a = \n  |    ^\n"),
    Golden(
      input: "a = a + 1; a",
      expected: """
        error: 'a' is used in its own definition
         --> input:1:1
        1 | a = a + 1; a
          | ^ give the new value its own name, e.g. 'a2 = a + …'

        """),
    Golden(
      input: "f(x) = x^2; f(3)",
      expected: """
        error: 'f' stands for its definition; its arguments are not substituted
         --> input:1:15
        1 | f(x) = x^2; f(3)
          |               ^ write 'f' alone, or 'f[x, φ]' with names as the book does

        """),
    Golden(
      // One bracket past the limit: a window of the line, cut at both ends, the caret under
      // the 100,001st bracket, the location still its true column.
      input: String(repeating: "(", count: 100_001) + "x" + String(repeating: ")", count: 100_001),
      expected: """
        error: the formula nests more than 100000 levels deep (brackets, calls, signs or powers)
         --> input:1:100001
        1 | …\(String(repeating: "(", count: 51))x\(String(repeating: ")", count: 48))…
          | \(String(repeating: " ", count: 51))^ write the formula as definitions, one step per line

        """),
    Golden(
      input: "x; y",
      expected: """
        error: expected a definition 'name = …' (only the last line may be a bare formula), found a formula
         --> input:1:1
        1 | x; y
          | ^

        """),
  ]

  @Test(arguments: goldens)
  func whole(_ golden: Golden) {
    let result = chainrule("diff", "--", golden.input)
    #expect(result.exitCode == 1)
    #expect(result.stdout == "")
    #expect(result.stderr == golden.expected)
  }
}

/// Windows line endings: `\r\n` ends a line like `\n`, for the location and the line drawn.
@Suite("CRLF line endings in diagnostics")
struct CRLFDiagnosticTests {
  @Test("the source line is drawn without the '\\r'")
  func sourceLine() {
    let result = chainrule("diff", "--", "a = 1\r\nb = a a\r\nb")
    #expect(result.exitCode == 1)
    #expect(
      result.stderr == """
        error: missing operator before 'a'
         --> input:2:7
        2 | b = a a
          |       ^ write '*' to multiply

        """)
  }

  @Test("an error at the end of a line is placed on that line, after its last token")
  func endOfLine() {
    let result = chainrule("diff", "--", "a = 1\r\nb = a +\r\nb")
    #expect(result.exitCode == 1)
    #expect(
      result.stderr == """
        error: expected a number, a name or '(', found end of line
         --> input:2:8
        2 | b = a +
          |        ^

        """)
  }

  @Test("a blank CRLF line counts as a line")
  func blankLine() {
    let result = chainrule("diff", "--", "a = 1\r\n\r\nb = sinn(a)\r\n")
    #expect(
      result.stderr == """
        error: unknown function 'sinn'
         --> input:3:5
        3 | b = sinn(a)
          |     ^^^^ did you mean 'sin'?

        """)
  }

  @Test("a file with CRLF line endings")
  func file() throws {
    let file = try TemporaryFile("crlf.chain", text: "f = w*x + b\r\nl = (f - y) y\r\n")
    let result = chainrule("diff", "--file", file.path)
    #expect(result.exitCode == 1)
    #expect(
      result.stderr == """
        error: missing operator before 'y'
         --> \(file.path):2:13
        2 | l = (f - y) y
          |             ^ write '*' to multiply

        """)
  }
}
