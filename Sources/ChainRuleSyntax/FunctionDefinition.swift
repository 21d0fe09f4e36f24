import Foundation

/// Everything ChainRule knows about one function, in one entry: its names, its value, its
/// derivative (symbolic and numeric), how it is printed and where it has a kink.
///
/// Every pass reads this entry: the lexers find the function by its names, the evaluator and
/// the tape compute ``value`` and ``derivativeValue``, the symbolic sweep instantiates
/// ``derivatives``, the printers use ``unicodeName``, ``latex`` and ``shape``, and the reference
/// documentation is checked against it. A new function is one entry
/// (``Function/register(_:)``, or a line of ``StandardFunctions``) and is then known everywhere.
///
/// ```swift
/// let cube = try Function.register(FunctionDefinition(
///   name: "cube", value: .unary { $0 * $0 * $0 }, derivatives: [3 * .power(.u, 2)],
///   derivativeValue: .unary { u, _ in 3 * u * u }))
/// ```
public final class FunctionDefinition: Sendable {
  /// The numeric value, NaN outside the domain.
  public enum Value: Sendable {
    /// f(u).
    case unary(@Sendable (Double) -> Double)
    /// f(a, b).
    case binary(@Sendable (Double, Double) -> Double)
  }

  /// The numeric derivative of a function of one argument: f′(u), given u and f(u).
  public enum DerivativeValue: Sendable {
    case unary(@Sendable (_ argument: Double, _ value: Double) -> Double)
    /// Functions of two arguments differentiate through their templates alone.
    case fromTemplates
  }

  /// How the function is written with its argument.
  public enum Shape: Sendable, Hashable {
    /// `name(u)`: the usual call.
    case call
    /// The indicator 𝟙[u > 0].
    case indicator
    /// `\sqrt{u}` in LaTeX.
    case squareRoot
    /// `|u|` in LaTeX.
    case absoluteValue
  }

  /// The LaTeX spelling of the name.
  public enum LaTeXName: Sendable, Hashable {
    /// A command of LaTeX itself: `\sin`, `\arctan`.
    case command(String)
    /// An upright name set with `\operatorname{…}`: `ReLU`.
    case operatorName(String)

    /// The text LaTeX reads: `\sin` or `\operatorname{ReLU}`.
    public var text: String {
      switch self {
      case .command(let name): "\\" + name
      case .operatorName(let name): "\\operatorname{\(name)}"
      }
    }
  }

  /// Which constants fold to a number while a formula is built.
  public enum Folding: Sendable, Hashable {
    /// Only at exact points: sin(0) → 0, exp(0) → 1, log(1) → 0.
    case whenWhole
    /// Always, when the value prints exactly: relu(−2) → 0, max(1, 3) → 3.
    case always
  }

  /// Where the function is not differentiable, and the convention ChainRule uses there.
  public struct Kink: Sendable, Hashable {
    /// The quantity whose sign picks the branch.
    public enum Switch: Sendable, Hashable {
      /// The argument u (relu, abs, step, sign).
      case argument
      /// The second argument minus the first (max, min).
      case difference
    }

    /// What decides the branch.
    public var switchValue: Switch
    /// The convention, completing "the derivative uses the convention …".
    public var convention: String

    public init(switchValue: Switch = .argument, convention: String) {
      self.switchValue = switchValue
      self.convention = convention
    }
  }

  /// The canonical ASCII name, as typed and as printed in plain output.
  public let name: String
  /// Other names the plain lexer accepts (`ln` for log, `σ` for sigmoid).
  public let aliases: [String]
  /// The value.
  public let value: Value
  /// ∂f/∂(each argument), as expressions in the arguments (``FormulaTemplate/u``, ``FormulaTemplate/v``).
  public let derivatives: [FormulaTemplate]
  /// f′(u) as a number, for the tape; must equal the first template evaluated.
  public let derivativeValue: DerivativeValue
  /// The domain as a learner reads it, completing "log needs …".
  public let domain: String
  /// The name in Unicode output (`σ` for sigmoid).
  public let unicodeName: String
  /// The name in LaTeX output.
  public let latex: LaTeXName
  /// How the function is written with its argument.
  public let shape: Shape
  /// LaTeX commands that read as this function (`\ln` for log, `\arctan` for atan).
  public let latexCommands: [String]
  /// Names in an upright font (`\operatorname{sgn}`) that read as this function, besides its
  /// own name and aliases in any capitalisation.
  public let uprightNames: [String]
  /// Which constants fold.
  public let folding: Folding
  /// The kink and its convention, if the function has one.
  public let kink: Kink?
  /// Whether the value is positive for every argument (exp, cosh, σ, softplus), so powers of
  /// it combine freely: (eᵘ)^½·(eᵘ)^½ = eᵘ holds for every u.
  public let isPositive: Bool

  /// The number of arguments (from ``value``).
  public let arity: Int
  /// ``derivatives``, each as a list of steps in postfix order, ready to instantiate quickly.
  package let derivativeSteps: [[FormulaTemplate.Step]]

