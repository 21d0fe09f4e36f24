import Foundation

/// What the REPL reads next: a line, a line abandoned with Ctrl-C, or the end (Ctrl-D).
enum REPLInput: Equatable, Sendable {
  case line(String)
  case interrupt
  case end
}

/// Where the REPL's input comes from: a terminal, or a script in tests and piped input.
protocol REPLInputSource {
  /// Whether a person types at a terminal (then leaving with Ctrl-D ends the prompt's line).
  var isInteractive: Bool { get }
  /// The next input; `history` holds the earlier lines, oldest first, for ↑ and ↓.
  mutating func next(prompt: String, history: [String]) -> REPLInput
}

/// Input given in advance, one ``REPLInput`` after another, then ``REPLInput/end``.
struct ScriptedInput: REPLInputSource {
  var inputs: [REPLInput]
  var isInteractive: Bool

  init(_ inputs: [REPLInput], isInteractive: Bool = false) {
    self.inputs = inputs
    self.isInteractive = isInteractive
  }

  mutating func next(prompt: String, history: [String]) -> REPLInput {
    inputs.isEmpty ? .end : inputs.removeFirst()
  }
}

/// The editing of one line, key by key, apart from the terminal so it can be tested byte by byte.
///
/// Keys: printable text (UTF-8) inserts at the cursor; ← → (Ctrl-B, Ctrl-F), Home End (Ctrl-A,
/// Ctrl-E) move; Backspace and Delete remove; Ctrl-U and Ctrl-K cut to the start or end; ↑ ↓
/// (Ctrl-P, Ctrl-N) walk the history; Enter ends the line; Ctrl-C abandons it; Ctrl-D on an
/// empty line ends the input.
struct LineEditor {
  /// The line so far.
  private(set) var buffer: [Character] = []
  /// The cursor, as an index into ``buffer``.
  private(set) var cursor = 0
  private let history: [String]
  /// The history entry shown, or `history.count` for the line being typed.
  private var historyIndex: Int
  /// The line being typed, kept while the history is shown.
  private var draft: [Character] = []
  /// Bytes of an escape sequence or a UTF-8 character not yet complete.
  private var pending: [UInt8] = []

  init(history: [String] = []) {
    self.history = history
    historyIndex = history.count
  }

  /// The line as text.
  var text: String { String(buffer) }

  /// Takes one byte; returns the input once the line is finished.
  mutating func feed(_ byte: UInt8) -> REPLInput? {
    if let first = pending.first {
      pending.append(byte)
      if first == 0x1B { escapeSequence() } else { utf8Character() }
      return nil
    }
    switch byte {
    case 0x03: return .interrupt
    case 0x04:
      if buffer.isEmpty { return .end }
      if cursor < buffer.count { buffer.remove(at: cursor) }
    case 0x0A, 0x0D: return .line(text)
    case 0x7F, 0x08:
      if cursor > 0 {
        buffer.remove(at: cursor - 1)
        cursor -= 1
      }
    case 0x01: cursor = 0
    case 0x05: cursor = buffer.count
    case 0x02: cursor = max(0, cursor - 1)
    case 0x06: cursor = min(buffer.count, cursor + 1)
    case 0x15:
      buffer.removeSubrange(0..<cursor)
      cursor = 0
    case 0x0B: buffer.removeSubrange(cursor...)
    case 0x10: recall(by: -1)
    case 0x0E: recall(by: 1)
    case 0x1B, 0xC0...0xF7: pending = [byte]
    case 0x20...0x7E: insert(Character(Unicode.Scalar(byte)))
    default: break  // other control keys (and stray continuation bytes) do nothing
    }
    return nil
  }

  private mutating func insert(_ character: Character) {
    buffer.insert(character, at: cursor)
    cursor += 1
  }

