import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleCalculus
@testable import ChainRuleExpression
@testable import ChainRuleNumeric
@testable import ChainRuleRender
@testable import ChainRuleSupport
@testable import ChainRuleSyntax

/// LaTeX input: the textbook's formulas read unchanged, construct by construct, with diagnostics
/// for what is not supported, and everything the LaTeX printer writes reads back.
@Suite struct LaTeXInputTests {
  // MARK: The book's toy model

  /// The toy model as the issue quotes it, the loss on a second line referring to the first.
  static let bookModel = #"""
    f[x, \phi] = \beta_3 + \omega_3 \cdot \cos \left[ \beta_2 + \omega_2 \cdot \exp \left( \beta_1 + \omega_1 \cdot \sin[\beta_0 + \omega_0 \cdot x] \right) \right]
    \ell_i = (f[x_i, \phi] - y_i)^2
    """#

  /// The same model in other spellings a book or a notebook uses.
  static let bookModelSpellings: [String] = [
    bookModel,
    // One line, `\\` between the definitions.
    bookModel.replacingOccurrences(of: "\n", with: #" \\ "#),
    // Braced subscripts, bold φ, size commands, juxtaposition instead of \cdot.
    #"""
    f[x,\boldsymbol\phi] = \beta_{3}+\omega_{3}\cos\Bigl[\beta_{2}+\omega_{2}\exp\bigl[\beta_{1}+\omega_{1}\sin[\beta_{0}+\omega_{0}x]\bigr]\Bigr]
    \ell_{i} = \left(f[x_{i},\boldsymbol{\phi}]-y_{i}\right)^{2}
    """#,
    // An align environment with display delimiters and a trailing full stop.
    #"""
    \begin{align}
      f[x, \phi] &= \beta_3 + \omega_3 \cdot \cos\left[\beta_2 + \omega_2 \cdot \exp\left(\beta_1
        + \omega_1 \cdot \sin[\beta_0 + \omega_0 \cdot x]\right)\right] \\
      \ell_i &= \bigl(f[x_i, \phi] - y_i\bigr)^2. \label{eq:toy}
    \end{align}
    """#,
    // Dollar signs, a comment, and a long line broken before its operators.
    #"""
    % The toy model (Understanding Deep Learning, chapter 7)
    $f[x, \phi] = \beta_3$
      $+ \omega_3 \cdot \cos[\beta_2 + \omega_2 \cdot \exp(\beta_1 + \omega_1 \cdot \sin[\beta_0 + \omega_0 \cdot x])]$
    $\ell_i = (f[x_i, \phi] - y_i)^2$
    """#,
  ]

  /// The book's point, with the data named as the LaTeX names them too.
  static let bookPoint = Models.toyPoint.merging(["x_i": 2.3, "y_i": 2]) { a, _ in a }

  @Test(arguments: bookModelSpellings)
  func toyModelAsTheBookWritesIt(source: String) throws {
    #expect(InputSyntax.auto.resolved(for: source) == .latex)
    let book = try Formula(parsing: source)
    let plain = try Formula(parsing: Models.toyUnicode, syntax: .plain)
    #expect(book.program.definitions.map(\.name) == ["f", "l_i"])
    #expect(book.resultName == "l_i")
    #expect(Set(book.variables) == Set(Models.toyParameters + ["x", "y_i"]))
    let loss = try book.value(book.root, at: Self.bookPoint)
    #expect(loss == (try plain.value(plain.root, at: Models.toyPoint)))
    let bookGradient = book.gradient(withRespectTo: Models.toyParameters)
    let plainGradient = plain.gradient(withRespectTo: Models.toyParameters)
    for (parameter, (a, b)) in zip(Models.toyParameters, zip(bookGradient, plainGradient)) {
      let fromBook = try book.value(a, at: Self.bookPoint)
      let fromPlain = try plain.value(b, at: Models.toyPoint)
      #expect(fromBook == fromPlain, "∂ℓ/∂\(parameter): \(fromBook) from LaTeX, \(fromPlain) from plain")
    }
  }

  @Test func toyModelLossAtTheBooksPoint() throws {
    let book = try Formula(parsing: Self.bookModel, syntax: .latex)
    let f = try #require(book.definitions["f"])
    let x = 2.3
    let expectedF = 0.4 + 3 * cos(-3 + 2 * exp(2 - 0.4 * sin(1 + 0.1 * x)))
    #expect(isClose(try book.value(f, at: Self.bookPoint), expectedF, relative: 1e-15))
    #expect(isClose(try book.value(book.root, at: Self.bookPoint), (expectedF - 2) * (expectedF - 2), relative: 1e-14))
  }

  // MARK: Constructs

  /// LaTeX and the plain formula it means; both are evaluated at seeded points.
  static let constructs: [(latex: String, plain: String)] = [
    // Fractions, powers, roots, grouping.
    (#"\frac{x}{y}"#, "x/y"),
    (#"\dfrac{x + 1}{y} - \tfrac{1}{2}"#, "(x + 1)/y - 1/2"),
    (#"\frac12 x"#, "(1/2)*x"),
    (#"\frac{x}{y}^{2}"#, "(x/y)^2"),
    (#"x \frac{1}{y}"#, "x*(1/y)"),
    (#"x^{2}"#, "x^2"),
    (#"x^2"#, "x^2"),
    (#"x^2y"#, "x^2*y"),
    (#"x^-1"#, "x^(-1)"),
    (#"x^{-y}"#, "x^(-y)"),
    (#"x^{y^{z}}"#, "x^(y^z)"),
    (#"2^\alpha"#, "2^alpha"),
    (#"-x^{2}"#, "-(x^2)"),
    (#"\sqrt{x + y}"#, "sqrt(x + y)"),
    (#"\sqrt2 x"#, "sqrt(2)*x"),
    (#"\sqrt{x}^{3}"#, "sqrt(x)^3"),
    (#"{x + 1}^{2}"#, "(x + 1)^2"),
    (#"\{x + 1\} y"#, "(x + 1)*y"),
    (#"\left( x + 1 \right)^{2}"#, "(x + 1)^2"),
    (#"\left[ x + 1 \right] y"#, "(x + 1)*y"),
    (#"\left\{ x \right\}"#, "x"),
    (#"\bigl( x + 1 \bigr) \Bigl[ y \Bigr]"#, "(x + 1)*y"),
    (#"\left| x - 2 \right|"#, "abs(x - 2)"),
    (#"\lvert x - 2 \rvert"#, "abs(x - 2)"),
    (#"\left\lvert x - 2 \right\rvert"#, "abs(x - 2)"),
    // Operators.
    (#"x \cdot y \times z"#, "x*y*z"),
    (#"x \div y \ast z"#, "x/y*z"),
    (#"x * y ** 2"#, "x*y^2"),
    (#"2 \times 10^{3} x"#, "2000*x"),
    (#"1.5 \times 10^{-5} + x"#, "1.5e-5 + x"),
    (#"3 \times 10^2"#, "300"),
    (#"2 \times x"#, "2*x"),
    // Side by side is multiplication.
    (#"\omega_1 x"#, "omega1*x"),
    (#"x y z"#, "x*y*z"),
    (#"2 x y"#, "2*x*y"),
    (#"x (y + 1)"#, "x*(y + 1)"),
    (#"\left(x\right)\left(y\right)"#, "x*y"),
    (#"x y^{2}"#, "x*y^2"),
    (#"-x y"#, "-x*y"),
    (#"\frac{x}{y} z"#, "(x/y)*z"),
    (#"x / y z"#, "(x/y)*z"),
    (#"2^{x} y"#, "2^x*y"),
    // Functions, with and without brackets.
    (#"\sin x"#, "sin(x)"),
    (#"\sin(x) \cos[y]"#, "sin(x)*cos(y)"),
    (#"\sin x \cos y"#, "sin(x)*cos(y)"),
    (#"2 \sin x"#, "2*sin(x)"),
    (#"\sin 2x"#, "sin(2*x)"),
    (#"\exp x^2"#, "exp(x^2)"),
    (#"\exp -x"#, "exp(-x)"),
    (#"\sin \frac{x}{2}"#, "sin(x/2)"),
    (#"\sin x + y"#, "sin(x) + y"),
    (#"\log \sin x"#, "log(sin(x))"),
    (#"\sin{x}"#, "sin(x)"),
    (#"\exp\left( x \right)"#, "exp(x)"),
    (#"\log x + \ln y"#, "log(x) + log(y)"),
    (#"\tan x + \tanh y + \sinh z + \cosh x"#, "tan(x) + tanh(y) + sinh(z) + cosh(x)"),
    (#"\arctan x + \arcsin\frac{y}{3} + \arccos\frac{z}{3}"#, "atan(x) + asin(y/3) + acos(z/3)"),
    (#"\max(x, y) + \min\left[x, y\right]"#, "max(x, y) + min(x, y)"),
    (#"\sigma(x)"#, "sigmoid(x)"),
    (#"\sigma\left[x - y\right]"#, "sigmoid(x - y)"),
    (#"\sigma x"#, "sigma*x"),
    (#"\sigma_1 (x)"#, "sigma1*x"),
    (#"\mathrm{ReLU}(x - 1)"#, "relu(x - 1)"),
    (#"\operatorname{ReLU}[x - 1]"#, "relu(x - 1)"),
    (#"\operatorname{relu}\left(x - 1\right)"#, "relu(x - 1)"),
    (#"\text{ReLU}(x - 1)"#, "relu(x - 1)"),
    (#"\operatorname{softplus}(x)"#, "softplus(x)"),
    (#"\operatorname{sign}(x - 1) + \operatorname{sgn}(y - 1)"#, "sign(x - 1) + sign(y - 1)"),
    (#"\operatorname{abs}(x - 2)"#, "abs(x - 2)"),
    (#"\operatorname{step}(x - 1)"#, "step(x - 1)"),
    (#"\operatorname{sqrt}(x)"#, "sqrt(x)"),
    (#"\mathbf{1}[x - 1 > 0]"#, "step(x - 1)"),
    (#"\mathbf{1}\left[x - 1 > 0\right] y"#, "step(x - 1)*y"),
    (#"\mathbb{1}\left(x \gt 0\right)"#, "step(x)"),
    (#"\mathbb{I}[x > 0.0]"#, "step(x)"),
    // Greek letters and names.
    (#"\alpha + \beta_{0} + \Gamma"#, "alpha + beta0 + Gamma"),
    (#"\varphi + \phi"#, "2*phi"),
    (#"\ell + \ell_i"#, "l + l_i"),
    (#"\beta{} + \beta{}_{0}"#, "beta + beta0"),
    (#"\mathit{net}_{h1} + \mathrm{out}_{o1}"#, "net_h1 + out_o1"),
    (#"β_0 + ω₁"#, "beta0 + omega1"),
    // Spacing, delimiters and punctuation are skipped.
    (#"x \, y \; z \! x \quad y \qquad z"#, "x*y*z*x*y*z"),
    (#"x ~ y \: z \> x \ y"#, "x*y*z*x*y"),
    (#"\displaystyle x + y"#, "x + y"),
    (#"$x + y$"#, "x + y"),
    (#"$$x + y$$"#, "x + y"),
    (#"\[ x + y \]"#, "x + y"),
    (#"\( x + y \)"#, "x + y"),
    (#"x + y,"#, "x + y"),
    (#"x + y ."#, "x + y"),
    (#"x + y % a comment"#, "x + y"),
    (#"\begin{equation*} x + y \end{equation*}"#, "x + y"),
    ("x +\n y", "x + y"),
    ("x\n  + y", "x + y"),
    ("x\n  \\cdot y", "x*y"),
    ("\\left(x\n + y\\right)", "x + y"),
  ]

  @Test(arguments: constructs)
  func construct(latex: String, plain: String) throws {
    let a = try Formula(parsing: latex, syntax: .latex)
    let b = try Formula(parsing: plain, syntax: .plain)
    #expect(Set(a.variables) == Set(b.variables), "\(latex) reads as \(a.plain(a.root))")
    for point in SmoothCase(plain, [("x", 0.5...2), ("y", 0.5...2), ("z", 0.5...2)]).points(3) {
      let full = point.merging([
        "beta0": 0.3, "omega1": -1.2, "alpha": 0.7, "Gamma": 1.1, "phi": 0.4,
        "l": 1.3, "l_i": -0.6, "beta": 2.1, "net_h1": 0.9, "out_o1": -0.2, "sigma": 1.7, "sigma1": 0.8,
      ]) { a, _ in a }
      let expected = try b.value(b.root, at: full)
      let value = try a.value(a.root, at: full)
      #expect(isClose(value, expected, relative: 1e-14), "\(latex) is \(value), \(plain) is \(expected)")
    }
  }

  // MARK: Names

  @Test(arguments: [
    (#"\beta_3"#, "beta3"),
    (#"\beta_{3}"#, "beta3"),
    (#"\beta_{10}"#, "beta10"),
    (#"\beta{}"#, "beta"),
    (#"\ell_i"#, "l_i"),
    (#"\ell{}"#, "l"),
    (#"x_i"#, "x_i"),
    (#"x_{i}"#, "x_i"),
    (#"x_{10}"#, "x10"),
    (#"x_{i,j}"#, "x_i_j"),
    (#"w_{\alpha}"#, "w_alpha"),
    (#"\alpha_{\beta}"#, "alpha_beta"),
    (#"\mathit{net}_{h1}"#, "net_h1"),
    (#"\mathit{net}_{h}_{1}"#, "net_h1"),
    (#"\mathit{net}_h"#, "net_h"),
    (#"\mathrm{out}_{o2}"#, "out_o2"),
    (#"\text{loss}"#, "loss"),
    (#"w_{\mathit{in}}"#, "w_in"),
    (#"\boldsymbol\phi"#, "phi"),
    (#"\boldsymbol{\phi}"#, "phi"),
    (#"\mathbf{w}"#, "w"),
    (#"\varphi"#, "phi"),
    (#"\varepsilon"#, "epsilon"),
    (#"\Delta"#, "Delta"),
    (#"\omega _ 0"#, "omega0"),
    (#"$\beta_0$"#, "beta0"),
  ])
  func latexNames(latex: String, canonical: String) {
    #expect(Parser.canonicalName(latex) == canonical)
  }

  /// Every way the LaTeX printer spells a name reads back as that name.
  @Test(arguments: [
    "beta0", "beta10", "omega3", "l", "l_i", "x", "x_i", "y10", "net_h1", "out_o2", "E_o1", "w_a_b",
    "alpha_beta", "W1_h", "phi", "Delta", "sigma", "sigma1", "epsilon", "net", "loss", "beta_a1", "t1",
  ])
  func printedNamesReadBack(name: String) throws {
    let printed = Notation.latex.name(name)
    #expect(Parser.canonicalName(printed) == name, "\(name) is printed \(printed)")
    let formula = try Formula(parsing: "2 \\cdot " + printed + "^{2}", syntax: .latex)
    #expect(formula.variables == [name], "\(printed)")
  }

  // MARK: Lines and definitions

  @Test(
    arguments: [
      (#"a = 2 x \\ b = a y \\ a + b"#, ["a", "b", nil]),
      ("a = 2 x\nb = a y\na + b", ["a", "b", nil]),
      (#"\begin{aligned} a &= 2 x, \\ b &= a y. \end{aligned}"#, ["a", "b"]),
      ("a = x;\\ b = a", ["a", "b"]),
      ("g[x] = \\frac{x}\n{2}\n\\ell = g[x]^2", ["g", "l"]),
    ] as [(String, [String?])])
  func definitionsOnLines(source: String, names: [String?]) throws {
    let program = try Parser.parse(source, syntax: .latex)
    #expect(program.definitions.map(\.name) == names)
  }

  // MARK: Which syntax

  @Test(arguments: [
    ("beta0 + omega0*x", InputSyntax.plain),
    ("β₀ + ω₀·x", .plain),
    ("x_{10}^2 + {x + 1}", .plain),
    ("x $ 2", .plain),
    ("# see \\frac in the book\nx/2", .plain),
    ("\\beta_0 + x", .latex),
    ("x \\cdot y", .latex),
    ("a = 1 \\\\ b = 2", .latex),
    ("x \\, y", .latex),
    ("$x^2$", .latex),
    (" $$ x $$ ", .latex),
  ])
  func autoDetection(source: String, syntax: InputSyntax) {
    #expect(InputSyntax.auto.resolved(for: source) == syntax)
    #expect(InputSyntax.plain.resolved(for: source) == .plain)
    #expect(InputSyntax.latex.resolved(for: source) == .latex)
  }

  @Test(arguments: ["2^3^2", "sin x", "x y", "f[x] = x^2 + 1\ng = 3*f(x)", "β₀ + sin(x)", "x $ 2"])
  func plainInputIsReadAsBefore(source: String) {
    let auto = Result { () throws(Diagnostic) in try Parser.parse(source) }
    let plain = Result { () throws(Diagnostic) in try Parser.parse(source, syntax: .plain) }
    #expect(auto == plain)
  }

  @Test func plainGrammarKeepsItsDiagnosticsForLaTeXOnlyForms() {
    // Juxtaposition and bracketless calls stay errors in plain input.
    #expect(throws: Diagnostic.self) { try Parser.parse("x y", syntax: .plain) }
    #expect(throws: Diagnostic.self) { try Parser.parse("sin x", syntax: .plain) }
  }

  // MARK: Diagnostics

  /// Unsupported commands and malformed LaTeX, each with its whole rendered diagnostic.
  static let diagnostics: [(source: String, rendered: String)] = [
    (
      #"\sum_i x_i"#,
      #"""
      error: unsupported LaTeX command '\sum'
       --> input:1:1
      1 | \sum_i x_i
        | ^^^^ write the terms out, or one definition per line

