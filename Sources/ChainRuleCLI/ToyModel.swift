/// The textbook's eight-parameter toy model, run when `chainrule` is given no formula.
enum ToyModel {
  /// The model as the book writes it: a shallow network f[x, φ] and its squared loss.
  static let source = """
    # The toy model: f[x, φ] with parameters φ = {β₀, ω₀, β₁, ω₁, β₂, ω₂, β₃, ω₃}
    f[x, φ] = β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])]
    ℓ = (f − y)^2
    """

  /// The parameters, in the book's order.
  static let parameters = ["beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3"]

  /// The book's point: β₀=1, β₁=2, β₂=−3, β₃=0.4, ω₀=0.1, ω₁=−0.4, ω₂=2, ω₃=3, x=2.3, y=2.
  static let point = "beta0=1,beta1=2,beta2=-3,beta3=0.4,omega0=0.1,omega1=-0.4,omega2=2,omega3=3,x=2.3,y=2"

  /// After the toy model run with `swift run` (a debug build under `.build/`), one line on how
  /// to run `chainrule` itself, as the next commands are written; nil for any other executable.
  static func directRunHint(executable: String?) -> String? {
    guard let executable else { return nil }
    let parts = executable.split(separator: "/")
    guard parts.contains(".build"), parts.dropLast().last == "debug" else { return nil }
    return "\nTo type 'chainrule' as above instead of 'swift run chainrule': swift build -c release, then run "
      + ".build/release/chainrule (or copy it onto your PATH: cp .build/release/chainrule /usr/local/bin/)\n"
  }
}
