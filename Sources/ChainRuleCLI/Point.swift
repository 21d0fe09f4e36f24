import ChainRule

/// Parses the `--at` and `--wrt` option values.
enum OptionValues {
  /// `a=1.5,b=-2` → values by canonical name, in the order given.
  static func point(_ text: String, command: String) throws(CommandError) -> [(String, Double)] {
    var result: [(String, Double)] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: true) {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let name = Parser.canonicalName(parts[0]) else {
        throw .usage(
          "--at expects name=value pairs separated by commas, e.g. x=1.5,y=-2; found '\(item)'", command: command)
      }
      let valueText = parts[1].trimmingCharacters(in: " ").replacingMinus()
      guard let value = Double(valueText), value.isFinite else {
        let problem = Double(valueText) == nil ? "is not a number" : "is not a finite number"
        throw .usage("--at: '\(parts[1])' \(problem) (for \(name))", command: command)
      }
      if result.contains(where: { $0.0 == name }) {
        throw .usage("--at gives '\(name)' twice", command: command)
      }
      result.append((name, value))
    }
    return result
  }

  /// `a,b,β₀` → canonical names.
  static func names(_ text: String, option: String, command: String) throws(CommandError) -> [String] {
    var names: [String] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: true) {
      guard let name = Parser.canonicalName(String(item)) else {
        throw .usage(
          "\(option) expects names separated by commas, e.g. beta0,omega0; found '\(item)'", command: command)
      }
      if !names.contains(name) { names.append(name) }
    }
    guard !names.isEmpty else { throw .usage("\(option) needs at least one name", command: command) }
    return names
  }
}

extension String {
  func trimmingCharacters(in set: Character) -> String {
    String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
  }

  func replacingMinus() -> String {
    String(map { $0 == "−" ? "-" : $0 })
  }
}
