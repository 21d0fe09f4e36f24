import ChainRule
import Foundation
import Testing

@testable import ChainRuleRender

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The MathML printer: exact output for small formulas (as built, before simplification), and
/// well-formed XML every time.
@Suite struct MathMLTests {
  static func mathML(_ source: String) throws -> String {
    let formula = try Formula(parsing: source)
    return MathMLPrinter(graph: formula.graph).content(formula.root)
  }

  static let table: [(String, String)] = [
    ("x", "<mi>x</mi>"),
    ("2.5", "<mn>2.5</mn>"),
    ("beta0", "<msub><mi>β</mi><mn>0</mn></msub>"),
    ("net_h1", "<msub><mi>net</mi><mrow><mi>h</mi><mn>1</mn></mrow></msub>"),
    ("x_i", "<msub><mi>x</mi><mi>i</mi></msub>"),
    ("a + b", "<mi>a</mi><mo>+</mo><mi>b</mi>"),
    ("a - b", "<mi>a</mi><mo>−</mo><mi>b</mi>"),
    ("-x", "<mo form=\"prefix\">−</mo><mi>x</mi>"),
    ("a*b", "<mi>a</mi><mo>·</mo><mi>b</mi>"),
    ("2*x", "<mn>2</mn><mo>·</mo><mi>x</mi>"),
    ("a/b", "<mfrac><mi>a</mi><mi>b</mi></mfrac>"),
    ("a/(b*c)", "<mfrac><mi>a</mi><mrow><mi>b</mi><mo>·</mo><mi>c</mi></mrow></mfrac>"),
    ("x^2", "<msup><mi>x</mi><mn>2</mn></msup>"),
    ("x^(a + b)", "<msup><mi>x</mi><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow></msup>"),
    ("(a + b)^2", "<msup><mrow><mo>(</mo><mi>a</mi><mo>+</mo><mi>b</mi><mo>)</mo></mrow><mn>2</mn></msup>"),
    ("(a + b)*c", "<mrow><mo>(</mo><mi>a</mi><mo>+</mo><mi>b</mi><mo>)</mo></mrow><mo>·</mo><mi>c</mi>"),
    ("sqrt(x)", "<msqrt><mi>x</mi></msqrt>"),
    ("sin(x)", "<mrow><mi>sin</mi><mo>⁡</mo><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow>"),
    ("abs(x)", "<mrow><mo>|</mo><mi>x</mi><mo>|</mo></mrow>"),
    ("step(x)", "<mrow><mn>𝟙</mn><mo>[</mo><mi>x</mi><mo>&gt;</mo><mn>0</mn><mo>]</mo></mrow>"),
    ("max(a, b)", "<mrow><mi>max</mi><mo>⁡</mo><mrow><mo>(</mo><mi>a</mi><mo>,</mo><mi>b</mi><mo>)</mo></mrow></mrow>"),
    (
      "sigmoid(w*x + b)",
      "<mrow><mi>σ</mi><mo>⁡</mo><mrow><mo>(</mo><mi>w</mi><mo>·</mo><mi>x</mi><mo>+</mo><mi>b</mi><mo>)</mo></mrow></mrow>"
    ),
    (
      "1e-20*x",
      "<mrow><mn>1</mn><mo>×</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>20</mn></mrow></msup></mrow><mo>·</mo><mi>x</mi>"
    ),
    ("a - (b - c)", "<mi>a</mi><mo>−</mo><mrow><mo>(</mo><mi>b</mi><mo>−</mo><mi>c</mi><mo>)</mo></mrow>"),
    (
      "exp(-x)",
      "<mrow><mi>exp</mi><mo>⁡</mo><mrow><mo>(</mo><mo form=\"prefix\">−</mo><mi>x</mi><mo>)</mo></mrow></mrow>"
    ),
    ("x^-0.5", "<mfrac><mn>1</mn><msup><mi>x</mi><mn>0.5</mn></msup></mfrac>"),
  ]

  @Test(arguments: table)
  func exactOutput(source: String, expected: String) throws {
    let printed = try Self.mathML(source)
    #expect(printed == expected)
    #expect(XMLCheck.isWellFormed(MathMLPrinter.math(printed)), "\(printed)")
  }

