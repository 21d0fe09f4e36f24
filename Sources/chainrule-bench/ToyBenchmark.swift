import ChainRule

/// The textbook's toy model, as `chainrule` runs it with no formula.
enum ToyModel {
  static let source = """
    # The toy model: f[x, φ] with parameters φ = {β₀, ω₀, β₁, ω₁, β₂, ω₂, β₃, ω₃}
    f[x, φ] = β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])]
    ℓ = (f − y)^2
    """

  /// The same model as one ASCII formula, as the comparison script gives SymPy and SymEngine.
  static let ascii =
    "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)^2"

  static let parameters = ["beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3"]

  /// The book's point, as command-line text.
  static let pointText =
    "beta0=1,beta1=2,beta2=-3,beta3=0.4,omega0=0.1,omega1=-0.4,omega2=2,omega3=3,x=2.3,y=2"

  /// The book's parameters, in ``parameters`` order.
  static let theta: [Double] = [1, 0.1, 2, -0.4, -3, 2, 0.4, 3]
}

/// Item 1: parse + all 8 partial derivatives + simplify + print, with each phase's share.
struct ToyBenchmark {
  var total = 0.0
  var parse = 0.0
  var differentiate = 0.0
  var simplify = 0.0
  var print = 0.0
  /// The printed partials, to show what was timed.
  var printed: [String] = []
  /// The whole item on the one-line ASCII formula the comparison gives SymPy and SymEngine.
  var totalASCII = 0.0

  /// The whole item: the text in, the eight printed derivatives out.
  static func run(_ source: String, notation: Notation = .plain) -> [String] {
    guard let formula = try? Formula(parsing: source) else { return [] }
    let gradient = formula.gradient(withRespectTo: ToyModel.parameters)
    var canonical = CanonicalForm(graph: formula.graph)
    let printer = formula.printer(notation)
    return gradient.map { printer.string(canonical.simplify($0)) }
  }

  static func measure(_ budget: Budget) -> ToyBenchmark {
    var result = ToyBenchmark()
    let source = ToyModel.source
    result.printed = run(source)
    result.total = medianTime(budget) { run(source) }
    result.totalASCII = medianTime(budget) { run(ToyModel.ascii) }
    result.parse = medianTime(budget) { try? Formula(parsing: source) }
    let parsedAndDifferentiated = medianTime(budget) { () -> [NodeID] in
      guard let formula = try? Formula(parsing: source) else { return [] }
      return formula.gradient(withRespectTo: ToyModel.parameters)
    }
    let simplified = medianTime(budget) { () -> [NodeID] in
      guard let formula = try? Formula(parsing: source) else { return [] }
      var canonical = CanonicalForm(graph: formula.graph)
      return formula.gradient(withRespectTo: ToyModel.parameters).map { canonical.simplify($0) }
    }
    result.differentiate = max(0, parsedAndDifferentiated - result.parse)
    result.simplify = max(0, simplified - parsedAndDifferentiated)
    result.print = max(0, result.total - simplified)
    return result
  }
}
