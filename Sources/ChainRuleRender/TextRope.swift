/// Printed texts kept as a rope: a text is either a run of bytes or a list of earlier texts, so
/// a parent refers to its operands' texts instead of copying them.
///
/// Printing an expression of depth N as nested text copies each operand into its parent; done
/// for every node, that is O(N²) bytes. Here a text longer than ``inlineLimit`` is kept as a
/// list of references, so storing the text of every node costs O(nodes) and writing one out
/// costs its length. Short texts are copied, as before, which is cheaper than a reference for
/// the small formulas most prints are. A text's length, and the few facts about its first and
/// last characters that LaTeX spacing needs, are recorded when it is built, so neither asks for
/// the text itself.
///
/// The bytes live in one growable buffer; a ``Piece`` stays valid for the rope's lifetime.
final class TextRope {
  /// A text stored in the rope.
  struct Piece: Hashable {
    fileprivate let index: Int32
  }

  /// Facts about a text that decide how LaTeX joins factors, recorded when it is built.
  struct Edges: OptionSet, Hashable {
    let rawValue: UInt8
    /// The first character is an ASCII digit.
    static let startsWithDigit = Edges(rawValue: 1)
    /// The text opens with `\left(` or `\bigl(`.
    static let startsWithBracket = Edges(rawValue: 2)
    /// Every character is a digit, `.` or `-`: a plain number.
    static let isNumeral = Edges(rawValue: 4)
    /// The text holds `\times` (a number in scientific notation).
    static let containsTimes = Edges(rawValue: 8)
  }

  /// Texts up to this many bytes are copied into their parent rather than referred to.
  static let inlineLimit = 192

  private struct Node {
    /// A run of bytes: its offset in `storage`; a list: its first entry in `children`.
    var start: Int32
    /// The number of bytes, or of children.
    var count: Int32
    var isRun: Bool
    /// The edges once asked for (``edges(_:)`` computes them on first use).
    var edges: Edges?
    /// The length of the whole text in bytes, saturating at `Int.max`.
    var length: Int
  }

  // A rope is used from one thread at a time and never hands out `inout` access to these, so
  // they skip the runtime's exclusivity checks.
  @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
  @exclusivity(unchecked) private var used = 0
  @exclusivity(unchecked) private var capacity: Int
  @exclusivity(unchecked) private var nodes: [Node] = []
  @exclusivity(unchecked) private var children: [Int32] = []
  /// The parts of the texts being assembled that are not the bytes written since
  /// `segmentStart`: earlier pieces (≥ 0), or runs of `storage` (piece −1).
  @exclusivity(unchecked) private var pending: [(piece: Int32, start: Int, count: Int)] = []
  /// The parts in use are `pending[..<pendingCount]`; the array only grows, so popping is
  /// lowering the count.
  @exclusivity(unchecked) private var pendingCount = 0
  /// Where the bytes the innermost open assembly is writing begin.
  @exclusivity(unchecked) private var segmentStart = 0

  init(capacity: Int = 4_096) {
    self.capacity = Swift.max(16, capacity)
    storage = .allocate(capacity: self.capacity)
    nodes.reserveCapacity(64)
    pending.reserveCapacity(32)
  }

  deinit { storage.deallocate() }

  // MARK: Building

  /// Where an assembly starts; pass it to ``end(_:)``.
  struct Mark {
    fileprivate let pending: Int
  }

  /// Starts assembling a text from parts (assemblies may nest).
  func begin() -> Mark {
    closeSegment()
    return Mark(pending: pendingCount)
  }

  /// Adds an earlier text to the assembly: its bytes when it is a short run, else a reference.
  func add(_ piece: Piece) {
    let node = nodes[Int(piece.index)]
    if node.isRun && node.length <= Self.inlineLimit {
      let count = Int(node.count)
      reserve(count)
      (storage + used).initialize(from: storage + Int(node.start), count: count)
      used += count
    } else {
      closeSegment()
      push((piece.index, 0, 0))
    }
  }

