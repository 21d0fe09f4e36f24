import Foundation

/// A line chart drawn as SVG: axes with ticks and labels, lines and points, a legend.
///
/// Ticks fall on round numbers (1, 2 or 5 times a power of ten); with ``logarithmicY`` the y
/// axis is log₁₀ and its ticks are powers of ten (and 2× and 5× when the range is short).
/// Points that are not finite (a diverged loss) are left out and break the line. Several
/// charts go side by side in one SVG with ``document(_:idPrefix:)``; the text it returns is an
/// `<svg>` element, for a file or inline in an HTML page.
///
/// ```swift
/// let chart = SVGChart(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss",
///                      series: [.init(name: "sgd", points: [(0, 2.9), (1, 0.33), (2, 0.14)])])
/// SVGChart.document([chart])   // "<svg …>…</svg>"
/// ```
public struct SVGChart: Sendable {
  /// One data series.
  public struct Series: Sendable {
    /// How a series is drawn.
    public enum Mark: Sendable {
      case line
      case points
    }
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var mark: Mark
    /// A colour, or nil for the next of the palette.
    public var colour: String?

    public init(name: String, points: [(x: Double, y: Double)], mark: Mark = .line, colour: String? = nil) {
      self.name = name
      self.points = points
      self.mark = mark
      self.colour = colour
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var logarithmicY: Bool
  /// Whether x ticks are whole numbers only (epochs).
  public var integerX: Bool
  public var width: Double = 560
  public var height: Double = 380

  public init(
    title: String, xLabel: String, yLabel: String, series: [Series], logarithmicY: Bool = false,
    integerX: Bool = false
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.logarithmicY = logarithmicY
    self.integerX = integerX
  }

  /// Colours for series without their own: blue, orange, green, red, purple (colour-blind safe).
  public static let palette = ["#1f77b4", "#e66100", "#1a9850", "#c0392b", "#7b3294"]

  /// The plot area inside the chart: room for the title, tick labels and axis labels.
  private var plot: (x: Double, y: Double, width: Double, height: Double) {
    (x: 72, y: 40, width: width - 72 - 20, height: height - 40 - 56)
  }

  /// `charts` side by side in one SVG element.
  public static func document(_ charts: [SVGChart], idPrefix: String = "chainrule-chart") -> String {
    let width = charts.reduce(0.0) { $0 + $1.width }
    let height = charts.map(\.height).max() ?? 0
    var out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(format(width))\" height=\"\(format(height))\" "
      + "viewBox=\"0 0 \(format(width)) \(format(height))\" font-family=\"sans-serif\" role=\"img\">\n"
    out += "<title>\(TextMetrics.escapedXML(charts.map(\.title).joined(separator: "; ")))</title>\n"
    out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    var left = 0.0
    for (index, chart) in charts.enumerated() {
      out += "<g transform=\"translate(\(format(left)),0)\">\n"
      out += chart.body(clipID: "\(idPrefix)-clip\(index)")
      out += "</g>\n"
      left += chart.width
    }
    return out + "</svg>\n"
  }

  /// The chart's elements, in its own coordinates.
  func body(clipID: String) -> String {
    let area = plot
    let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logarithmicY || $0.y > 0) }
    guard let first = finite.first else {
      return text("no finite values to plot", x: width / 2, y: height / 2, size: 13, anchor: "middle")
    }
    var xRange = (low: first.x, high: first.x)
    var yRange = (low: scaled(first.y), high: scaled(first.y))
    for point in finite {
      xRange = (Swift.min(xRange.low, point.x), Swift.max(xRange.high, point.x))
      yRange = (Swift.min(yRange.low, scaled(point.y)), Swift.max(yRange.high, scaled(point.y)))
    }
    let xTicks = Self.ticks(xRange.low, xRange.high, integer: integerX)
    func yAxis(_ range: (low: Double, high: Double)) -> (
      ticks: [(value: Double, label: String)], span: (low: Double, high: Double)
    ) {
      let ticks =
        logarithmicY
        ? Self.logTicks(range.low, range.high)
        : Self.ticks(range.low, range.high).map { (value: $0, label: Self.label($0)) }
      let span = (
        low: Swift.min(range.low, ticks.first?.value ?? range.low),
        high: Swift.max(range.high, ticks.last?.value ?? range.high)
      )
      return (ticks, span)
    }
    let xSpan = (
      low: Swift.min(xRange.low, xTicks.first ?? xRange.low), high: Swift.max(xRange.high, xTicks.last ?? xRange.high)
    )
    var (yTicks, ySpan) = yAxis(yRange)
    func px(_ x: Double) -> Double {
      xSpan.high > xSpan.low
        ? area.x + (x - xSpan.low) / (xSpan.high - xSpan.low) * area.width : area.x + area.width / 2
    }
    func py(_ y: Double) -> Double {
      ySpan.high > ySpan.low
        ? area.y + area.height - (y - ySpan.low) / (ySpan.high - ySpan.low) * area.height : area.y + area.height / 2
    }
    func drawnPoints() -> [(Double, Double)] {
      series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logarithmicY || $0.y > 0) }
        .map { (px($0.x), py(scaled($0.y))) }
    }
    // When the legend would cover data in both top corners, the y axis grows upwards to make
    // room for it above the data.
    if series.count > 1 {
      let legend = legendSize
      let points = drawnPoints()
      let topCorners = [area.x + area.width - legend.width - 8, area.x + 8]
      let blocked = topCorners.allSatisfy { left in
        points.contains { $0.0 >= left - 4 && $0.0 <= left + legend.width + 4 && $0.1 <= area.y + legend.height + 12 }
      }
      if blocked && area.height > 2 * (legend.height + 16) {
        let room = legend.height + 16
        let grown = yRange.high + (ySpan.high - ySpan.low) * room / (area.height - room)
        (yTicks, ySpan) = yAxis((yRange.low, grown))
      }
    }

    var out = text(title, x: width / 2, y: 24, size: 15, anchor: "middle", bold: true)
    // Grid and ticks.
    out += "<g stroke=\"#e4e4e4\" stroke-width=\"1\">\n"
    for tick in xTicks { out += line(px(tick), area.y, px(tick), area.y + area.height) }
    for tick in yTicks { out += line(area.x, py(tick.value), area.x + area.width, py(tick.value)) }
    out += "</g>\n<g stroke=\"#333333\" stroke-width=\"1\">\n"
    out += line(area.x, area.y + area.height, area.x + area.width, area.y + area.height)
    out += line(area.x, area.y, area.x, area.y + area.height)
    for tick in xTicks { out += line(px(tick), area.y + area.height, px(tick), area.y + area.height + 5) }
    for tick in yTicks { out += line(area.x - 5, py(tick.value), area.x, py(tick.value)) }
    out += "</g>\n<g font-size=\"11\" fill=\"#333333\">\n"
    for tick in xTicks {
      out += text(Self.label(tick), x: px(tick), y: area.y + area.height + 18, size: 11, anchor: "middle")
    }
    for tick in yTicks {
      out += text(tick.label, x: area.x - 8, y: py(tick.value) + 4, size: 11, anchor: "end")
    }
    out += "</g>\n"
    out += text(xLabel, x: area.x + area.width / 2, y: height - 14, size: 13, anchor: "middle")
    let yText = logarithmicY ? yLabel + " (log scale)" : yLabel
    out +=
      "<text transform=\"translate(18,\(Self.format(area.y + area.height / 2))) rotate(-90)\" font-size=\"13\" "
      + "text-anchor=\"middle\" fill=\"#111111\">\(TextMetrics.escapedXML(yText))</text>\n"

    // The series, clipped to the plot area.
    out +=
      "<clipPath id=\"\(clipID)\"><rect x=\"\(Self.format(area.x))\" y=\"\(Self.format(area.y - 4))\" "
      + "width=\"\(Self.format(area.width + 4))\" height=\"\(Self.format(area.height + 8))\"/></clipPath>\n"
    out += "<g clip-path=\"url(#\(clipID))\">\n"
    for (index, series) in series.enumerated() {
      let colour = series.colour ?? Self.palette[index % Self.palette.count]
      switch series.mark {
      case .line:
        var runs: [[String]] = [[]]
        for point in series.points {
          guard point.x.isFinite, point.y.isFinite, !logarithmicY || point.y > 0 else {
            runs.append([])
            continue
          }
          runs[runs.count - 1].append("\(Self.format(px(point.x))),\(Self.format(py(scaled(point.y))))")
        }
        for run in runs where !run.isEmpty {
          if run.count == 1 {
            let xy = run[0].split(separator: ",")
            out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[xy.count - 1])\" r=\"2.5\" fill=\"\(colour)\"/>\n"
          } else {
            out +=
              "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" "
              + "stroke-width=\"2\" stroke-linejoin=\"round\"/>\n"
          }
        }
      case .points:
        for point in series.points where point.x.isFinite && point.y.isFinite && (!logarithmicY || point.y > 0) {
          out +=
            "<circle cx=\"\(Self.format(px(point.x)))\" cy=\"\(Self.format(py(scaled(point.y))))\" r=\"3\" "
            + "fill=\"\(colour)\" fill-opacity=\"0.55\" stroke=\"\(colour)\"/>\n"
        }
      }
    }
    out += "</g>\n"
    if series.count > 1 { out += legend(area: area, avoiding: drawnPoints()) }
    return out
  }

  /// The legend box's size: a row of 18 px per series.
  private var legendSize: (width: Double, height: Double) {
    let textWidth = series.map { TextMetrics.width($0.name, fontSize: 12) }.max() ?? 0
    return (textWidth + 44, 18 * Double(series.count) + 8)
  }

  /// The legend, in the corner of the plot area that covers the fewest drawn points (top
  /// right on a tie).
  private func legend(
    area: (x: Double, y: Double, width: Double, height: Double), avoiding points: [(Double, Double)]
  ) -> String {
    let rowHeight = 18.0
    let (boxWidth, boxHeight) = (legendSize.width, legendSize.height)
    let corners = [
      (area.x + area.width - boxWidth - 8, area.y + 8), (area.x + 8, area.y + 8),
      (area.x + area.width - boxWidth - 8, area.y + area.height - boxHeight - 8),
      (area.x + 8, area.y + area.height - boxHeight - 8),
    ]
    func covered(_ corner: (Double, Double)) -> Int {
      points.filter { point in
        point.0 >= corner.0 - 4 && point.0 <= corner.0 + boxWidth + 4 && point.1 >= corner.1 - 4
          && point.1 <= corner.1 + boxHeight + 4
      }.count
    }
    var (left, top) = corners[0]
    var fewest = covered(corners[0])
    for corner in corners.dropFirst() where covered(corner) < fewest {
      fewest = covered(corner)
      (left, top) = corner
    }
    var out =
      "<rect x=\"\(Self.format(left))\" y=\"\(Self.format(top))\" width=\"\(Self.format(boxWidth))\" "
      + "height=\"\(Self.format(boxHeight))\" fill=\"#ffffff\" fill-opacity=\"0.9\" "
      + "stroke=\"#bbbbbb\"/>\n"
    for (index, series) in series.enumerated() {
      let colour = series.colour ?? Self.palette[index % Self.palette.count]
      let y = top + 4 + rowHeight * (Double(index) + 0.5)
      switch series.mark {
      case .line:
        out +=
          "<line x1=\"\(Self.format(left + 8))\" y1=\"\(Self.format(y))\" x2=\"\(Self.format(left + 30))\" "
          + "y2=\"\(Self.format(y))\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
      case .points:
        out +=
          "<circle cx=\"\(Self.format(left + 19))\" cy=\"\(Self.format(y))\" r=\"3\" fill=\"\(colour)\" "
          + "fill-opacity=\"0.55\" stroke=\"\(colour)\"/>\n"
      }
      out += text(series.name, x: left + 36, y: y + 4, size: 12, anchor: "start")
    }
    return out
  }

  private func scaled(_ y: Double) -> Double { logarithmicY ? log10(y) : y }

  /// Round tick values covering `low…high`: about six, at 1, 2 or 5 times a power of ten
  /// (whole numbers only when `integer`), the last one at or past `high`.
  static func ticks(_ low: Double, _ high: Double, integer: Bool = false) -> [Double] {
    guard high > low, (high - low).isFinite else { return [low] }
    let range = high - low
    let power = pow(10, floor(log10(range / 6)))
    var step = [1.0, 2, 5, 10].map { $0 * power }.min { abs(range / $0 - 6) < abs(range / $1 - 6) } ?? power
    if integer { step = Swift.max(1, step.rounded()) }
    let first = floor(low / step)
    var ticks: [Double] = []
    var k = first
    while ticks.count < 60 {
      // k·step, rounded to 12 digits so that 12 × 0.1 reads 1.2.
      let value = Double(String(format: "%.12g", k * step)) ?? k * step
      ticks.append(value == 0 ? 0 : value)
      if value >= high - step * 1e-9 { break }
      k += 1
    }
    return ticks
  }

  /// Ticks of a log₁₀ axis over `low…high` (in log₁₀ units): powers of ten, with 2× and 5×
  /// between them when the range spans fewer than three decades.
  static func logTicks(_ low: Double, _ high: Double) -> [(value: Double, label: String)] {
    let first = floor(low)
    let last = Swift.max(ceil(high), first + 1)
    var ticks: [(Double, String)] = []
    let fine = last - first < 3
    var exponent = first
    while exponent <= last && ticks.count < 60 {
      for multiple in fine ? [1.0, 2, 5] : [1] {
        let value = exponent + log10(multiple)
        if value <= last + 1e-9 { ticks.append((value, label(multiple * pow(10, exponent)))) }
      }
      exponent += 1
    }
    return ticks
  }

  /// A tick label: `0.001`, `20`, `1e-5`, `2.5`.
  static func label(_ value: Double) -> String {
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e-3 && magnitude < 1e5 {
      var text = String(format: "%.6g", value)
      if text.contains("e") { text = String(format: "%.4f", value) }
      return text.replacingOccurrences(of: "-", with: "−")
    }
    return String(format: "%.0e", value).replacingOccurrences(of: "e-0", with: "e-")
      .replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
      .replacingOccurrences(of: "-", with: "−")
  }

  private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
    "<line x1=\"\(Self.format(x1))\" y1=\"\(Self.format(y1))\" x2=\"\(Self.format(x2))\" y2=\"\(Self.format(y2))\"/>\n"
  }

  private func text(
    _ string: String, x: Double, y: Double, size: Double, anchor: String, bold: Bool = false
  ) -> String {
    "<text x=\"\(Self.format(x))\" y=\"\(Self.format(y))\" font-size=\"\(Self.format(size))\" "
      + "text-anchor=\"\(anchor)\"\(bold ? " font-weight=\"bold\"" : "") fill=\"#111111\">"
      + "\(TextMetrics.escapedXML(string))</text>\n"
  }

  static func format(_ value: Double) -> String { SVGGraphWriter.format(value) }
}
