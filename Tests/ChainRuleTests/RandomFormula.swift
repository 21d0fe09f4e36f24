import ChainRule
import Foundation
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleCalculus
@testable import ChainRuleExpression
@testable import ChainRuleNumeric
@testable import ChainRuleRender
@testable import ChainRuleSupport
@testable import ChainRuleSyntax

/// A seeded random formula over the whole grammar, as source text.
///
/// Every operator (`+ − · / ^`, unary `−` and `+`, a number before a name or bracket), every
/// function and its aliases (`ln`, `σ`), all three bracket kinds, numbers in every spelling,
/// ASCII, Greek and subscripted names, repeated subexpressions and `name = …` definitions, nested
/// up to ``maximumDepth`` (12). Most formulas are shallow; deep ones are narrow chains, so each
/// stays small. Arguments of functions with a restricted domain are *usually* built to lie in it
/// (`log(1 + u²)`, `asin(tanh(u))`), not always: ``PropertyTests`` looks for points inside every
/// function's domain and skips a formula that has none.
///
/// The formula is a pure function of its seed: `RandomFormula(seed: 0x2a).source` is the same on
/// every machine and run, so a failing seed can be re-run alone (`CHAINRULE_SEED=0x2a`).
///
/// ```swift
/// let formula = RandomFormula(seed: 42)
/// print(formula.source)   // e.g. "a = sin(x)*y; a + exp(-a)^2"
/// ```
struct RandomFormula: CustomTestStringConvertible, Sendable {
  /// The deepest nesting the generator builds.
  static let maximumDepth = 12

  /// The seed the formula was generated from.
  let seed: UInt64
  /// The nesting depth aimed for, 1…12.
  let depth: Int
  /// The formula: one line, or definitions separated by `;` or line breaks.
  let source: String

  var testDescription: String { "seed \(Self.hex(seed)): \(source)" }

  init(seed: UInt64) {
    var generator = Generator(random: SplitMix64(seed: seed))
    self.seed = seed
    self.depth = generator.pickDepth()
    self.source = generator.program(depth: depth)
  }

  /// The seeds of a run: `count` seeds drawn from `base`, so a run is reproducible as a whole.
  static func seeds(count: Int, base: UInt64) -> [UInt64] {
    var random = SplitMix64(seed: base)
    return (0..<count).map { _ in random.next() }
  }

  static func hex(_ seed: UInt64) -> String { "0x" + String(seed, radix: 16) }

  /// Reads a seed written in decimal or as `0x…` hex.
  static func parseSeed(_ text: String) -> UInt64? {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if trimmed.hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
    return UInt64(trimmed)
  }
}

// MARK: - The generator

extension RandomFormula {
  /// Source text with the precedence of its outermost operator, so parents bracket it only when
  /// the grammar needs it (and sometimes when it does not).
  struct Term {
    /// 1 sum, 2 product, 3 unary sign, 4 power, 5 atom (name, number, call, bracket).
    var text: String
    var precedence: Int
    /// Whether the text is a number literal (a number before a name multiplies: `2x`).
    var isNumber = false
  }

  struct Generator {
    var random: SplitMix64
    /// Subexpressions already generated, for reuse: formulas repeat themselves.
    var pool: [Term] = []
    /// Names defined by earlier `name = …` lines.
    var defined: [String] = []

    static let variables = [
      "x", "y", "z", "w", "beta0", "omega1", "β₁", "ω_2", "x_i", "theta", "b", "λ",
    ]
    static let functions: [String] = Function.allCases.map(\.name) + ["ln", "σ"]

    mutating func chance(_ p: Double) -> Bool { random.uniform(0...1) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(random.next() % UInt64(range.count))
    }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Half the formulas are 1–3 deep, 30 % 4–6, 20 % 7–12.
    mutating func pickDepth() -> Int {
      let roll = random.uniform(0...1)
      if roll < 0.5 { return int(1...3) }
      if roll < 0.8 { return int(4...6) }
      return int(7...RandomFormula.maximumDepth)
    }

