import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleSupport
import ChainRuleSyntax

/// What is wrong with an answer (or that nothing is), as data; ``GradeRenderer`` words it.
///
/// The relations are between the true derivative t and the answer a: a missing factor q means
/// t = a·q, an extra factor t·q = a, a missing term s means t = a + s, a wrong sign t = −a.
public struct GradeDiagnosis: Sendable {
  /// The kinds of diagnosis, with the names `--format json` prints.
  public enum Kind: String, Sendable, CaseIterable {
    /// The answer is the derivative.
    case correct
    /// The answer uses names the formula does not have (``GradeDiagnosis/names``).
    case unknownName = "unknown-name"
    /// The answer has no value at any point where the derivative has one.
    case undefined
    /// The answer is the derivative by another variable (``GradeDiagnosis/names``).
    case wrongVariable = "wrong-variable"
    /// t = −a.
    case wrongSign = "wrong-sign"
    /// t = c·a for a constant c ≠ ±1 (``GradeDiagnosis/constant``).
    case constantFactor = "constant-factor"
    /// t = a·q (``GradeDiagnosis/expression`` is q).
    case missingFactor = "missing-factor"
    /// a = t·q (``GradeDiagnosis/expression`` is q).
    case extraFactor = "extra-factor"
    /// The chain rule's inner derivative du/dx was left out: t = a·du/dx in a product.
    case missingInnerDerivative = "missing-inner-derivative"
    /// A term of the sum, product or quotient rule was left out: t = a + s.
    case missingTerm = "missing-term"
    /// The answer has a term too many: a = t + s.
    case extraTerm = "extra-term"
    /// One term has the wrong sign: t = a + 2·s.
    case wrongSignOfTerm = "wrong-sign-of-term"
    /// f(u) written where f′(u) belongs (d/dx sin u taken as sin u·u′).
    case wrongFunctionDerivative = "wrong-function-derivative"
    /// A rule applied in a wrong shape: (u·v)′ as u′·v′, a quotient over v instead of v², the
    /// power rule without lowering the exponent.
    case wrongRule = "wrong-rule"
    /// A backward-pass line reuses the wrong adjoint (∂ℓ/∂f₃ where ∂ℓ/∂h₃ belongs).
    case wrongAdjoint = "wrong-adjoint"
    /// No simple relation found; ``GradeDiagnosis/expression`` may hold t − a.
    case different
  }

  public var kind: Kind
  /// The factor or term the diagnosis names (simplified, in the grade's graph), if it has one.
  public var expression: NodeID?
  /// For ``Kind/constantFactor``: the constant c with t = c·a.
  public var constant: Double?
  /// For ``Kind/unknownName`` the unknown names; for ``Kind/wrongVariable`` the other variable.
  public var names: [String] = []
  /// Whether ``expression`` is missing from part of the derivative only (one term of a sum), not
  /// from the whole.
  public var isLocal = false
  /// Where in the rule-by-rule derivation the answer departs, when that can be told.
  public var departure: Departure?
  /// For a backward-pass line: the contribution the diagnosis is about (index into the true
  /// line's contributions), and for ``Kind/wrongAdjoint`` the step whose adjoint was used.
  public var contribution: Int?
  public var usedAdjoint: String?

  public init(_ kind: Kind, expression: NodeID? = nil, constant: Double? = nil, names: [String] = []) {
    self.kind = kind
    self.expression = expression
    self.constant = constant
    self.names = names
  }
}

/// A slip at one line of a ``Derivation`` that reproduces the answer.
public struct Departure: Sendable {
  /// The line's index in ``Derivation/lines``.
  public var lineIndex: Int
  /// What was done wrong there.
  public var mistake: RuleMistake
  /// The whole derivative as it comes out with this slip (assembled, not simplified).
  public var mutated: NodeID
}

/// A plausible slip with one rule, the way learners make them.
public enum RuleMistake: Hashable, Sendable {
  /// The chain rule's (or power rule's) inner derivative d(inner)/dx left out.
  case droppedInnerDerivative(inner: NodeID)
  /// d(inner)/dx replaced by d(deeper)/dx: a layer of the chain skipped.
  case skippedInnerFunction(inner: NodeID, deeper: NodeID)
  /// The sign of the function's derivative lost (d/du cos u = sin u).
  case flippedSign
  /// f(u) where f′(u) belongs.
  case functionForDerivative
  /// Term `index` of the rule's sum left out.
  case droppedTerm(index: Int)
  /// Term `index` of the rule's sum with the wrong sign.
  case flippedTermSign(index: Int)
  /// The constant factor in front of the derivative left out.
  case droppedConstantFactor(NodeID)
  /// The power rule's exponent n left out of n·uⁿ⁻¹.
  case droppedExponent(NodeID)
  /// The power rule's exponent not lowered: n·uⁿ.
  case exponentNotLowered
  /// (u·v)′ taken as u′·v′.
  case productOfDerivatives
  /// (u/v)′ taken as u′/v′.
  case quotientOfDerivatives
  /// The quotient rule over v instead of v².
  case denominatorNotSquared

  /// The slip's name in JSON: `dropped-inner-derivative`, `flipped-sign`, ….
  public var name: String {
    switch self {
    case .droppedInnerDerivative: "dropped-inner-derivative"
    case .skippedInnerFunction: "skipped-inner-function"
    case .flippedSign: "flipped-sign"
    case .functionForDerivative: "function-for-derivative"
    case .droppedTerm: "dropped-term"
    case .flippedTermSign: "flipped-term-sign"
    case .droppedConstantFactor: "dropped-constant-factor"
    case .droppedExponent: "dropped-exponent"
    case .exponentNotLowered: "exponent-not-lowered"
    case .productOfDerivatives: "product-of-derivatives"
    case .quotientOfDerivatives: "quotient-of-derivatives"
    case .denominatorNotSquared: "denominator-not-squared"
    }
  }

  /// The diagnosis kind this slip stands for.
  public var kind: GradeDiagnosis.Kind {
    switch self {
    case .droppedInnerDerivative, .skippedInnerFunction: .missingInnerDerivative
    case .flippedSign: .wrongSign
    case .functionForDerivative: .wrongFunctionDerivative
    case .droppedTerm: .missingTerm
    case .flippedTermSign: .wrongSignOfTerm
    case .droppedConstantFactor, .droppedExponent: .missingFactor
    case .exponentNotLowered, .productOfDerivatives, .quotientOfDerivatives, .denominatorNotSquared: .wrongRule
    }
  }
}