  /// Creates an entry; see the properties for what each part means.
  public init(
    name: String, aliases: [String] = [], value: Value, derivatives: [FormulaTemplate],
    derivativeValue: DerivativeValue, domain: String = "any real argument", unicodeName: String? = nil,
    latex: LaTeXName? = nil, shape: Shape = .call, latexCommands: [String] = [], uprightNames: [String] = [],
    folding: Folding = .whenWhole, kink: Kink? = nil, isPositive: Bool = false
  ) {
    self.name = name
    self.aliases = aliases
    self.value = value
    switch value {
    case .unary: arity = 1
    case .binary: arity = 2
    }
    self.derivatives = derivatives
    derivativeSteps = derivatives.map(\.steps)
    self.derivativeValue = derivativeValue
    self.domain = domain
    self.unicodeName = unicodeName ?? name
    self.latex = latex ?? .operatorName(name)
    self.shape = shape
    self.latexCommands = latexCommands
    self.uprightNames = uprightNames
    self.folding = folding
    self.kink = kink
    self.isPositive = isPositive
  }
}

/// An expression in a function's arguments u and v: how a derivative is written in a
/// ``FunctionDefinition``.
///
/// Written with Swift's arithmetic: `1 - .power(.call(.tanh, .u), 2)` is 1 − tanh(u)². The
/// calculus stage turns it into graph nodes for the actual argument.
public indirect enum FormulaTemplate: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
  /// The argument at a position: 0 for u, 1 for v.
  case argument(Int)
  case number(Double)
  case call(Function, [FormulaTemplate])
  case add(FormulaTemplate, FormulaTemplate)
  case subtract(FormulaTemplate, FormulaTemplate)
  case multiply(FormulaTemplate, FormulaTemplate)
  case divide(FormulaTemplate, FormulaTemplate)
  case negate(FormulaTemplate)
  case power(FormulaTemplate, FormulaTemplate)

  /// The first argument.
  public static let u = FormulaTemplate.argument(0)
  /// The second argument.
  public static let v = FormulaTemplate.argument(1)

  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }

  /// `function(argument)`.
  public static func call(_ function: Function, _ argument: FormulaTemplate) -> FormulaTemplate {
    .call(function, [argument])
  }

  public static func + (a: FormulaTemplate, b: FormulaTemplate) -> FormulaTemplate { .add(a, b) }
  public static func - (a: FormulaTemplate, b: FormulaTemplate) -> FormulaTemplate { .subtract(a, b) }
  public static func * (a: FormulaTemplate, b: FormulaTemplate) -> FormulaTemplate { .multiply(a, b) }
  public static func / (a: FormulaTemplate, b: FormulaTemplate) -> FormulaTemplate { .divide(a, b) }
  public static prefix func - (a: FormulaTemplate) -> FormulaTemplate { .negate(a) }

  /// The template's value at `arguments`, with plain floating-point arithmetic.
  public func evaluate(_ arguments: [Double]) -> Double {
    switch self {
    case .argument(let k): k < arguments.count ? arguments[k] : .nan
    case .number(let value): value
    case .call(let function, let inner): function.value(inner.map { $0.evaluate(arguments) })
    case .add(let a, let b): a.evaluate(arguments) + b.evaluate(arguments)
    case .subtract(let a, let b): a.evaluate(arguments) - b.evaluate(arguments)
    case .multiply(let a, let b): a.evaluate(arguments) * b.evaluate(arguments)
    case .divide(let a, let b): a.evaluate(arguments) / b.evaluate(arguments)
    case .negate(let a): -a.evaluate(arguments)
    case .power(let a, let b): Foundation.pow(a.evaluate(arguments), b.evaluate(arguments))
    }
  }

  /// One step of a template in postfix order: leaves push a value, the others combine the
  /// values on top (a call its `count` arguments).
  package enum Step: Sendable {
    case argument(Int)
    case number(Double)
    case call(Function, count: Int)
    case add, subtract, multiply, divide, negate, power
  }

  /// The template as postfix steps: operands before the operation that combines them, in the
  /// order a recursive instantiation would build them.
  package var steps: [Step] {
    var steps: [Step] = []
    func visit(_ template: FormulaTemplate) {
      switch template {
      case .argument(let k): steps.append(.argument(k))
      case .number(let value): steps.append(.number(value))
      case .call(let function, let inner):
        inner.forEach(visit)
        steps.append(.call(function, count: inner.count))
      case .add(let a, let b): visit(a); visit(b); steps.append(.add)
      case .subtract(let a, let b): visit(a); visit(b); steps.append(.subtract)
      case .multiply(let a, let b): visit(a); visit(b); steps.append(.multiply)
      case .divide(let a, let b): visit(a); visit(b); steps.append(.divide)
      case .negate(let a): visit(a); steps.append(.negate)
      case .power(let a, let b): visit(a); visit(b); steps.append(.power)
      }
    }
    visit(self)
    return steps
  }

  /// The highest argument position the template uses, plus one.
  public var argumentCount: Int {
    switch self {
    case .argument(let k): k + 1
    case .number: 0
    case .call(_, let inner): inner.map(\.argumentCount).max() ?? 0
    case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b), .divide(let a, let b),
      .power(let a, let b):
      Swift.max(a.argumentCount, b.argumentCount)
    case .negate(let a): a.argumentCount
    }
  }
}