    /// A whole input: usually one formula, sometimes definitions first.
    mutating func program(depth: Int) -> String {
      guard chance(0.2) else { return expression(depth, budget: 24).text }
      var lines: [String] = []
      for index in 0..<int(1...3) {
        let name = pick(["a", "h", "u", "f", "g_1", "s"]) + (index == 0 ? "" : "\(index)")
        guard !defined.contains(name) else { continue }
        let body = expression(max(1, depth / 2), budget: 10).text
        lines.append("\(name) = \(body)")
        defined.append(name)
      }
      lines.append(expression(depth, budget: 16).text)
      return lines.joined(separator: chance(0.5) ? "; " : "\n")
    }

    /// A leaf: a name, a defined name or a number.
    mutating func leaf() -> Term {
      let roll = random.uniform(0...1)
      if roll < 0.12, !defined.isEmpty { return Term(text: pick(defined), precedence: 5) }
      if roll < 0.62 { return Term(text: pick(Self.variables), precedence: 5) }
      return number()
    }

    /// A number literal: an integer, a decimal, a leading-dot decimal or scientific notation.
    mutating func number() -> Term {
      let text: String
      switch int(0...9) {
      case 0...3: text = String(int(0...5))
      case 4...6: text = pick(["0.5", "1.25", "2.5", "0.1", "3.75", "0.001"])
      case 7: text = pick([".5", ".25"])
      case 8: text = pick(["1e-3", "2.5E2", "1e0", "3e+1"])
      default: text = pick(["10", "100", "0.3"])
      }
      return Term(text: text, precedence: 5, isNumber: true)
    }

    /// `term` bracketed if its precedence is below `needed` (and now and then when it is not).
    mutating func operand(_ term: Term, needs needed: Int) -> String {
      if term.precedence < needed || chance(0.05) {
        let (open, close) = pick([("(", ")"), ("(", ")"), ("(", ")"), ("[", "]"), ("{", "}")])
        return open + term.text + close
      }
      return term.text
    }

    mutating func bracketed(_ term: Term) -> Term {
      Term(text: "(" + term.text + ")", precedence: 5)
    }

    /// A random expression at most `depth` deep and of about `budget` operations.
    mutating func expression(_ depth: Int, budget: Int) -> Term {
      if depth <= 0 || budget <= 0 { return leaf() }
      if !pool.isEmpty && chance(0.12) { return pick(pool) }
      // Deep formulas are chains: one child goes deep, the other stays a leaf or nearly.
      let narrow = depth > 4
      let other = narrow ? int(0...1) : depth - 1
      let half = max(1, budget / 2)
      let term: Term
      switch int(0...19) {
      case 0...2:
        let a = expression(depth - 1, budget: half)
        let b = expression(other, budget: half)
        term = Term(text: "\(a.text) + \(operand(b, needs: 2))", precedence: 1)
      case 3...4:
        let a = expression(depth - 1, budget: half)
        let b = expression(other, budget: half)
        term = Term(text: "\(a.text) - \(operand(b, needs: 2))", precedence: 1)
      case 5...6:
        let a = expression(depth - 1, budget: half)
        let b = expression(other, budget: half)
        let star = pick(["*", "*", "*", "·", "×"])
        term = Term(text: "\(operand(a, needs: 2))\(star)\(operand(b, needs: 3))", precedence: 2)
      case 7:
        let a = expression(depth - 1, budget: half)
        let b = expression(other, budget: half)
        let denominator = chance(0.6) ? positive(b) : b
        term = Term(text: "\(operand(a, needs: 2))/\(operand(denominator, needs: 4))", precedence: 2)
      case 8...9:
        term = power(depth, budget: budget)
      case 10:
        let a = expression(depth - 1, budget: budget - 1)
        term = Term(text: pick(["-", "-", "+", "−"]) + operand(a, needs: 4), precedence: 3)
      case 11:
        // A number directly before a name or bracket multiplies: 2x, 3(u), 0.5[u].
        let a = expression(depth - 1, budget: budget - 1)
        let coefficient = pick(["2", "3", "0.5", "10"])
        if a.precedence == 5 && !a.isNumber && !a.text.hasPrefix("(") && !a.text.hasPrefix("[")
          && !a.text.hasPrefix("{") && a.text.first?.isNumber != true
        {
          term = Term(text: coefficient + a.text, precedence: 2)
        } else {
          term = Term(text: coefficient + "(" + a.text + ")", precedence: 2)
        }
      default:
        term = call(depth, budget: budget)
      }
      if pool.count < 8 && term.text.count < 60 { pool.append(term) }
      return term
    }

