import ChainRuleBackprop
import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A lesson on one formula as one self-contained HTML page: no scripts, no network, no files
/// beside it; the style sheet is inline and every formula is presentation MathML.
///
/// The page has the parts a textbook chapter on backpropagation has, computed by the same code
/// as the commands that print them:
/// 1. the model, its definitions as written (as `diff` echoes them), and its value at the point;
/// 2. the computation graph (``SVGGraphWriter``, inline);
/// 3. the forward pass and backward passes #1 and #2 with values (from the ``Trace``);
/// 4. every derivative in the definitions' names and expanded (as `diff` prints them), and the
///    three ways to its value (closed form, backprop, central difference) with their costs;
/// 5. each derivative obtained rule by rule (as `diff --steps`);
/// 6. with a data set, the loss per epoch of a training run (``TrainingChart``).
///
/// ```swift
/// let html = LessonPage(source: text, report: report, program: program, graph: graph).html()
/// ```
public struct LessonPage {
  /// A training run shown on the page.
  public struct Training {
    /// What was run: `sgd, learning rate 0.05, full batch (40 rows), 60 epochs`.
    public var description: String
    /// The data file's name, as given.
    public var dataName: String
    /// The chart of the run (its runs hold the losses and fitted values).
    public var chart: TrainingChart
    /// The starting values of ``TrainingChart/parameters``.
    public var start: [Double]

    public init(description: String, dataName: String, chart: TrainingChart, start: [Double]) {
      self.description = description
      self.dataName = dataName
      self.chart = chart
      self.start = start
    }
  }

  /// The formula's text as the user wrote it.
  public var source: String
  /// The file the formula comes from, for the title (`toy-model.chain`), if any.
  public var sourceName: String?
  /// The derivatives (evaluated at ``point`` when there is one).
  public var report: DerivativeReport
  /// The formula cut into forward steps.
  public var program: ForwardProgram
  /// The computation graph to draw (with the trace's values when there is a point).
  public var graph: ComputationGraph
  /// The point as given, in the user's order.
  public var point: [(String, Double)]?
  /// Where the point comes from when the user did not type it (`the fitted parameters and the
  /// first row of toy-data.csv`).
  public var pointOrigin: String?
  /// Both passes at ``point``.
  public var trace: Trace?
  /// A training run, when a data set was given.
  public var training: Training?

  /// Every MathML formula up to this many bytes is written; a larger one is stated by its size.
  public static let formulaBytes = 1 << 20
  /// At most this many bytes of formulas on one page.
  public static let pageBytes = 32 << 20

  public init(
    source: String, report: DerivativeReport, program: ForwardProgram, graph: ComputationGraph,
    point: [(String, Double)]? = nil, trace: Trace? = nil, training: Training? = nil
  ) {
    self.source = source
    self.report = report
    self.program = program
    self.graph = graph
    self.point = point
    self.trace = trace
    self.training = training
  }

  var formula: Formula { report.formula }
  var resultName: String { formula.resultName }

  /// The page's title: `Backpropagation through ℓ (toy-model.chain)`.
  public var title: String {
    "Backpropagation through \(Notation.unicode.name(resultName))" + (sourceName.map { " (\($0))" } ?? "")
  }

  /// The page.
  public func html() -> String {
    var page = LessonWriter(budget: Self.pageBytes)
    page.raw(
      """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title>\(TextMetrics.escapedXML(title))</title>
      <style>
      \(Self.styleSheet)</style>
      </head>
      <body>
      <main>

      """)
    page.raw("<h1>\(TextMetrics.escapedXML(title))</h1>\n")
    page.raw(
      "<p class=\"lead\">Every derivative of \(MathMLPrinter.math(MathMLPrinter.name(resultName))), "
        + "found two ways: by the chain rule written out in closed form, and by one forward and one "
        + "backward pass over the stored steps. Written by <code>chainrule html</code>.</p>\n")
    modelSection(&page)
    graphSection(&page)
    passesSection(&page)
    derivativesSection(&page)
    derivationSection(&page)
    if let training { trainingSection(training, &page) }
    page.raw("</main>\n</body>\n</html>\n")
    return page.text
  }

  /// The page's style sheet: readable type, tables with aligned values, pictures that shrink to
  /// the page's width.
  static let styleSheet = """
    body { margin: 0; background: #ffffff; color: #1d1d1f; font: 16px/1.5 "DejaVu Serif", Georgia, serif; }
    main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; }
    h1 { font-size: 28px; margin: 8px 0 4px; }
    h2 { font-size: 21px; margin: 36px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
    h3 { font-size: 17px; margin: 22px 0 6px; }
    p.lead { color: #444; margin-top: 0; }
    p.note { color: #555; font-size: 14px; }
    code, pre { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 14px; }
    pre.source { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 8px 12px;
      overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
    math { font-size: 17px; font-family: "DejaVu Math TeX Gyre", "Latin Modern Math", "STIX Two Math", math; }
    math[display="block"] { margin: 6px 0; overflow-x: auto; overflow-y: hidden; }
    table { border-collapse: collapse; margin: 8px 0 12px; }
    th, td { padding: 4px 12px; border-bottom: 1px solid #e4e8ec; text-align: left; vertical-align: middle; }
    th { font-family: "DejaVu Sans", sans-serif; font-size: 13px; font-weight: 600; color: #555; }
    td.value, th.value { text-align: right; font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 14px;
      white-space: nowrap; }
    td.rule { font-family: "DejaVu Sans", sans-serif; font-size: 13px; color: #555; white-space: nowrap; }
    td.eq { text-align: center; padding: 4px 2px; }
    .derivative { margin: 14px 0; padding: 6px 12px; border-left: 3px solid #2f5f96; background: #f7faff; }
    .line { margin: 3px 0; white-space: nowrap; }
    .line math, td math { math-style: normal; }
    .line.cont { padding-left: 2.2em; }
    .line.cont2 { padding-left: 4.4em; }
    figure { margin: 12px 0; overflow-x: auto; }
    figure svg { max-width: 100%; height: auto; }
    figcaption { font-size: 14px; color: #555; margin-top: 4px; }

    """

  /// `16 KB`, `2.3 MB`: a size for a sentence.
  static func size(_ bytes: Int) -> String {
    if bytes < 10_000 { return "\(bytes) bytes" }
    if bytes < 10_000_000 { return "\(bytes / 1_000) kB" }
    return String(format: "%.1f MB", Double(bytes) / 1e6)
  }

  /// A value in MathML with the 12 significant digits of the text output (`diff`, `trace`).
  static func valueMath(_ value: Double) -> String {
    MathMLPrinter.number(Double(ValueFormat.text(value, .plain)) ?? value)
  }

  /// A value as the tables print it (`−0.4`, `2.28090062217`).
  static func value(_ value: Double) -> String { TextMetrics.escapedXML(ValueFormat.text(value, .unicode)) }
}

/// The page's text as it is assembled, with a budget for the formulas on it.
struct LessonWriter {
  private(set) var text = ""
  /// Bytes of formulas still allowed.
  var budget: Int

  init(budget: Int) { self.budget = budget }

  mutating func raw(_ html: String) { text += html }

  /// A paragraph of escaped text.
  mutating func paragraph(_ sentence: String, note: Bool = false) {
    text += (note ? "<p class=\"note\">" : "<p>") + TextMetrics.escapedXML(sentence) + "</p>\n"
  }

  /// Whether a formula of `bytes` bytes may be written; counts it when it may.
  mutating func allows(_ bytes: Int) -> Bool {
    guard bytes <= LessonPage.formulaBytes, bytes <= budget else { return false }
    budget -= bytes
    return true
  }
}
