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
  public static func parts(of name: String) -> (result: String, step: String)? {
    guard name.hasPrefix("∂"), let slash = name.range(of: "/∂") else { return nil }
    let result = name[name.index(after: name.startIndex)..<slash.lowerBound]
    return (String(result), String(name[slash.upperBound...]))
  }
}
