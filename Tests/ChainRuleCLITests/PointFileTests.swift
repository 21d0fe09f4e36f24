import Foundation
import Testing

/// `--at @FILE`: the point read from a file as name=value pairs, CSV or a JSON object.
@Suite("Point files")
struct PointFileTests {
  /// A temporary file holding `text`; removed by the caller.
  static func file(_ text: String, name: String = "point") -> String {
    let path = NSTemporaryDirectory() + "chainrule-\(name)-\(UUID().uuidString).txt"
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
  }

  static let inline = chainrule("diff", "sin(x)^2*y", "--at", "x=1,y=2")

  @Test(
    "Every form of a point file gives what --at x=1,y=2 gives",
    arguments: [
      "x=1,y=2\n",
      "x = 1\ny = 2\n",
      "# the point\nx=1, # first\n\ny=2",
      "x,y\n1,2\n",
      " x , y \r\n 1 , 2 \r\n",
      "{\"x\": 1, \"y\": 2}",
      "{ \"x\" : 1.0e0 ,\n  \"y\" : 2 }\n",
      "\u{FEFF}x=1,y=2",
    ])
  func sameAsInline(text: String) {
    let path = Self.file(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = chainrule("diff", "sin(x)^2*y", "--at", "@" + path)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout == Self.inline.stdout)
    #expect(result.stdout.contains("2·sin(1)·cos(1)·2") || result.stdout.contains("1.416"))
  }

  @Test("Names in any spelling, in JSON with escapes too")
  func spellings() {
    let path = Self.file("{\"\\u03b2\\u2080\": 0.5, \"omega_0\": 2, \"x\": 3}")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = chainrule("diff", "beta0 + omega0*x", "--at", "@" + path, "--format", "json")
    #expect(result.exitCode == 0, "\(result.stderr)")
    guard let document = JSONDocument(result.stdout) else { return }
    #expect(jsonNumber(document.object["value"]) == 6.5)
  }

  @Test(
    "Every command that takes --at takes @FILE",
    arguments: [
      ["check", "sin(x)^2*y"], ["trace", "sin(x)^2*y"], ["latex", "sin(x)^2*y"], ["graph", "sin(x)^2*y"],
      ["grade", "sin(x)^2*y", "--trace", "--answer", "dl/dx = 2*sin(x)*cos(x)*y"],
    ])
  func everyCommand(command: [String]) {
    let path = Self.file("x,y\n1,2\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let fromFile = chainrule(command + ["--at", "@" + path])
    let inline = chainrule(command + ["--at", "x=1,y=2"])
    #expect(fromFile.exitCode == inline.exitCode, "\(fromFile.stderr)")
    #expect(fromFile.stdout == inline.stdout)
    #expect(!fromFile.stdout.isEmpty)
  }

  @Test("A missing file is named")
  func missingFile() {
    let result = chainrule("diff", "x", "--at", "@/nonexistent/point.txt")
    #expect(result.exitCode == 1)
    #expect(
      result.stderr
        == "error: cannot read the point file '/nonexistent/point.txt' (--at @/nonexistent/point.txt): no such file\n")
    let empty = chainrule("diff", "x", "--at", "@")
    #expect(empty.exitCode == 64)
    #expect(empty.stderr.contains("--at @FILE needs a file name after '@'"))
  }

  struct Bad: CustomTestStringConvertible, Sendable {
    var text: String
    /// The message, the `--> file:line:column` location, and what the caret line shows.
    var message: String
    var location: String
    var caret: String
    var testDescription: String { message }
  }