      """#
    ),
    (
      #"\ell = \partial f"#,
      #"""
      error: unsupported LaTeX command '\partial'
       --> input:1:8
      1 | \ell = \partial f
        |        ^^^^^^^^ write the function itself; ChainRule finds its derivatives

      """#
    ),
    (
      #"x + \sqrt[3]{y}"#,
      #"""
      error: unsupported LaTeX command '\sqrt[3]'
       --> input:1:5
      1 | x + \sqrt[3]{y}
        |     ^^^^^^^^ write the root as a power, e.g. x^{1/3}

      """#
    ),
    (
      #"\sin^2 x"#,
      #"""
      error: unsupported LaTeX command '\sin^'
       --> input:1:1
      1 | \sin^2 x
        | ^^^^^ write the power after the argument, \sin[x]^{2}; inverses are \arcsin \arccos \arctan

      """#
    ),
    (
      #"\sinn(x)"#,
      #"""
      error: unsupported LaTeX command '\sinn'
       --> input:1:1
      1 | \sinn(x)
        | ^^^^^ did you mean '\sin'?

      """#
    ),
    (
      #"(y - \hat{y})^2"#,
      #"""
      error: unsupported LaTeX command '\hat'
       --> input:1:6
      1 | (y - \hat{y})^2
        |      ^^^^ supported: \frac \sqrt \cdot \times \left \right, functions and Greek letters

