import ChainRule
import Testing

@testable import ChainRuleBackprop
@testable import ChainRuleCalculus
@testable import ChainRuleExpression
@testable import ChainRuleNumeric
@testable import ChainRuleRender
@testable import ChainRuleSupport
@testable import ChainRuleSyntax

/// `Operands` holds up to three ids inline and more in an array; either way it must behave as the
/// plain list of ids it stands for.
@Suite struct OperandsTests {
  static func ids(_ count: Int) -> [NodeID] { (0..<count).map { NodeID($0 * 7 + 3) } }

  @Test(arguments: 0...6)
  func behavesAsItsList(count: Int) {
    let list = Self.ids(count)
    let operands = Operands(list)
    #expect(Array(operands) == list)
    #expect(operands.count == count)
    #expect(operands.array == list)
    #expect(operands.reversed().elementsEqual(list.reversed()))
    #expect(Array(operands.dropFirst()) == Array(list.dropFirst()))
    #expect(Operands(operands.dropFirst()) == Operands(list.dropFirst()))
  }

  /// Equal lists are equal operands with equal hashes, however they were built.
  @Test(arguments: 0...6)
  func equalityFollowsTheList(count: Int) {
    let list = Self.ids(count)
    let built: [Operands] =
      switch count {
      case 1: [Operands(list), Operands(list[0]), Operands(list[...])]
      case 2: [Operands(list), Operands(list[0], list[1]), Operands(list[...])]
      case 3: [Operands(list), Operands(list[0], list[1], list[2]), Operands(list[...])]
      default: [Operands(list), Operands(list[...]), Operands(list.reversed().reversed())]
      }
    for operands in built {
      #expect(operands == built[0])
      #expect(operands.hashValue == built[0].hashValue)
    }
    // A different list is a different operand list, including a prefix or a longer one.
    var other = list
    if count > 0 { other[count - 1] = NodeID(999) } else { other = [NodeID(0)] }
    #expect(Operands(other) != built[0])
    #expect(Operands(list + [NodeID(0)]) != built[0])
    // An unused inline slot holds id 0: a real trailing id 0 must still count.
    #expect(Operands(Array(list.prefix(1)) + [NodeID(0)]) != Operands(Array(list.prefix(1))))
  }

  @Test func nodesWithInlineAndSpilledOperandsIntern() {
    let graph = ExpressionGraph()
    let xs = (0..<5).map { graph.symbol("x\($0)") }
    let small = graph.intern(.sum(Operands(xs[0], xs[1])))
    let large = graph.intern(.product(Operands(xs)))
    #expect(graph.intern(.sum(Operands([xs[0], xs[1]]))) == small)
    #expect(graph.intern(.product(Operands(Array(xs)))) == large)
    #expect(graph[large].children.array == xs)
  }
}

/// Symbols sort by packed keys where the keys can tell, by their split names otherwise; both must
/// give the natural order of names.
@Suite struct SymbolOrderKeyTests {
  static let names = [
    "x", "y", "w", "w1", "w2", "w10", "w01", "w_1", "w1_1", "beta", "beta0", "beta2", "beta10", "betas", "b",
    "omega3", "omegaaaa", "omegaaaab", "omegaaaaa1", "x123456789", "x12345678", "x99999999", "net_h1", "net_h",
    "l", "A", "Z", "a", "z9", "zz", "σ", "βx", "x_y", "x_yz", "longname12", "longname9",
  ]

  @Test func keysAgreeWithTheSplitNames() {
    for a in Self.names {
      for b in Self.names {
        let expected = CanonicalOrder.compareSpellings(SymbolSpelling(canonical: a), SymbolSpelling(canonical: b))
        let keyA = SymbolOrderKey(canonical: a)
        let keyB = SymbolOrderKey(canonical: b)
        if let order = SymbolOrderKey.compare(keyA, keyB) {
          #expect(order.signum() == expected.signum(), "\(a) vs \(b)")
        } else {
          #expect(!keyA.isExact || !keyB.isExact, "\(a) vs \(b): exact keys must decide")
        }
      }
    }
  }

  /// Sorting a product's factors gives the same order through the graph, whose keys are cached.
  @Test func factorsSortInNaturalOrder() throws {
    let formula = try Formula(parsing: "w10*w2*beta10*beta2*x*omegaaaab*omegaaaaa1*x123456789*x12345678")
    #expect(
      formula.plain(formula.simplified(formula.root))
        == "beta2*beta10*omegaaaaa1*omegaaaab*w2*w10*x*x12345678*x123456789")
  }
}