  @Test(
    "Problems in a point file are reported at their line and column",
    arguments: [
      Bad(
        text: "x=1\ny=abc\n", message: "expected a decimal number such as 1.5, -2 or 1e-3 for y, found 'abc'",
        location: ":2:3", caret: "2 | y=abc\n  |   ^^^"),
      Bad(
        text: "x=1\nx=2\n", message: "expected each name once, found 'x' again (first given on line 1)",
        location: ":2:1", caret: "2 | x=2\n  | ^"),
      Bad(text: "x=1\ny\n", message: "expected name=value, found 'y'", location: ":2:1", caret: "2 | y\n  | ^"),
      Bad(text: "x=inf,y=2", message: "expected a finite number for x, found 'inf'", location: ":1:3", caret: "^^^"),
      Bad(
        text: "x=1e999,y=2", message: "the number 1e999 is too large for a 64-bit float", location: ":1:3",
        caret: "^^^^^"),
      Bad(
        text: "2x=1,y=2", message: "expected a name such as x, beta0 or w_h1, found '2x'", location: ":1:1", caret: "^^"
      ),
      Bad(
        text: "x,y\n1,2,3\n", message: "expected 2 values, one under each name of the header, found 3",
        location: ":2:5",
        caret: "2 | 1,2,3\n  |     ^"),
      Bad(
        text: "x,y\n1,2\n3,4\n",
        message: "expected a header row of names and one row of values (or name=value pairs), found a third row",
        location: ":3:1", caret: "^^^"),
      Bad(text: "x,y\n", message: "found only a header row", location: ":1:1", caret: "^^^"),
      Bad(text: "{\"x\": 1, \"x\": 2, \"y\": 1}", message: "found 'x' again", location: ":1:10", caret: "^^^"),
      Bad(
        text: "{\"x\": true, \"y\": 1}",
        message: "expected a decimal number such as 1.5, -2 or 1e-3 for x, found 'true'", location: ":1:7",
        caret: "^^^^"),
      Bad(text: "{\"x\": 1 \"y\": 1}", message: "expected ',' or '}', found '\"'", location: ":1:9", caret: "^"),
      Bad(
        text: "{\"x\": 1}\n{", message: "expected the end of the file after the JSON object, found '{'",
        location: ":2:1", caret: "^"),
      Bad(
        text: "", message: "expected a point such as x=0.7, y=0.2, found an empty file", location: ":1:1", caret: "^"),
    ])
  func problems(bad: Bad) {
    let path = Self.file(bad.text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = chainrule("diff", "x + y", "--at", "@" + path)
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("error: "))
    #expect(result.stderr.contains(bad.message), "\(result.stderr)")
    #expect(result.stderr.contains("--> \(path)\(bad.location)\n"), "\(result.stderr)")
    #expect(result.stderr.contains(bad.caret), "\(result.stderr)")
  }

  @Test("A point of 12,004 values, over what one command-line argument may hold, traces a 6,000-layer chain")
  func largePoint() {
    let layers = 6_000
    let functions = ["sin", "cos", "tanh"]
    var source = "f0 = b0 + w0*x\n"
    var point = "x,y"
    var values = "0.7,0.2"
    for k in 0...layers {
      if k > 0 { source += "f\(k) = b\(k) + w\(k)*\(functions[(k - 1) % 3])(f\(k - 1))\n" }
      point += ",b\(k),w\(k)"
      values += ",\(0.1 * Double(k % 7) - 0.3),\(0.5 + 0.05 * Double(k % 5))"
    }
    source += "l = (f\(layers) - y)^2\n"
    let chain = Self.file(source, name: "chain")
    let path = Self.file(point + "\n" + values + "\n")
    defer {
      try? FileManager.default.removeItem(atPath: chain)
      try? FileManager.default.removeItem(atPath: path)
    }
    #expect((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).flatMap { $0 } ?? 0 > 131_072)
    let result = chainrule("trace", "-f", chain, "--at", "@" + path, "--format", "json")
    #expect(result.exitCode == 0, "\(result.stderr.prefix(400))")
    guard let document = JSONDocument(result.stdout) else { return }
    #expect(document.object.keys.contains("forward"), "\(document.object.keys.sorted())")
  }
}