  /// Shows the previous (`-1`) or next (`+1`) history entry.
  private mutating func recall(by step: Int) {
    let index = historyIndex + step
    guard index >= 0 && index <= history.count else { return }
    if historyIndex == history.count { draft = buffer }
    historyIndex = index
    buffer = index == history.count ? draft : Array(history[index])
    cursor = buffer.count
  }

  /// `ESC [ A` and friends: arrows, Home, End, Delete; anything else is dropped once complete.
  private mutating func escapeSequence() {
    guard pending.count >= 2 else { return }
    guard pending[1] == UInt8(ascii: "[") || pending[1] == UInt8(ascii: "O") else {
      pending = []
      return
    }
    guard let last = pending.last, pending.count > 2, (0x40...0x7E).contains(last) else { return }
    let parameter = String(decoding: pending.dropFirst(2).dropLast(), as: UTF8.self)
    pending = []
    switch (Character(Unicode.Scalar(last)), parameter) {
    case ("A", _): recall(by: -1)
    case ("B", _): recall(by: 1)
    case ("C", _): cursor = min(buffer.count, cursor + 1)
    case ("D", _): cursor = max(0, cursor - 1)
    case ("H", _), ("~", "1"), ("~", "7"): cursor = 0
    case ("F", _), ("~", "4"), ("~", "8"): cursor = buffer.count
    case ("~", "3"): if cursor < buffer.count { buffer.remove(at: cursor) }
    default: break
    }
  }

  /// Collects a multi-byte UTF-8 character and inserts it when complete.
  private mutating func utf8Character() {
    let first = pending[0]
    let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
    guard pending.count == length || pending.last.map({ $0 & 0xC0 != 0x80 }) == true else { return }
    let bytes = pending
    pending = []
    for character in String(decoding: bytes, as: UTF8.self) where character != "\u{FFFD}" { insert(character) }
  }
}

/// The terminal as REPL input: each line edited with ``LineEditor`` in raw mode, the terminal's
/// own settings restored between lines (so output and a long computation behave as usual).
final class TerminalInput: REPLInputSource {
  let isInteractive = true
  private let original: termios

  /// Nil when standard input is not a terminal.
  init?() {
    var settings = termios()
    guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return nil }
    original = settings
  }

  func next(prompt: String, history: [String]) -> REPLInput {
    var raw = original
    // Keys arrive one by one and unechoed; Ctrl-C arrives as a byte instead of a signal.
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
    withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
      bytes[Int(VMIN)] = 1
      bytes[Int(VTIME)] = 0
    }
    var settings = original
    guard tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0 else {
      write(prompt)
      return readLine().map { .line($0) } ?? .end
    }
    defer { tcsetattr(STDIN_FILENO, TCSADRAIN, &settings) }
    var editor = LineEditor(history: history)
    write(prompt)
    while true {
      var byte: UInt8 = 0
      let count = read(STDIN_FILENO, &byte, 1)
      if count < 0 && errno == EINTR { continue }
      guard count == 1 else { return .end }
      if let input = editor.feed(byte) {
        switch input {
        case .line: write("\n")
        case .interrupt: write("^C\n")
        case .end: break
        }
        return input
      }
      // Redraw: the prompt and the line, cleared to the end, the cursor put back in place.
      let back = editor.buffer.count - editor.cursor
      write("\r" + prompt + editor.text + "\u{1B}[K" + (back > 0 ? "\u{1B}[\(back)D" : ""))
    }
  }

  private func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}

/// Ctrl-C while a line is being worked on (the terminal is not in raw mode then): noted, so the
/// session goes on instead of ending.
enum InterruptSignal {
  nonisolated(unsafe) private static var received: sig_atomic_t = 0

  /// Routes SIGINT to the flag for the rest of the process.
  static func install() {
    signal(SIGINT) { _ in InterruptSignal.received = 1 }
  }

  /// Whether Ctrl-C came since the last call.
  static func take() -> Bool {
    defer { received = 0 }
    return received != 0
  }
}