      """#
    ),
    (
      #"x \pm 1"#,
      #"""
      error: unsupported LaTeX command '\pm'
       --> input:1:3
      1 | x \pm 1
        |   ^^^ supported: \frac \sqrt \cdot \times \left \right, functions and Greek letters

      """#
    ),
    (
      #"|x - 1|"#,
      #"""
      error: unsupported LaTeX command '|'
       --> input:1:1
      1 | |x - 1|
        | ^ write \left| … \right| for an absolute value

      """#
    ),
    (
      #"\left. x \right|"#,
      #"""
      error: unsupported LaTeX command '\left.'
       --> input:1:1
      1 | \left. x \right|
        | ^^^^^^ write matching brackets, e.g. \left( … \right)

      """#
    ),
    (
      #"x > 0"#,
      #"""
      error: unsupported LaTeX command '>'
       --> input:1:3
      1 | x > 0
        |   ^ a comparison is read only in the indicator \mathbf{1}[u > 0]

      """#
    ),
    (
      #"\begin{pmatrix} x \end{pmatrix}"#,
      #"""
      error: unsupported LaTeX command '\begin{pmatrix}'
       --> input:1:1
      1 | \begin{pmatrix} x \end{pmatrix}
        | ^^^^^^^^^^^^^^^ supported: \frac \sqrt \cdot \times \left \right, functions and Greek letters