    /// `base^exponent`: small integer, negative and half exponents, and variable exponents on a
    /// positive base.
    mutating func power(_ depth: Int, budget: Int) -> Term {
      let base = expression(depth - 1, budget: budget - 1)
      switch int(0...5) {
      case 0, 1:
        return Term(text: operand(base, needs: 5) + "^" + pick(["2", "3", "2", "4"]), precedence: 4)
      case 2:
        return Term(text: operand(base, needs: 5) + "^" + pick(["-1", "(-2)", "-1"]), precedence: 4)
      case 3:
        let positiveBase = positive(base)
        return Term(text: operand(positiveBase, needs: 5) + "^" + pick(["0.5", "1.5", "(1/3)"]), precedence: 4)
      case 4:
        let exponent = expression(min(depth - 1, 2), budget: 3)
        return Term(text: operand(positive(base), needs: 5) + "^" + operand(exponent, needs: 5), precedence: 4)
      default:
        // Right-associative towers: 2^u^2.
        return Term(text: pick(["2", "1.5"]) + "^" + operand(base, needs: 5) + "^2", precedence: 4)
      }
    }

    /// A function call; arguments of log, sqrt, asin and acos usually built inside the domain.
    mutating func call(_ depth: Int, budget: Int) -> Term {
      let name = pick(Self.functions)
      let (open, close) = chance(0.85) ? ("(", ")") : pick([("[", "]"), ("{", "}")])
      let argument = expression(depth - 1, budget: budget - 1)
      var inner: Term
      switch name {
      case "log", "ln", "sqrt": inner = chance(0.85) ? positive(argument) : argument
      case "asin", "acos": inner = chance(0.85) ? bounded(argument) : argument
      case "max", "min":
        let second = expression(depth > 4 ? int(0...1) : depth - 1, budget: budget / 2)
        return Term(text: "\(name)\(open)\(argument.text), \(second.text)\(close)", precedence: 5)
      default: inner = argument
      }
      return Term(text: "\(name)\(open)\(inner.text)\(close)", precedence: 5)
    }

    /// An expression positive wherever `u` has a value.
    mutating func positive(_ u: Term) -> Term {
      switch int(0...5) {
      case 0: return Term(text: "1 + \(operand(u, needs: 5))^2", precedence: 1)
      case 1: return Term(text: "exp(\(u.text))", precedence: 5)
      case 2: return Term(text: "cosh(\(u.text))", precedence: 5)
      case 3: return Term(text: "softplus(\(u.text)) + 0.5", precedence: 1)
      case 4: return Term(text: "sigmoid(\(u.text))", precedence: 5)
      default: return Term(text: "abs(\(u.text)) + 1", precedence: 1)
      }
    }

    /// An expression strictly between −1 and 1 wherever `u` has a value.
    mutating func bounded(_ u: Term) -> Term {
      switch int(0...3) {
      case 0: return Term(text: "tanh(\(u.text))/2", precedence: 2)
      case 1: return Term(text: "sigmoid(\(u.text))", precedence: 5)
      case 2: return Term(text: "0.9*sin(\(u.text))", precedence: 2)
      default: return Term(text: "cos(\(u.text))/2", precedence: 2)
      }
    }
  }
}