  /// Adds literal text to the assembly.
  func add(_ text: StaticString) {
    write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Adds literal text to the assembly.
  func add(_ text: String) {
    var text = text
    text.withUTF8 { write($0) }
  }

  /// Ends the assembly begun at `mark` and returns its text: one run when its parts were all
  /// short (they were copied back to back), else a list referring to them.
  func end(_ mark: Mark) -> Piece {
    closeSegment()
    defer {
      pendingCount = mark.pending
      segmentStart = used
    }
    let parts = pending[mark.pending..<pendingCount]
    guard let first = parts.first else { return appendRun(start: used, count: 0) }
    if parts.count == 1 {
      return first.piece >= 0 ? Piece(index: first.piece) : appendRun(start: first.start, count: first.count)
    }
    var length = 0
    for part in parts { length = Self.adding(length, part.piece < 0 ? part.count : nodes[Int(part.piece)].length) }
    if length <= Self.inlineLimit {
      // Short parts only (a nested assembly split the bytes): copy them back to back.
      reserve(length)
      let start = used
      for part in parts {
        let (from, count) = part.piece < 0 ? (part.start, part.count) : run(of: part.piece)
        (storage + used).initialize(from: storage + from, count: count)
        used += count
      }
      return appendRun(start: start, count: length)
    }
    let firstChild = children.count
    for part in parts {
      children.append(part.piece >= 0 ? part.piece : appendRun(start: part.start, count: part.count).index)
    }
    nodes.append(Node(start: Int32(firstChild), count: Int32(parts.count), isRun: false, edges: nil, length: length))
    return Piece(index: Int32(nodes.count - 1))
  }

  /// Files the bytes written since `segmentStart` as a pending run.
  private func closeSegment() {
    if used > segmentStart { push((-1, segmentStart, used - segmentStart)) }
    segmentStart = used
  }

  private func push(_ part: (piece: Int32, start: Int, count: Int)) {
    if pendingCount < pending.count { pending[pendingCount] = part } else { pending.append(part) }
    pendingCount += 1
  }

  /// A text of its own.
  func text(_ literal: String) -> Piece {
    let mark = begin()
    add(literal)
    return end(mark)
  }

  // MARK: Reading

  /// The length of `piece` in bytes (saturating at `Int.max`).
  func length(_ piece: Piece) -> Int { nodes[Int(piece.index)].length }

  /// What LaTeX spacing needs to know of `piece`, found on first use.
  func edges(_ piece: Piece) -> Edges {
    let index = Int(piece.index)
    if let known = nodes[index].edges { return known }
    let node = nodes[index]
    var edges: Edges
    if node.isRun {
      edges = Self.edges(of: UnsafeBufferPointer(start: storage + Int(node.start), count: Int(node.count)))
    } else {
      edges = [.isNumeral]
      var first = true
      for k in Int(node.start)..<Int(node.start + node.count) {
        let child = Piece(index: children[k])
        if length(child) == 0 { continue }
        let childEdges = self.edges(child)
        if first { edges.formUnion(childEdges.intersection([.startsWithDigit, .startsWithBracket])) }
        first = false
        if !childEdges.contains(.isNumeral) { edges.remove(.isNumeral) }
        if childEdges.contains(.containsTimes) { edges.insert(.containsTimes) }
      }
    }
    nodes[index].edges = edges
    return edges
  }

  /// The text of `piece`.
  func string(_ piece: Piece) -> String {
    let node = nodes[Int(piece.index)]
    if node.isRun {
      return String(
        decoding: UnsafeBufferPointer(start: storage + Int(node.start), count: Int(node.count)), as: UTF8.self)
    }
    let length = node.length
    guard length < Int.max else { return "" }
    return String(unsafeUninitializedCapacity: length) { buffer in
      var position = 0
      forEachRun(of: piece) { run in
        _ = UnsafeMutableBufferPointer(rebasing: buffer[position...]).initialize(from: run)
        position += run.count
      }
      return position
    }
  }

  /// The first `limit` bytes of `piece` (all of it when shorter), without walking the rest.
  func prefix(_ piece: Piece, bytes limit: Int) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Swift.min(limit, length(piece)))
    forEachRun(of: piece) { run in
      guard bytes.count < limit else { return }
      bytes.append(contentsOf: run.prefix(limit - bytes.count))
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Calls `body` with the runs of `piece` in order, without recursion (a deep text cannot
  /// overflow the stack).
  func forEachRun(of piece: Piece, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var stack: [(node: Int32, next: Int32)] = [(piece.index, 0)]
    while let (index, next) = stack.last {
      let node = nodes[Int(index)]
      if node.isRun {
        stack.removeLast()
        body(UnsafeBufferPointer(start: storage + Int(node.start), count: Int(node.count)))
        continue
      }
      if next == node.count {
        stack.removeLast()
        continue
      }
      stack[stack.count - 1].next = next + 1
      stack.append((children[Int(node.start + next)], 0))
    }
  }

  // MARK: Storage

  private func run(of index: Int32) -> (start: Int, count: Int) {
    let node = nodes[Int(index)]
    return (Int(node.start), Int(node.count))
  }

  private func appendRun(start: Int, count: Int) -> Piece {
    nodes.append(Node(start: Int32(start), count: Int32(count), isRun: true, edges: nil, length: count))
    return Piece(index: Int32(nodes.count - 1))
  }

  /// The edges of a literal text, byte by byte.
  private static func edges(of bytes: UnsafeBufferPointer<UInt8>) -> Edges {
    var edges: Edges = [.isNumeral]
    guard let first = bytes.first else { return edges }
    if first >= 0x30 && first <= 0x39 { edges.insert(.startsWithDigit) }
    var hasBackslash = false
    for byte in bytes {
      if byte == 0x5C { hasBackslash = true }
      if !((byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x2D) { edges.remove(.isNumeral) }
    }
    guard hasBackslash else { return edges }
    if startsWith(bytes, at: 0, "\\left(") || startsWith(bytes, at: 0, "\\bigl(") { edges.insert(.startsWithBracket) }
    for offset in bytes.indices where bytes[offset] == 0x5C && startsWith(bytes, at: offset, "\\times") {
      edges.insert(.containsTimes)
      break
    }
    return edges
  }

  /// Whether `bytes` hold `pattern` at `offset`.
  private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ pattern: StaticString) -> Bool {
    let count = pattern.utf8CodeUnitCount
    guard offset + count <= bytes.count else { return false }
    for k in 0..<count where bytes[offset + k] != pattern.utf8Start[k] { return false }
    return true
  }

  /// Room for `extra` more bytes, doubling the storage when needed (offsets stay valid).
  @inline(__always)
  private func reserve(_ extra: Int) {
    guard used + extra > capacity else { return }
    var bigger = capacity * 2
    while used + extra > bigger { bigger *= 2 }
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
    moved.initialize(from: storage, count: used)
    storage.deallocate()
    storage = moved
    capacity = bigger
  }

  private func write(_ bytes: UnsafeBufferPointer<UInt8>) {
    reserve(bytes.count)
    if let source = bytes.baseAddress { (storage + used).initialize(from: source, count: bytes.count) }
    used += bytes.count
  }

  private static func adding(_ a: Int, _ b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
  }
}
