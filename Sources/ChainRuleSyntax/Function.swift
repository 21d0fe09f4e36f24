import ChainRuleSupport

/// The functions a formula may call: a closed set, so every pass switches over it exhaustively.
///
/// Each function's derivative lives in `Calculus/Function+Derivative.swift`, its numeric value in
/// `Expression/Function+Evaluation.swift` and its notation in `Render/Notation.swift`;
/// adding a case breaks the build in each of them until it is handled.
public enum Function: String, CaseIterable, Hashable, Sendable {
  case sin, cos, tan, exp, log, sqrt, tanh, sigmoid, softplus, relu, abs, atan, sinh, cosh
  case asin, acos, max, min
  /// The indicator 𝟙[u > 0]: 1 for u > 0, else 0 (so step(0) = 0).
  case step
  /// The sign of u: −1, 0 or 1.
  case sign

  /// How many arguments the function takes.
  public var arity: Int {
    switch self {
    case .max, .min: 2
    default: 1
    }
  }

  /// The canonical ASCII name, as typed and as printed in plain output.
  public var name: String { rawValue }

  /// Looks a function up by a name as typed: canonical names plus `ln` and `σ`.
  public init?(named name: String) {
    // Most names of variables (`w12`, `beta0`, `x`) are turned away by their length or a byte
    // no function name has; the others are compared as one packed word per name.
    var candidate = name
    let found = candidate.withUTF8 { bytes -> Function? in
      if bytes.count == 2 && bytes[0] == 0xCF && bytes[1] == 0x83 { return .sigmoid }  // σ
      guard Self.nameShape.lengths.contains(bytes.count), bytes.allSatisfy({ Self.nameShape.bytes[Int($0)] })
      else { return nil }
      let packed = Self.pack(bytes)
      // A match on the packed word is confirmed on the whole name, should one ever be longer.
      guard let found = Self.packedNames.first(where: { $0.packed == packed }),
        found.name.utf8.elementsEqual(bytes)
      else { return nil }
      return found.function
    }
    guard let found else { return nil }
    self = found
  }

  /// Up to 8 bytes of a name in one word, zero-padded.
  private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var word: UInt64 = 0
    for (i, byte) in bytes.prefix(8).enumerated() { word |= UInt64(byte) << (8 * UInt64(i)) }
    return word
  }

  /// Every ASCII name (`ln` too) packed by ``pack(_:)``.
  private static let packedNames: [(packed: UInt64, name: String, function: Function)] =
    (allCases.map { ($0.rawValue, $0) } + [("ln", .log)]).map { name, function in
      var bytes = name
      return (bytes.withUTF8 { pack($0) }, name, function)
    }

  /// The lengths and the bytes of the ASCII function names, found from the cases themselves.
  private static let nameShape: (lengths: ClosedRange<Int>, bytes: [Bool]) = {
    let names = allCases.map(\.rawValue) + ["ln"]
    let lengths = names.map(\.utf8.count)
    var bytes = [Bool](repeating: false, count: 256)
    for byte in names.flatMap(\.utf8) { bytes[Int(byte)] = true }
    return ((lengths.min() ?? 0)...(lengths.max() ?? 0), bytes)
  }()

  /// Every name the parser accepts, for help texts and suggestions.
  public static var allNames: [String] {
    allCases.map(\.name) + ["ln"]
  }

  /// Whether the function has a kink (a point where it is not differentiable), where a
  /// convention chooses the derivative.
  public var hasKink: Bool {
    switch self {
    case .relu, .abs, .max, .min, .step, .sign: true
    default: false
    }
  }
}

extension Function {
  /// The closest function name to `name`, if it is close enough to be a likely typo.
  static func suggestion(for name: String) -> String? {
    let lowered = name.lowercased()
    if let exact = Function(named: lowered) { return exact.name }
    return Suggestion.closest(to: lowered, among: allNames)
  }
}