      """#
    ),
    (
      #"\operatorname{sinn}(x)"#,
      #"""
      error: unknown function 'sinn'
       --> input:1:1
      1 | \operatorname{sinn}(x)
        | ^^^^^^^^^^^^^^^^^^^ did you mean 'sin'?

      """#
    ),
    (
      #"x_{i+1}"#,
      #"""
      error: expected letters, digits or ',' in a subscript, found '+'
       --> input:1:5
      1 | x_{i+1}
        |     ^

      """#
    ),
    (
      #"\beta_10"#,
      #"""
      error: expected braces around a subscript of more than one character, found '_10'
       --> input:1:6
      1 | \beta_10
        |      ^^^

      """#
    ),
    (
      #"\mathit{net}_h1 + x"#,
      #"""
      error: expected braces around a subscript of more than one character, found '_h1'
       --> input:1:13
      1 | \mathit{net}_h1 + x
        |             ^^^

      """#
    ),
    (
      #"2^10"#,
      #"""
      error: expected braces around a superscript of more than one character, found '^10'
       --> input:1:3
      1 | 2^10
        |   ^^

      """#
    ),
    (
      #"\frac{x}"#,
      #"""
      error: expected '{' after '\frac', found end of input
       --> input:1:9
      1 | \frac{x}
        |         ^

