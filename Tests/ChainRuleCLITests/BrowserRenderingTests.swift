import ChainRuleCLI
import Foundation
import Testing

/// The pictures as a person sees them: headless Chromium draws every SVG of one page (one
/// browser run for all), and each picture's part of the screenshot must not be blank. A blank
/// and a malformed SVG on the same page show that the check tells them apart.
@Suite struct BrowserRenderingTests {
  static let cell = (width: 800, height: 600)

  /// The pictures drawn: a name and the chainrule arguments that write it (`-o`/`--plot` added).
  static let pictures: [(name: String, arguments: [String])] = [
    ("toy-graph", ["graph", "-f", GraphCommandTests.example("toy-model.chain"), "--at", TraceSnapshotTests.toyPoint]),
    (
      "sigmoid-graph",
      ["graph", "-f", GraphCommandTests.example("sigmoid-network.chain"), "--at", TraceSnapshotTests.sigmoidPoint]
    ),
    ("deep-chain-graph", ["graph", "-f", GraphCommandTests.example("deep-chain.chain")]),
    (
      "training",
      [
        "train", "(b + w*x - y)^2", "--data", TrainPlotTests.data, "--lr", "0.1", "--epochs", "20", "--batch", "8",
        "--compare",
      ]
    ),
  ]

  @Test(
    "every SVG renders in Chromium, not blank",
    .enabled(
      if: Chromium.path != nil || ProcessInfo.processInfo.environment["CI"] != nil,
      "chromium is not installed (apt-get install -y chromium; .ci/run installs it)"))
  func everyPictureRendersInChromium() throws {
    let chromium = try #require(Chromium.path, "chromium is missing: .ci/run installs it")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-browser-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }

    var files: [String] = []
    for (name, arguments) in Self.pictures {
      let path = directory.appendingPathComponent("\(name).svg").path
      let option = arguments[0] == "train" ? "--plot" : "-o"
      let result = chainrule(arguments + [option, path])
      #expect(result.exitCode == 0, "\(name): \(result.stderr)")
      files.append("\(name).svg")
      // Every step of the trace is named in the picture's text.
      if arguments[0] == "graph" {
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        let texts = GraphCommandTests.parse(svg).texts
        for step in GraphCommandTests.stepNames(Array(arguments.dropFirst())) {
          #expect(texts.contains { $0.hasPrefix(step + " = ") }, "\(name): no box for \(step)")
        }
      }
    }
    // The controls: a white picture and a malformed one.
    try
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"300\"><rect width=\"400\" height=\"300\" fill=\"#fff\"/></svg>"
      .write(to: directory.appendingPathComponent("blank.svg"), atomically: true, encoding: .utf8)
    try "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"300\"><text>unclosed"
      .write(to: directory.appendingPathComponent("malformed.svg"), atomically: true, encoding: .utf8)
    files += ["blank.svg", "malformed.svg"]

    // One page, one picture per cell, each scaled to fit its cell.
    let (width, height) = Self.cell
    var page = """
      <!DOCTYPE html><html><head><meta charset="utf-8"><style>
      body { margin: 0; background: #ffffff; }
      div { width: \(width)px; height: \(height)px; display: flex; align-items: center; justify-content: center; }
      img { max-width: \(width)px; max-height: \(height)px; }
      </style></head><body>

      """
    for file in files { page += "<div><img src=\"\(file)\" alt=\"\"></div>\n" }
    page += "</body></html>\n"
    let html = directory.appendingPathComponent("page.html")
    try page.write(to: html, atomically: true, encoding: .utf8)
    let png = directory.appendingPathComponent("page.png")
    let run = try Chromium.screenshot(html, width: width, height: height * files.count, to: png, chromium: chromium)
    #expect(run.status == 0, "chromium failed:\n\(run.log.suffix(2000))")
    let image = try PNGImage(contentsOf: png)
    #expect(image.width == width && image.height == height * files.count)

    for (index, file) in files.enumerated() {
      let stats = image.statistics(rows: index * height..<(index + 1) * height, columns: 0..<width)
      let isControl = file == "blank.svg" || file == "malformed.svg"
      // A drawn picture: lines and text, far from uniform (the pictures measure a variance of
      // 100 to 400 and 1 to 3 % dark pixels; the blank and the malformed one 0).
      let drawn = stats.variance > 20 && stats.inked > 0.002
      #expect(drawn != isControl, "\(file): variance \(stats.variance), \(stats.inked * 100)% inked")
    }
  }
}
