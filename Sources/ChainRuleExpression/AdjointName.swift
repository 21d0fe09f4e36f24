/// The name of a symbol that stands for an adjoint ∂ℓ/∂s of a step s, in expressions written in
/// step names (`∂E/∂w₁ = out_h₁·∂E/∂net_o₁`).
///
/// No name typed in a formula contains `∂`, so these can never clash with a variable; printers
/// write them as partial derivatives in their notation (`dE/dnet_o1`, `∂E/∂net_o₁`,
/// `\frac{\partial E}{\partial net_{o1}}`).
public enum AdjointName {
  /// The symbol name for ∂`result`/∂`step`.
  public static func symbol(of result: String, withRespectTo step: String) -> String {
    "∂\(result)/∂\(step)"
  }

  /// The result and the step an adjoint symbol's name stands for; nil for any other name.
  ///
  /// Read byte by byte: printers ask this of every name they print, and most names start with
  /// an ASCII letter, which answers at the first byte.
  public static func parts(of name: String) -> (result: String, step: String)? {
    let bytes = name.utf8
    // "∂" is E2 88 82 in UTF-8, and "/∂" is 2F E2 88 82.
    let partial: [UInt8] = [0xE2, 0x88, 0x82]
    guard bytes.count > 3, bytes.starts(with: partial) else { return nil }
    let array = Array(bytes)
    var i = 3
    while i + 3 < array.count {
      if array[i] == 0x2F && array[i + 1] == 0xE2 && array[i + 2] == 0x88 && array[i + 3] == 0x82 {
        return (String(decoding: array[3..<i], as: UTF8.self), String(decoding: array[(i + 4)...], as: UTF8.self))
      }
      i += 1
    }
    return nil
  }
}