      """#
    ),
    (
      #"\frac{x}{y"#,
      #"""
      error: '{' is never closed
       --> input:1:9
      1 | \frac{x}{y
        |         ^ add the closing bracket

      """#
    ),
    (
      #"\frac{x + (y}{2}"#,
      #"""
      error: expected ')' to close the bracket, found '}'
       --> input:1:13
      1 | \frac{x + (y}{2}
        |             ^

      """#
    ),
    (
      #"\left( x + y \right]"#,
      #"""
      error: expected ')' to close the bracket, found '\right]'
       --> input:1:14
      1 | \left( x + y \right]
        |              ^^^^^^^

      """#
    ),
    (
      #"\left( x + y"#,
      #"""
      error: '\left(' is never closed
       --> input:1:1
      1 | \left( x + y
        | ^^^^^^ add the closing bracket

      """#
    ),
    (
      #"\mathbf{1}[x]"#,
      #"""
      error: expected '> 0' before the bracket closing '\mathbf{1}[…', found ']'
       --> input:1:13
      1 | \mathbf{1}[x]
        |             ^

      """#
    ),
    (
      #"\mathbf{1}[x > 1]"#,
      #"""
      error: expected 0 after '>' in '\mathbf{1}[u > 0]', found '1'
       --> input:1:16
      1 | \mathbf{1}[x > 1]
        |                ^

      """#
    ),
    (
      #"\omega_0 \beta_{3} 2"#,
      #"""
      error: missing operator before '2'
       --> input:1:20
      1 | \omega_0 \beta_{3} 2
        |                    ^ write '*' to multiply

      """#
    ),
    (
      #"\max x"#,
      #"""
      error: function 'max' needs its argument in brackets
       --> input:1:1
      1 | \max x
        | ^^^^ write 'max(…)' or 'max[…]'

      """#
    ),
    (
      #"\frac{}{2}"#,
      #"""
      error: expected a number, a name or '(', found '}'
       --> input:1:7
      1 | \frac{}{2}
        |       ^

      """#
    ),
    (
      #"x^{2} }"#,
      #"""
      error: '}' has no matching opening bracket
       --> input:1:7
      1 | x^{2} }
        |       ^ remove it, or add the opening bracket

      """#
    ),
    (
      #"\ell_i = (f[x_i, \phi] - y_i)^2"#,
      #"""
      error: expected a definition of 'f' on an earlier line, found 'f[x_i, \phi]'
       --> input:1:11
      1 | \ell_i = (f[x_i, \phi] - y_i)^2
        |           ^^^^^^^^^^^^

      """#
    ),
    (
      #"x^{a}^{b}"#,
      #"""
      error: expected one superscript per base (write {x^{a}}^{b}), found a second '^'
       --> input:1:6
      1 | x^{a}^{b}
        |      ^

      """#
    ),
    (
      #"6.02 \times 10^{23}^{2}"#,
      #"""
      error: expected one superscript per base (write {x^{a}}^{b}), found a second '^'
       --> input:1:20
      1 | 6.02 \times 10^{23}^{2}
        |                    ^

      """#
    ),
    (
      "f = \\beta_0 x\n\\ell = (f - y)^2 @",
      #"""
      error: unexpected character '@' (U+0040)
       --> input:2:18
      2 | \ell = (f - y)^2 @
        |                  ^

      """#
    ),
  ]

  @Test(arguments: diagnostics)
  func diagnostic(source: String, rendered: String) {
    #expect(throws: Diagnostic.self) { try Parser.parse(source, syntax: .latex) }
    do {
      _ = try Parser.parse(source, syntax: .latex)
    } catch {
      #expect(DiagnosticRenderer().render(error, in: source) == rendered)
    }
  }

  @Test func deepNestingIsADiagnosticNotACrash() {
    let depth = Parser.maximumDepth + 10
    for source in [
      String(repeating: "{", count: depth) + "x" + String(repeating: "}", count: depth),
      String(repeating: #"\frac{1}{"#, count: depth) + "x" + String(repeating: "}", count: depth),
      String(repeating: #"\sqrt{"#, count: depth) + "x" + String(repeating: "}", count: depth),
      String(repeating: #"\sin "#, count: depth) + "x",
      String(repeating: #"x \left("#, count: depth) + "x" + String(repeating: #"\right)"#, count: depth),
    ] {
      do {
        _ = try Parser.parse(source, syntax: .latex)
        Issue.record("\(source.prefix(20))… parsed")
      } catch {
        #expect(error.kind == .nestingTooDeep(limit: Parser.maximumDepth))
      }
    }
  }

  @Test func spansPointIntoTheLaTeXSource() throws {
    let source = #"\beta_{0} + \sin\left[x\right]"#
    let program = try Parser.parse(source, syntax: .latex)
    guard case .binary(.add, let left, let right, _) = program.result.body else {
      Issue.record("expected a sum, got \(program.result.body)")
      return
    }
    #expect(left.span == SourceSpan(start: 0, end: 9))
    #expect(right.span == SourceSpan(start: 12, end: 30))
  }

  // MARK: Round trip through the LaTeX printer

  /// A power of a number in scientific notation prints its base in brackets,
  /// `\left(6.02 \times 10^{23}\right)^{x}` (without them LaTeX would see a double superscript),
  /// and reads back.
  @Test func scientificNotationAsTheBaseOfAPower() throws {
    let formula = try Formula(parsing: "6.02e23^x + 1e-7^2*y", syntax: .plain)
    let point = ["x": 0.5, "y": 2.0]
    let expected = try formula.value(formula.root, at: point)
    for brackets in ExpressionPrinter.Brackets.allCases {
      let text = formula.printer(.latex, brackets: brackets).string(formula.root)
      #expect(text.contains(#"\left(6.02 \times 10^{23}\right)^{x}"#), "\(text)")
      let reparsed = try Formula(parsing: text, syntax: .latex)
      #expect(isClose(try reparsed.value(reparsed.root, at: point), expected, relative: 1e-12))
    }
    let bracketed = try Formula(
      parsing: #"\left(6.02 \times 10^{23}\right)^{x} + \left(1 \times 10^{-7}\right)^{2} y"#, syntax: .latex)
    #expect(isClose(try bracketed.value(bracketed.root, at: point), expected, relative: 1e-12))
  }

  /// Formulas built from a seeded generator over every function and operator the printer writes.
  static func randomFormulas(count: Int, seed: UInt64) -> [SmoothCase] {
    var random = SplitMix64(seed: seed)
    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    func leaf() -> String {
      pick(["x", "y", "z", "2", "0.5", "3", "1.25", "-1", "0.125", "β₀", "omega_1", "net_h1", "l_i"])
    }
    func expression(_ depth: Int) -> String {
      if depth == 0 { return leaf() }
      let a = expression(depth - 1)
      let b = expression(depth - 1)
      switch random.next() % 12 {
      case 0: return "\(a) + \(b)"
      case 1: return "\(a) - (\(b))"
      case 2: return "(\(a))*(\(b))"
      case 3: return "(\(a))/(1 + (\(b))^2)"
      case 4: return "(\(a))^\(pick(["2", "3", "-1", "-2", "0.5"]))"
      case 5: return "-(\(a))"
      case 6:
        let function = pick(["sin", "cos", "tanh", "sigmoid", "atan", "softplus", "relu", "abs", "step", "sign"])
        return "\(function)(\(a))"
      case 7: return "exp(sin(\(a)))*(\(b))"
      case 8: return "sqrt(1 + (\(a))^2) - log(2 + cos(\(b)))"
      case 9: return "\(pick(["max", "min"]))(\(a), \(b))"
      case 10: return "2^(\(a)) + (\(b))/3"
      default: return "(\(a))*\(b) + \(leaf())"
      }
    }
    let box: [(String, ClosedRange<Double>)] = [
      ("x", -1.5...1.5), ("y", -1.5...1.5), ("z", -1.5...1.5), ("beta0", -1...1), ("omega1", -1...1),
      ("net_h1", -1...1), ("l_i", -1...1),
    ]
    return (0..<count).map { _ in SmoothCase(expression(Int(2 + random.next() % 3)), box) }
  }

  static let toyBox: [(String, ClosedRange<Double>)] =
    Models.toyParameters.map { ($0, -1.5...1.5) } + [("x", -2...2), ("y", -2...2)]

  static let roundTripCases: [SmoothCase] =
    DifferentiationTests.functionCases + DifferentiationTests.ruleCases
    + [
      SmoothCase(Models.toyUnicode, toyBox),
      SmoothCase(Models.toySteps, toyBox),
      SmoothCase(
        Models.sigmoidNetwork,
        Models.sigmoidParameters.map { ($0, -1...1) }
          + [("i1", -1...1), ("i2", -1...1), ("t1", -1...1), ("t2", -1...1)]),
      SmoothCase("1e-7*x + 6.02e23*y^2 + x/3 - 1.5e-300*y", [("x", -2...2), ("y", -2...2)]),
      SmoothCase("x^(1/3) + x^0.25 + 10^x", [("x", 0.2...2)]),
      SmoothCase("sigma*(x + 1) + sigma^2 + phi*(x - 1)", [("x", -2...2), ("sigma", -2...2), ("phi", -1...1)]),
      SmoothCase(
        "net_h1*out_o2 + w_a_b*E_o1^2 + alpha_beta/(1 + W1_h^2)",
        [
          ("net_h1", -1...1), ("out_o2", -1...1), ("w_a_b", -1...1), ("E_o1", -1...1), ("alpha_beta", -1...1),
          ("W1_h", -1...1),
        ]),
    ]
    + randomFormulas(count: 60, seed: 0x1A7E_C0DE)

  /// The formula, its closed forms simplified or not, and every derivative, printed as LaTeX with
  /// either kind of brackets, read back as LaTeX: the same function at every point.
  @Test(arguments: roundTripCases)
  func latexPrinterOutputReadsBack(_ smooth: SmoothCase) throws {
    let formula = try Formula(parsing: smooth.formula, syntax: .plain)
    let variables = formula.variables
    let gradient = formula.gradient(withRespectTo: variables)
    let ids =
      [formula.root, formula.simplified(formula.root)] + gradient.map { formula.simplified($0) }
      + gradient.prefix(2)
    let points = smooth.points(3, salt: "latex")
    for id in ids {
      for brackets in ExpressionPrinter.Brackets.allCases {
        let text = formula.printer(.latex, brackets: brackets).string(id)
        let reparsed: Formula
        do {
          reparsed = try Formula(parsing: text, syntax: .latex)
        } catch {
          Issue.record("'\(text)' does not read back:\n\(DiagnosticRenderer().render(error, in: text))")
          continue
        }
        for point in points {
          let original = Result { try formula.value(id, at: point) }
          let again = Result { try reparsed.value(reparsed.root, at: point) }
          switch (original, again) {
          case (.success(let a), .success(let b)):
            #expect(isClose(a, b, relative: 1e-9, absolute: 1e-12), "'\(text)' is \(b) at \(point), not \(a)")
          case (.failure, .failure): break
          default: Issue.record("'\(text)' at \(point): \(again), the expression gives \(original)")
          }
        }
      }
    }
  }
}
