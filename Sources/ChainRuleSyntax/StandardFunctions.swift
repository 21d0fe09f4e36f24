import Foundation

extension Function {
  public static let sin = Function(id: 0)
  public static let cos = Function(id: 1)
  public static let tan = Function(id: 2)
  public static let exp = Function(id: 3)
  public static let log = Function(id: 4)
  public static let sqrt = Function(id: 5)
  public static let tanh = Function(id: 6)
  public static let sigmoid = Function(id: 7)
  public static let softplus = Function(id: 8)
  public static let relu = Function(id: 9)
  public static let abs = Function(id: 10)
  public static let atan = Function(id: 11)
  public static let sinh = Function(id: 12)
  public static let cosh = Function(id: 13)
  public static let asin = Function(id: 14)
  public static let acos = Function(id: 15)
  public static let max = Function(id: 16)
  public static let min = Function(id: 17)
  /// The indicator 𝟙[u > 0]: 1 for u > 0, else 0 (so step(0) = 0).
  public static let step = Function(id: 18)
  /// The sign of u: −1, 0 or 1.
  public static let sign = Function(id: 19)
}

/// The functions every formula may call, one entry each: the only place a standard function is
/// defined.
///
/// Derivatives: sin′ = cos, cos′ = −sin, tan′ = 1/cos², exp′ = exp, log′(u) = 1/u,
/// sqrt′(u) = 1/(2·sqrt(u)), tanh′ = 1 − tanh², σ′ = σ·(1 − σ), softplus′ = σ, relu′ = 𝟙[u > 0],
/// abs′ = sign, atan′(u) = 1/(1 + u²), sinh′ = cosh, cosh′ = sinh, asin′(u) = (1 − u²)^−½,
/// acos′(u) = −(1 − u²)^−½, step′ = sign′ = 0 (away from 0). Kinks follow one convention:
/// relu′(0) = 0 and abs′(0) = 0 (as PyTorch), and max/min pick their first argument on ties:
/// ∂max(a, b)/∂a = 1 − 𝟙[b − a > 0], ∂max/∂b = 𝟙[b − a > 0].
///
/// Sigmoid and softplus are evaluated in their stable forms: σ(u) = 1/(1 + e^−u) for u ≥ 0 and
/// e^u/(1 + e^u) otherwise; softplus(u) = max(u, 0) + log1p(e^−|u|).
package enum StandardFunctions {
  private typealias Entry = FunctionDefinition
  private static let u = FormulaTemplate.u
  private static let v = FormulaTemplate.v

  /// σ(u), without overflow for large |u|.
  @Sendable static func sigmoid(_ u: Double) -> Double {
    if u >= 0 { return 1 / (1 + Foundation.exp(-u)) }
    let e = Foundation.exp(u)
    return e / (1 + e)
  }

  /// softplus(u) = log(1 + e^u), without overflow for large u.
  @Sendable static func softplus(_ u: Double) -> Double {
    Swift.max(u, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(u)))
  }

  /// tanh′(u) = sech²(u) = 1/cosh²(u): 1 − tanh²(u) cancels to 0 for |u| > 19, where the slope
  /// is still about 10⁻¹⁷; past |u| ≈ 355 the slope underflows to 0 in either form.
  @Sendable static func tanhSlope(_ u: Double) -> Double {
    let c = Foundation.cosh(u)
    return 1 / (c * c)
  }

  /// (1 − u²)^−½, the derivative of asin.
  @Sendable private static func inverseSineSlope(_ u: Double) -> Double { Foundation.pow(1 - u * u, -0.5) }

  /// The definitions, at the positions of the `Function` constants above.
  static let definitions: [FunctionDefinition] = [
    Entry(
      name: "sin", value: .unary { Foundation.sin($0) }, derivatives: [.call(.cos, u)],
      derivativeValue: .unary { u, _ in Foundation.cos(u) }, latex: .command("sin"), latexCommands: ["sin"]),
    Entry(
      name: "cos", value: .unary { Foundation.cos($0) }, derivatives: [-.call(.sin, u)],
      derivativeValue: .unary { u, _ in -Foundation.sin(u) }, latex: .command("cos"), latexCommands: ["cos"]),
    Entry(
      name: "tan", value: .unary { Foundation.cos($0) == 0 ? .nan : Foundation.tan($0) },
      derivatives: [.power(.call(.cos, u), -2)],
      derivativeValue: .unary { u, _ in Foundation.pow(Foundation.cos(u), -2) },
      domain: "an argument whose cosine is not 0", latex: .command("tan"), latexCommands: ["tan"]),
    Entry(
      name: "exp", value: .unary { Foundation.exp($0) }, derivatives: [.call(.exp, u)],
      derivativeValue: .unary { _, value in value }, latex: .command("exp"), latexCommands: ["exp"],
      isPositive: true),
    Entry(
      name: "log", aliases: ["ln"], value: .unary { $0 > 0 ? Foundation.log($0) : .nan },
      derivatives: [.power(u, -1)], derivativeValue: .unary { u, _ in 1 / u }, domain: "a positive argument",
      latex: .command("log"), latexCommands: ["log", "ln"]),
    Entry(
      name: "sqrt", value: .unary { $0 >= 0 ? Foundation.sqrt($0) : .nan },
      derivatives: [1 / (2 * .call(.sqrt, u))], derivativeValue: .unary { _, value in 1 / (2 * value) },
      domain: "an argument that is not negative", shape: .squareRoot),
    Entry(
      name: "tanh", value: .unary { Foundation.tanh($0) }, derivatives: [1 - .power(.call(.tanh, u), 2)],
      derivativeValue: .unary { u, _ in tanhSlope(u) }, latex: .command("tanh"), latexCommands: ["tanh"]),
    Entry(
      name: "sigmoid", aliases: ["σ"], value: .unary(sigmoid),
      derivatives: [.call(.sigmoid, u) * (1 - .call(.sigmoid, u))],
      derivativeValue: .unary { u, value in value * sigmoid(-u) }, unicodeName: "σ", latex: .command("sigma"),
      isPositive: true),
    Entry(
      name: "softplus", value: .unary(softplus), derivatives: [.call(.sigmoid, u)],
      derivativeValue: .unary { u, _ in sigmoid(u) }, isPositive: true),
    Entry(
      name: "relu", value: .unary { $0 > 0 ? $0 : 0 }, derivatives: [.call(.step, u)],
      derivativeValue: .unary { u, _ in u > 0 ? 1 : 0 }, latex: .operatorName("ReLU"), folding: .always,
      kink: .init(convention: "relu′(0) = 0, as PyTorch")),
    Entry(
      name: "abs", value: .unary { Swift.abs($0) }, derivatives: [.call(.sign, u)],
      derivativeValue: .unary { u, _ in u > 0 ? 1 : (u < 0 ? -1 : 0) }, shape: .absoluteValue, folding: .always,
      kink: .init(convention: "abs′(0) = 0")),
    Entry(
      name: "atan", value: .unary { Foundation.atan($0) }, derivatives: [.power(1 + .power(u, 2), -1)],
      derivativeValue: .unary { u, _ in 1 / (1 + u * u) }, latex: .command("arctan"), latexCommands: ["arctan"],
      uprightNames: ["arctan"]),
    Entry(
      name: "sinh", value: .unary { Foundation.sinh($0) }, derivatives: [.call(.cosh, u)],
      derivativeValue: .unary { u, _ in Foundation.cosh(u) }, latex: .command("sinh"), latexCommands: ["sinh"]),
    Entry(
      name: "cosh", value: .unary { Foundation.cosh($0) }, derivatives: [.call(.sinh, u)],
      derivativeValue: .unary { u, _ in Foundation.sinh(u) }, latex: .command("cosh"), latexCommands: ["cosh"],
      isPositive: true),
    Entry(
      name: "asin", value: .unary { (-1...1).contains($0) ? Foundation.asin($0) : .nan },
      derivatives: [.power(1 - .power(u, 2), -0.5)], derivativeValue: .unary { u, _ in inverseSineSlope(u) },
      domain: "an argument between −1 and 1", latex: .command("arcsin"), latexCommands: ["arcsin"],
      uprightNames: ["arcsin"]),
    Entry(
      name: "acos", value: .unary { (-1...1).contains($0) ? Foundation.acos($0) : .nan },
      derivatives: [-.power(1 - .power(u, 2), -0.5)], derivativeValue: .unary { u, _ in -inverseSineSlope(u) },
      domain: "an argument between −1 and 1", latex: .command("arccos"), latexCommands: ["arccos"],
      uprightNames: ["arccos"]),
    Entry(
      name: "max", value: .binary { a, b in a >= b ? a : b },
      // max picks a unless b > a.
      derivatives: [1 - .call(.step, v - u), .call(.step, v - u)], derivativeValue: .fromTemplates,
      latex: .command("max"), latexCommands: ["max"], folding: .always,
      kink: .init(switchValue: .difference, convention: "max picks its first argument on a tie")),
    Entry(
      name: "min", value: .binary { a, b in a <= b ? a : b },
      // min picks a unless a > b.
      derivatives: [1 - .call(.step, u - v), .call(.step, u - v)], derivativeValue: .fromTemplates,
      latex: .command("min"), latexCommands: ["min"], folding: .always,
      kink: .init(switchValue: .difference, convention: "min picks its first argument on a tie")),
    Entry(
      name: "step", value: .unary { $0 > 0 ? 1 : 0 }, derivatives: [0], derivativeValue: .unary { _, _ in 0 },
      shape: .indicator, folding: .always, kink: .init(convention: "step(0) = 0 and step′ = 0")),
    Entry(
      name: "sign", value: .unary { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, derivatives: [0],
      derivativeValue: .unary { _, _ in 0 }, uprightNames: ["sgn"], folding: .always,
      kink: .init(convention: "sign(0) = 0 and sign′ = 0")),
  ]

  /// The standard function named `name` (canonical or alias), found without hashing: most
  /// names of variables (`w12`, `beta0`, `x`) are turned away by their length or a byte no
  /// function name has, the others compared as one packed word per name.
  static func function(named name: String) -> Function? {
    var candidate = name
    return candidate.withUTF8 { bytes -> Function? in
      if bytes.count == 2 && bytes[0] == 0xCF && bytes[1] == 0x83 { return .sigmoid }  // σ
      guard nameShape.lengths.contains(bytes.count), bytes.allSatisfy({ nameShape.bytes[Int($0)] }) else {
        return nil
      }
      let packed = pack(bytes)
      // A match on the packed word is confirmed on the whole name, should one ever be longer.
      guard let found = packedNames.first(where: { $0.packed == packed }), found.name.utf8.elementsEqual(bytes)
      else { return nil }
      return found.function
    }
  }

  /// Up to 8 bytes of a name in one word, zero-padded.
  private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var word: UInt64 = 0
    for (i, byte) in bytes.prefix(8).enumerated() { word |= UInt64(byte) << (8 * UInt64(i)) }
    return word
  }

  /// Every ASCII name and alias, packed by ``pack(_:)``.
  private static let packedNames: [(packed: UInt64, name: String, function: Function)] = asciiNames.map {
    name, function in
    var bytes = name
    return (bytes.withUTF8 { pack($0) }, name, function)
  }

  private static let asciiNames: [(String, Function)] = definitions.enumerated().flatMap { id, definition in
    ([definition.name] + definition.aliases).filter { $0.utf8.allSatisfy { $0 < 0x80 } }.map {
      ($0, Function(id: UInt16(id)))
    }
  }

  /// The lengths and the bytes of the ASCII names, found from the entries themselves.
  private static let nameShape: (lengths: ClosedRange<Int>, bytes: [Bool]) = {
    let lengths = asciiNames.map(\.0.utf8.count)
    var bytes = [Bool](repeating: false, count: 256)
    for byte in asciiNames.flatMap({ $0.0.utf8 }) { bytes[Int(byte)] = true }
    return ((lengths.min() ?? 0)...(lengths.max() ?? 0), bytes)
  }()
}
