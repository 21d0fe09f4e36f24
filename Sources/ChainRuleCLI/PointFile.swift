import ChainRule
import Foundation

/// A point read from a file: `--at @point.txt`.
///
/// A point with thousands of values does not fit on a command line (the kernel limits the
/// length of the arguments), so every option that takes a point also takes `@FILE`. The file
/// holds the point in one of three forms, told apart by their first character and line:
///
/// ```
/// x=0.7, y=0.2          name=value pairs, separated by commas or line breaks;
/// b0=-0.3               `#` starts a comment to the end of the line
///
/// x,y,b0                CSV: a header row of names and one row of values
/// 0.7,0.2,-0.3
///
/// {"x": 0.7, "b0": -0.3}   a JSON object of numbers
/// ```
///
/// Values are read as `--at` reads them (decimal numbers, finite, exact); a name given twice
/// is refused. Problems are reported with the file's name, line and column, and a caret.
enum PointFile {
  /// The point in the file at `path`, in the order written.
  static func read(_ path: String, command: String) throws(CommandError) -> [(String, Double)] {
    guard !path.isEmpty else {
      throw .usage("--at @FILE needs a file name after '@', e.g. --at @point.txt", command: command)
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .input(.message("cannot read the point file '\(path)' (--at @\(path)): no such file"))
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
      throw .input(.message("cannot read the point file '\(path)' (--at @\(path))"))
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .input(.message("the point file '\(path)' is not valid UTF-8 text"))
    }
    do {
      return try parse(text)
    } catch {
      throw .input(.diagnostic(error, source: text, sourceName: path))
    }
  }

  /// The point written in `text`, in any of the three forms.
  static func parse(_ text: String) throws(Diagnostic) -> [(String, Double)] {
    var reader = Reader(bytes: Array(text.utf8))
    reader.skipSpaceAndComments()
    if reader.peek == UInt8(ascii: "{") { return try reader.jsonObject() }
    let lines = reader.lines()
    guard let first = lines.first else {
      throw Diagnostic(
        .expected("a point such as x=0.7, y=0.2", found: "an empty file"), at: SourceSpan(start: 0, end: 0))
    }
    if reader.contains(UInt8(ascii: "="), in: first) {
      var point = PointBuilder()
      for line in lines {
        for item in reader.split(line, at: UInt8(ascii: ",")) {
          guard let equals = reader.firstIndex(of: UInt8(ascii: "="), in: item) else {
            throw Diagnostic(.expected("name=value", found: "'\(reader.text(item))'"), at: item)
          }
          let name = reader.trimmed(SourceSpan(start: item.start, end: equals))
          let value = reader.trimmed(SourceSpan(start: equals + 1, end: item.end))
          try point.add(name: name, value: value, reader)
        }
      }
      return point.values
    }
    // CSV: one header row of names, one row of values.
    guard lines.count == 2 else {
      let found = lines.count == 1 ? "only a header row" : "a third row"
      throw Diagnostic(
        .expected("a header row of names and one row of values (or name=value pairs)", found: found),
        at: lines.count == 1 ? lines[0] : lines[2])
    }
    let names = reader.split(lines[0], at: UInt8(ascii: ","))
    let values = reader.split(lines[1], at: UInt8(ascii: ","))
    guard names.count == values.count else {
      let extra = values.count > names.count ? values[names.count] : SourceSpan(start: lines[1].end, end: lines[1].end)
      throw Diagnostic(
        .expected("\(names.count) values, one under each name of the header", found: "\(values.count)"), at: extra)
    }
    var point = PointBuilder()
    for (name, value) in zip(names, values) {
      try point.add(name: reader.trimmed(name), value: reader.trimmed(value), reader)
    }
    return point.values
  }
}

/// The point as it is read: values in order, each name once.
private struct PointBuilder {
  var values: [(String, Double)] = []
  /// Where each name was first given.
  var seen: [String: SourceSpan] = [:]

