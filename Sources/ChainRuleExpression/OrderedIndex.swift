import ChainRuleSupport
import ChainRuleSyntax

/// Values keyed by node id, in insertion order: a linear scan while few, a dictionary after.
///
/// The canonical form collects like terms and like factors with it: a sum or product rarely has
/// more than a handful of distinct parts, where scanning an array beats hashing.
struct OrderedIndex<Value> {
  /// The keys and their values, in the order appended.
  private(set) var entries: [(key: NodeID, value: Value)] = []
  private var lookup: [NodeID: Int]? = nil
  private static var linearLimit: Int { 16 }

  /// An empty index with room for `capacity` entries.
  init(capacity: Int) { entries.reserveCapacity(capacity) }

  /// The number of entries.
  var count: Int { entries.count }

  /// The position of `key` among ``entries``, if present.
  func position(of key: NodeID) -> Int? {
    if let lookup { return lookup[key] }
    for position in entries.indices where entries[position].key == key { return position }
    return nil
  }

  /// The value at `position`.
  subscript(position: Int) -> Value {
    get { entries[position].value }
    set { entries[position].value = newValue }
  }

  /// Appends a key not yet present.
  mutating func append(_ key: NodeID, _ value: Value) {
    entries.append((key, value))
    if lookup != nil {
      lookup?[key] = entries.count - 1
    } else if entries.count > Self.linearLimit {
      var table: [NodeID: Int] = [:]
      for (position, entry) in entries.enumerated() { table[entry.key] = position }
      lookup = table
    }
  }
}
