import ChainRule

/// Parses the `--at` and `--wrt` option values.
enum OptionValues {
  /// `a=1.5,b=-2` → values by canonical name, in the order given.
  ///
  /// Values are decimal numbers as in a formula (`1.5`, `-2`, `1e-3`): `0x10`, `inf`, `nan`, a
  /// non-zero value a float would hold as 0 (`1e-400`) and an integer it cannot hold exactly
  /// are refused, as are empty items (`x=1,,y=2`) and a name given twice. `@FILE` reads the
  /// point from a file (``PointFile``).
  static func point(_ text: String, command: String) throws(CommandError) -> [(String, Double)] {
    if text.hasPrefix("@") { return try PointFile.read(String(text.dropFirst()), command: command) }
    var result: [(String, Double)] = []
    var seen: Set<String> = []
    for item in try items(of: text, option: "--at", command: command) {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let name = Parser.canonicalName(parts[0]) else {
        throw .usage(
          "--at expects name=value pairs separated by commas, e.g. x=1.5,y=-2; found '\(item)'", command: command)
      }
      let valueText = parts[1].trimmingCharacters(in: " ")
      let value: Double
      do {
        value = try Parser.decimalNumber(valueText)
      } catch {
        throw .usage("--at: the value of \(name), '\(valueText)', \(problem(with: valueText, error))", command: command)
      }
      guard seen.insert(name).inserted else {
        throw .usage("--at gives '\(name)' twice", command: command)
      }
      result.append((name, value))
    }
    return result
  }

  /// Why `text` is not a value `--at` takes, completing "'text' …".
  private static func problem(with text: String, _ error: Diagnostic) -> String {
    switch error.kind {
    case .numberOutOfRange: return "is too large for a 64-bit float"
    case .numberUnderflows: return "is too small for a 64-bit float, which would hold it as 0"
    case .integerNotExact(_, let nearest): return "cannot be held exactly by a 64-bit float (the nearest is \(nearest))"
    default: break
    }
    let lowered = text.lowercased().replacingMinus()
    if ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"].contains(lowered) {
      return "is not a finite number"
    }
    if let value = Double(text.replacingMinus()), value.isFinite {
      return "is not a decimal number; write \(ValueFormat.text(value, .plain))"
    }
    return "is not a number"
  }

  /// `a,b,β₀` → canonical names.
  static func names(_ text: String, option: String, command: String) throws(CommandError) -> [String] {
    var names: [String] = []
    for item in try items(of: text, option: option, command: command) {
      guard let name = Parser.canonicalName(String(item)) else {
        throw .usage(
          "\(option) expects names separated by commas, e.g. beta0,omega0; found '\(item)'", command: command)
      }
      if !names.contains(name) { names.append(name) }
    }
    guard !names.isEmpty else { throw .usage("\(option) needs at least one name", command: command) }
    return names
  }

  /// The comma-separated items of an option's value; an empty one (`x=1,,y=2`, a comma at
  /// either end) is refused rather than skipped.
  private static func items(of text: String, option: String, command: String) throws(CommandError) -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
    if items.count > 1 || !text.trimmingCharacters(in: " ").isEmpty,
      items.contains(where: { $0.trimmingCharacters(in: " ").isEmpty })
    {
      throw .usage(
        "\(option) has an empty item in '\(text)' (two commas in a row, or one at an end)", command: command)
    }
    return items.filter { !$0.trimmingCharacters(in: " ").isEmpty }
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