  mutating func add(name nameSpan: SourceSpan, value valueSpan: SourceSpan, _ reader: Reader) throws(Diagnostic) {
    let nameText = reader.text(nameSpan)
    guard let name = Parser.canonicalName(nameText) else {
      let found = nameText.isEmpty ? "nothing" : "'\(nameText)'"
      throw Diagnostic(.expected("a name such as x, beta0 or w_h1", found: found), at: nameSpan)
    }
    try add(name: name, at: nameSpan, valueText: reader.text(valueSpan), at: valueSpan, reader)
  }

  mutating func add(
    name: String, at nameSpan: SourceSpan, valueText: String, at valueSpan: SourceSpan, _ reader: Reader
  ) throws(Diagnostic) {
    if let first = seen[name] {
      let line = reader.lineNumber(of: first.start)
      throw Diagnostic(
        .expected("each name once", found: "'\(name)' again (first given on line \(line))"), at: nameSpan)
    }
    seen[name] = nameSpan
    let value: Double
    do {
      value = try Parser.decimalNumber(valueText)
    } catch {
      switch error.kind {
      case .numberOutOfRange, .numberUnderflows, .integerNotExact: throw Diagnostic(error.kind, at: valueSpan)
      default:
        let lowered = valueText.lowercased()
        let what =
          ["inf", "+inf", "-inf", "infinity", "-infinity", "nan", "-nan"].contains(lowered)
          ? "a finite number" : "a decimal number such as 1.5, -2 or 1e-3"
        let found = valueText.isEmpty ? "nothing" : "'\(valueText)'"
        throw Diagnostic(.expected("\(what) for \(name)", found: found), at: valueSpan)
      }
    }
    values.append((name, value))
  }
}

/// The file's bytes, with spans (byte offsets) for lines, items and JSON tokens.
private struct Reader {
  let bytes: [UInt8]
  var position = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
    // A byte-order mark is not part of the point.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  func text(_ span: SourceSpan) -> String { String(decoding: bytes[span.start..<span.end], as: UTF8.self) }

  static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

  /// Skips spaces, line breaks and `#` comments.
  mutating func skipSpaceAndComments() {
    while let byte = peek {
      if Self.isSpace(byte) {
        position += 1
      } else if byte == UInt8(ascii: "#") {
        while let next = peek, next != 0x0A { position += 1 }
      } else {
        return
      }
    }
  }

  /// The lines from the current position that hold anything but spaces and a comment, each
  /// without its comment.
  func lines() -> [SourceSpan] {
    var result: [SourceSpan] = []
    var start = position
    while start < bytes.count {
      var end = start
      while end < bytes.count, bytes[end] != 0x0A { end += 1 }
      var content = start
      while content < end, bytes[content] != UInt8(ascii: "#") { content += 1 }
      let line = trimmed(SourceSpan(start: start, end: content))
      if line.start < line.end { result.append(line) }
      start = end + 1
    }
    return result
  }

  func firstIndex(of byte: UInt8, in span: SourceSpan) -> Int? {
    (span.start..<span.end).first { bytes[$0] == byte }
  }

  func contains(_ byte: UInt8, in span: SourceSpan) -> Bool { firstIndex(of: byte, in: span) != nil }

  /// The items of `span` between `separator`s; a separator at the end of a line is allowed.
  func split(_ span: SourceSpan, at separator: UInt8) -> [SourceSpan] {
    var items: [SourceSpan] = []
    var start = span.start
    for index in span.start..<span.end where bytes[index] == separator {
      items.append(SourceSpan(start: start, end: index))
      start = index + 1
    }
    let last = SourceSpan(start: start, end: span.end)
    if trimmed(last).start < last.end || items.isEmpty { items.append(last) }
    return items
  }

  /// `span` without spaces at either end.
  func trimmed(_ span: SourceSpan) -> SourceSpan {
    var (start, end) = (span.start, span.end)
    while start < end, Self.isSpace(bytes[start]) { start += 1 }
    while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
    return SourceSpan(start: start, end: end)
  }

  /// The line (from 1) holding byte `offset`.
  func lineNumber(of offset: Int) -> Int {
    1 + bytes[0..<min(offset, bytes.count)].lazy.filter { $0 == 0x0A }.count
  }

