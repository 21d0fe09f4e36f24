import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax

/// One named intermediate value of the forward pass.
public struct Step: Hashable, Sendable {
  /// How the step came to be.
  public enum Kind: Hashable, Sendable {
    /// Arithmetic (sums, products, constant powers) grouped into one step: `f₀ = β₀ + ω₀·x`.
    case arithmetic
    /// One function application (or a power with a variable exponent): `h₁ = sin(f₀)`.
    case function
  }

  /// The step's canonical name (`f0`, `h1`, `l`, or the user's own).
  public var name: String
  /// Its expression in terms of earlier steps, parameters and data.
  public var expression: NodeID
  public var kind: Kind
  /// Whether the user named it with a definition.
  public var isDefined: Bool
}

/// How finely the forward pass is cut into steps.
public enum StepGranularity: String, Sendable, CaseIterable {
  /// The textbook cut: each function application is a step; arithmetic around it is one step.
  case textbook
  /// One step per operation: every +, ·, ^ and function.
  case primitive
  /// One step per definition, as the user wrote it (a bare formula is one step).
  case definitions
}
