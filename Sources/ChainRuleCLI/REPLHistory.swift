import Foundation

/// The REPL's lines, kept between sessions in a file in the user's home (`~/.chainrule_history`,
/// one line each, like a shell's history). Without a file the history lasts for the session.
struct REPLHistory {
  /// The most lines kept.
  static let limit = 1000
  /// The file, or nil to keep the history in memory only.
  let path: String?
  /// The lines, oldest first.
  private(set) var entries: [String] = []

  /// `$HOME/.chainrule_history`, or nil when `HOME` is not set.
  static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return URL(fileURLWithPath: home).appendingPathComponent(".chainrule_history").path
  }

  /// Loads the history from `path` (an unreadable or missing file is an empty history).
  init(path: String?) {
    self.path = path
    guard let path, let data = FileManager.default.contents(atPath: path) else { return }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    entries = Array(lines.suffix(Self.limit))
    if lines.count > 2 * Self.limit { rewrite() }
  }

  /// Records a typed line: not an empty one, nor one that repeats the line before it.
  mutating func add(_ rawLine: String) {
    let line = rawLine.trimmingCharacters(in: .whitespaces)
    guard !line.isEmpty, !line.contains("\n"), line != entries.last else { return }
    entries.append(line)
    if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
    guard let path else { return }
    // Appended at once, so a session that ends abruptly keeps its lines.
    if let handle = FileHandle(forWritingAtPath: path) {
      handle.seekToEndOfFile()
      handle.write(Data((line + "\n").utf8))
      handle.closeFile()
    } else {
      FileManager.default.createFile(atPath: path, contents: Data((line + "\n").utf8))
    }
  }

  /// `:history`: the lines, numbered.
  var listing: String {
    guard !entries.isEmpty else { return "no history yet\n" }
    let width = String(entries.count).count
    return entries.enumerated().map { index, line in
      let number = String(index + 1)
      return String(repeating: " ", count: width - number.count) + number + "  " + line + "\n"
    }.joined()
  }

  private func rewrite() {
    guard let path else { return }
    FileManager.default.createFile(atPath: path, contents: Data(entries.map { $0 + "\n" }.joined().utf8))
  }
}
