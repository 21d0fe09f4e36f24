import ChainRuleSupport
import ChainRuleSyntax

/// A named rewrite applied by ``CanonicalForm``, so a derivation can say which ones it used.
public enum SimplificationRule: String, CaseIterable, Hashable, Sendable {
  case additiveIdentity = "additive identity"
  case multiplicativeIdentity = "multiplicative identity"
  case zeroProduct = "zero product"
  case constantFolding = "constant folding"
  case flattening = "associativity"
  case likeTerms = "collecting like terms"
  case distribution = "distributing a constant factor"
  case likeFactors = "collecting like factors"
  case powerOfPower = "power of a power"
  case powerOfProduct = "power of a product"
  case unitExponent = "exponent one"
  case zeroExponent = "exponent zero"
  case exponentials = "multiplying exponentials"
  case logarithmOfExponential = "logarithm of an exponential"
  case expansion = "multiplying out"
  case commonFactor = "a common factor"

  /// The identity behind the rule, as a learner writes it.
  public var identity: String {
    switch self {
    case .additiveIdentity: "u + 0 = u"
    case .multiplicativeIdentity: "1·u = u"
    case .zeroProduct: "0·u = 0"
    case .constantFolding: "2·3 = 6"
    case .flattening: "(a + b) + c = a + b + c"
    case .likeTerms: "a·u + b·u = (a + b)·u"
    case .distribution: "c·(a + b) = c·a + c·b"
    case .likeFactors: "u^a·u^b = u^(a + b)"
    case .powerOfPower: "(u^a)^n = u^(a·n)"
    case .powerOfProduct: "(u·v)^n = u^n·v^n"
    case .unitExponent: "u^1 = u"
    case .zeroExponent: "u^0 = 1"
    case .exponentials: "exp(a)·exp(b) = exp(a + b)"
    case .logarithmOfExponential: "log(exp(u)) = u"
    case .expansion: "a·(b + c) = a·b + a·c"
    case .commonFactor: "a·u + b·u = (a + b)·u"
    }
  }
}