  @Test func namesAndPartials() {
    #expect(MathMLPrinter.name("omega3") == "<msub><mi>ω</mi><mn>3</mn></msub>")
    #expect(MathMLPrinter.name("l") == "<mi>ℓ</mi>")
    #expect(
      MathMLPrinter.partial(of: "l", withRespectTo: "beta0")
        == "<mfrac><mrow><mo>∂</mo><mi>ℓ</mi></mrow><mrow><mo>∂</mo><msub><mi>β</mi><mn>0</mn></msub></mrow></mfrac>")
    #expect(MathMLPrinter.number(-0.5) == "<mrow><mo form=\"prefix\">−</mo><mn>0.5</mn></mrow>")
    #expect(MathMLPrinter.math("<mi>x</mi>", display: true) == "<math display=\"block\"><mi>x</mi></math>")
  }

  /// Every child of `<mfrac>` and `<msup>` is one element, found by the same check the printer uses.
  @Test(arguments: [
    ("<mi>x</mi>", true), ("<msup><mi>x</mi><mn>2</mn></msup>", true), ("<mi>a</mi><mo>+</mo><mi>b</mi>", false),
    ("<mrow><mi>a</mi></mrow><mi>b</mi>", false), ("x", false), ("<mspace/>", true),
  ])
  func singleElement(text: String, expected: Bool) {
    #expect(MathMLStyle.isSingleElement(text.utf8) == expected)
  }

  /// The checker itself tells well-formed from malformed.
  @Test(arguments: [
    ("<math><mi>x</mi></math>", true), ("<math><mi>x</math>", false), ("<math><mi>x</mi>", false),
    ("<math><mo>&lt;</mo></math>", true), ("<math><mo><</mo></math>", false), ("<math><mo>&</mo></math>", false),
  ])
  func checker(text: String, expected: Bool) {
    #expect(XMLCheck.isWellFormed(text) == expected)
  }

  /// Long formulas break into lines that are each well-formed, and together hold every name.
  @Test func longFormulasBreakIntoLines() throws {
    let formula = try Formula(
      parsing: "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)^2")
    let derivative = formula.simplified(formula.gradient(withRespectTo: ["beta0"])[0])
    let layout = MathMLLayout(printer: MathMLPrinter(graph: formula.graph), lineWidth: 60)
    let lines = layout.lines(derivative, lead: 8)
    #expect(lines.count >= 2)
    for line in lines { #expect(XMLCheck.isWellFormed(MathMLPrinter.math(line)), "\(line)") }
    let joined = lines.joined()
    for name in ["β", "ω", "<mi>x</mi>", "<mi>y</mi>", "cos", "exp", "sin"] { #expect(joined.contains(name)) }
  }
}

/// Well-formed XML: Foundation's parser where it has one, and always a small checker of tags,
/// nesting and entities (so the test can fail on every platform).
enum XMLCheck {
  static func isWellFormed(_ text: String) -> Bool {
    #if canImport(FoundationXML) || os(macOS)
      // FoundationXML crashes on an empty document.
      guard !text.isEmpty, (try? XMLDocument(xmlString: text, options: [])) != nil else { return false }
    #endif
    return balanced(text)
  }

  /// Tags balanced and properly nested; `<` and `&` only as markup and entities.
  static func balanced(_ text: String) -> Bool {
    var stack: [Substring] = []
    var rest = Substring(text)
    while let open = rest.firstIndex(where: { $0 == "<" || $0 == "&" }) {
      if rest[open] == "&" {
        guard let semicolon = rest[open...].firstIndex(of: ";"),
          ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"].contains(String(rest[open...semicolon]))
        else { return false }
        rest = rest[rest.index(after: semicolon)...]
        continue
      }
      guard let close = rest[open...].firstIndex(of: ">") else { return false }
      let tag = rest[rest.index(after: open)..<close]
      if tag.contains("<") { return false }
      if tag.hasPrefix("!") || tag.hasPrefix("?") {
      } else if tag.hasPrefix("/") {
        guard stack.popLast() == tag.dropFirst() else { return false }
      } else if !tag.hasSuffix("/") {
        guard let name = tag.split(separator: " ").first, !name.isEmpty else { return false }
        stack.append(name)
      }
      rest = rest[rest.index(after: close)...]
    }
    return stack.isEmpty
  }
}