  // MARK: JSON

  /// `{"name": number, …}` and nothing after it.
  mutating func jsonObject() throws(Diagnostic) -> [(String, Double)] {
    try expect(UInt8(ascii: "{"), "'{'")
    var point = PointBuilder()
    skipSpace()
    if peek == UInt8(ascii: "}") {
      position += 1
    } else {
      while true {
        skipSpace()
        let (key, keySpan) = try jsonString()
        skipSpace()
        try expect(UInt8(ascii: ":"), "':' after the name")
        skipSpace()
        let valueSpan = jsonNumber()
        guard valueSpan.start < valueSpan.end else {
          throw Diagnostic(
            .expected("a number for \(key)", found: found()), at: SourceSpan(start: position, end: position + 1))
        }
        guard let name = Parser.canonicalName(key) else {
          throw Diagnostic(.expected("a name such as x, beta0 or w_h1", found: "'\(key)'"), at: keySpan)
        }
        try point.add(name: name, at: keySpan, valueText: text(valueSpan), at: valueSpan, self)
        skipSpace()
        if peek == UInt8(ascii: ",") {
          position += 1
          continue
        }
        try expect(UInt8(ascii: "}"), "',' or '}'")
        break
      }
    }
    skipSpace()
    guard position == bytes.count else {
      throw Diagnostic(.expected("the end of the file after the JSON object", found: found()), at: here)
    }
    return point.values
  }

  var here: SourceSpan { SourceSpan(start: position, end: min(position + 1, bytes.count)) }

  func found() -> String {
    guard position < bytes.count else { return "the end of the file" }
    var end = position + 1
    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
    return "'\(text(SourceSpan(start: position, end: end)))'"
  }

  mutating func skipSpace() {
    while let byte = peek, Self.isSpace(byte) { position += 1 }
  }

  mutating func expect(_ byte: UInt8, _ what: String) throws(Diagnostic) {
    guard peek == byte else { throw Diagnostic(.expected(what, found: found()), at: here) }
    position += 1
  }

  /// A JSON string (the name) and its span, quotes included.
  mutating func jsonString() throws(Diagnostic) -> (String, SourceSpan) {
    let start = position
    try expect(UInt8(ascii: "\""), "a name in double quotes")
    var scalars = String.UnicodeScalarView()
    var content = position
    while true {
      guard let byte = peek, byte != 0x0A else {
        throw Diagnostic(.expected("'\"' to close the name", found: found()), at: here)
      }
      if byte == UInt8(ascii: "\"") { break }
      if byte == UInt8(ascii: "\\") {
        scalars.append(contentsOf: text(SourceSpan(start: content, end: position)).unicodeScalars)
        position += 1
        guard let escaped = peek else { continue }
        position += 1
        switch escaped {
        case UInt8(ascii: "u"):
          guard position + 4 <= bytes.count,
            let code = UInt32(text(SourceSpan(start: position, end: position + 4)), radix: 16),
            let scalar = Unicode.Scalar(code)
          else {
            throw Diagnostic(.expected("four hexadecimal digits of a character after \\u", found: found()), at: here)
          }
          scalars.append(scalar)
          position += 4
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escaped))
        default:
          throw Diagnostic(
            .expected("an escape a name can hold (\\\", \\\\, \\/ or \\u)", found: "'\\\(Unicode.Scalar(escaped))'"),
            at: SourceSpan(start: position - 2, end: position))
        }
        content = position
      } else {
        position += 1
      }
    }
    scalars.append(contentsOf: text(SourceSpan(start: content, end: position)).unicodeScalars)
    position += 1
    return (String(scalars), SourceSpan(start: start, end: position))
  }

  /// The span of the characters a JSON number may hold (checked by `Parser.decimalNumber`).
  mutating func jsonNumber() -> SourceSpan {
    let start = position
    while let byte = peek,
      byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
        || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || (byte >= 0x30 && byte <= 0x39)
        || (byte >= 0x41 && byte <= 0x7A)
    {
      position += 1
    }
    return SourceSpan(start: start, end: position)
  }
}
