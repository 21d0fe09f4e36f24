import ChainRuleSupport

/// A problem with a formula, with the place in the source where it was found.
///
/// The wording of every kind lives in ``message`` and ``hint``, in one place, so the CLI, the
/// REPL and the library report errors identically.
public struct Diagnostic: Error, Hashable, Sendable {
  /// What went wrong, as data.
  public enum Kind: Hashable, Sendable {
    /// Something other than what the grammar allows at this point.
    case expected(String, found: String)
    /// A name followed by a bracket that is not a known function.
    case unknownFunction(String, suggestion: String?)
    /// A function called with the wrong number of arguments.
    case wrongArgumentCount(function: String, expected: Int, found: Int)
    /// A function name used without brackets, e.g. `sin x`.
    case functionWithoutArguments(String)
    /// A character the lexer does not understand.
    case unexpectedCharacter(String)
    /// Two operands side by side with no operator between them.
    case missingOperator(found: String)
    /// An opening bracket that is never closed.
    case unclosedBracket(String)
    /// A closing bracket that does not match the opening one.
    case mismatchedBracket(expected: String, found: String)
    /// A closing bracket with no opening one.
    case unmatchedClosingBracket(String)
    /// The input holds no formula.
    case emptyInput
    /// Brackets or function calls nested deeper than the parser allows.
    case nestingTooDeep(limit: Int)
    /// The input is larger than the parser accepts.
    case inputTooLarge(bytes: Int, limit: Int)
    /// A number that does not fit a `Double`.
    case numberOutOfRange(String)
    /// A non-zero number so small that a `Double` would hold it as 0.
    case numberUnderflows(String)
    /// An integer written out in digits that a `Double` cannot hold exactly, and the nearest
    /// integer it can.
    case integerNotExact(String, nearest: String)
    /// A name used on one line and defined on a later one: lines are read in order.
    case usedBeforeDefinition(String, useLine: Int, definitionLine: Int)
    /// A part of the formula without variables (as typed) that has no value.
    case constantWithoutValue(String, Undefined)
    /// A part of the formula that, as typed, has no value at the point given, though a
    /// simplified form would have one: `x/x` at x = 0, `0*log(x)` at x = −1.
    case undefinedAsWritten(String, Undefined)
    /// A definition of a name that was already defined.
    case redefinition(String)
    /// A definition that uses its own name.
    case selfReference(String)
    /// A defined name given an argument list that is not just names: `f(3)`.
    case argumentsNotSubstituted(String)
    /// A LaTeX command the LaTeX reader does not support.
    case unsupportedCommand(String)
    /// Bytes that are not valid UTF-8.
    case invalidUTF8
  }

  /// Why a constant part of a formula has no value.
  public enum Undefined: Error, Hashable, Sendable {
    /// A function outside its domain, e.g. `log(0)`; `domain` completes "log needs …".
    case outsideDomain(function: String, domain: String)
    /// A division by something that is always 0, or 0 to a negative power.
    case divisionByZero
    /// A negative number to a fractional power, e.g. `(-8)^(1/3)`.
    case negativeBaseFractionalPower
    /// A value too large for a `Double`, e.g. `exp(1000)`.
    case overflow
  }

  /// What went wrong.
  public var kind: Kind
  /// Where it went wrong, in UTF-8 offsets into the source.
  public var span: SourceSpan

  /// Creates a diagnostic of `kind` at `span`.
  public init(_ kind: Kind, at span: SourceSpan) {
    self.kind = kind
    self.span = span
  }

  /// The one-line description printed after `error: `.
  public var message: String {
    switch kind {
    case .expected(let what, let found): "expected \(what), found \(found)"
    case .unknownFunction(let name, _): "unknown function '\(name)'"
    case .wrongArgumentCount(let function, let expected, let found):
      "'\(function)' takes \(expected) argument\(expected == 1 ? "" : "s"), found \(found)"
    case .functionWithoutArguments(let name): "function '\(name)' needs its argument in brackets"
    case .unexpectedCharacter(let text): "unexpected character \(text)"
    case .missingOperator(let found): "missing operator before \(found)"
    case .unclosedBracket(let bracket): "'\(bracket)' is never closed"
    case .mismatchedBracket(let expected, let found):
      "expected '\(expected)' to close the bracket, found '\(found)'"
    case .unmatchedClosingBracket(let bracket): "'\(bracket)' has no matching opening bracket"
    case .emptyInput: "the input holds no formula"
    case .nestingTooDeep(let limit):
      "the formula nests more than \(limit) levels deep (brackets, calls, signs or powers)"
    case .inputTooLarge(let bytes, let limit):
      "the input is \(bytes) bytes; formulas are limited to \(limit) bytes"
    case .numberOutOfRange(let text): "the number \(text) is too large for a 64-bit float"
    case .numberUnderflows(let text): "the number \(text) is too small for a 64-bit float, which would hold it as 0"
    case .integerNotExact(let text, let nearest):
      "the integer \(text) cannot be held exactly by a 64-bit float (the nearest it holds is \(nearest))"
    case .usedBeforeDefinition(let name, let useLine, let definitionLine):
      "'\(name)' is used on line \(useLine) before line \(definitionLine) defines it"
    case .constantWithoutValue(let text, let why):
      switch why {
      case .outsideDomain(let function, let domain): "\(text) has no value: \(function) needs \(domain)"
      case .divisionByZero: "\(text) has no value: it divides by zero"
      case .negativeBaseFractionalPower:
        "\(text) has no value: a negative number to a fractional power is not a real number"
      case .overflow: "\(text) has no value: it is too large for a 64-bit float"
      }
    case .undefinedAsWritten(let text, let why):
      switch why {
      case .outsideDomain(let function, let domain): "\(text) has no value at this point: \(function) needs \(domain)"
      case .divisionByZero: "\(text) has no value at this point: it divides by zero"
      case .negativeBaseFractionalPower:
        "\(text) has no value at this point: a negative number to a fractional power is not a real number"
      case .overflow: "\(text) has no value at this point: it is too large for a 64-bit float"
      }
    case .redefinition(let name): "'\(name)' is defined twice"
    case .selfReference(let name): "'\(name)' is used in its own definition"
    case .argumentsNotSubstituted(let name): "'\(name)' stands for its definition; its arguments are not substituted"
    case .unsupportedCommand(let command): "unsupported LaTeX command '\(command)'"
    case .invalidUTF8: "the input is not valid UTF-8"
    }
  }

  /// The short advice printed under the caret, if there is any.
  public var hint: String? {
    switch kind {
    case .unknownFunction(_, let suggestion?): "did you mean '\(suggestion)'?"
    case .unknownFunction: "functions: \(Function.allNames.joined(separator: " "))"
    case .functionWithoutArguments(let name): "write '\(name)(…)' or '\(name)[…]'"
    case .missingOperator: "write '*' to multiply"
    case .unclosedBracket: "add the closing bracket"
    case .unmatchedClosingBracket: "remove it, or add the opening bracket"
    case .emptyInput: "type a formula such as 'sin(x)^2', or definitions 'f = …' one per line"
    case .nestingTooDeep: "write the formula as definitions, one step per line"
    case .inputTooLarge: "split the formula into definitions, or differentiate a smaller part"
    case .redefinition: "give the second definition a new name"
    case .numberUnderflows: "write 0 if you mean zero; the smallest number a float holds is about 5e-324"
    case .integerNotExact(let text, _):
      "write \(Self.scientific(text)) to accept the rounding"
    case .usedBeforeDefinition(let name, _, _):
      "lines are read in order: move the definition of '\(name)' above its first use"
    case .constantWithoutValue(_, .overflow): "the largest a float holds is about 1.8e308 (exp(709))"
    case .constantWithoutValue(_, .divisionByZero): "a division by 0 has no value at any point"
    case .constantWithoutValue: "a part without variables must have a value, whatever the point"
    case .undefinedAsWritten: "as written the formula has no value here, though a simplified form would hide that"
    case .selfReference(let name): "give the new value its own name, e.g. '\(name)2 = \(name) + …'"
    case .argumentsNotSubstituted(let name): "write '\(name)' alone, or '\(name)[x, φ]' with names as the book does"
    case .unexpectedCharacter(let text) where text.contains("control"):
      "remove the control character"
    case .unexpectedCharacter(let text) where text.hasPrefix("'_'"):
      "an underscore joins a name to its subscript, as in 'x_1' or 'w_h1'"
    case .unsupportedCommand(let command): LaTeXLexer.hint(forUnsupported: command)
    default: nil
    }
  }

  /// An integer's digits in scientific notation, `9223372036854775807` → `9.223372036854775807e18`.
  private static func scientific(_ digits: String) -> String {
    let trimmed = digits.drop { $0 == "0" }
    guard let first = trimmed.first else { return digits }
    let rest = trimmed.dropFirst().reversed().drop { $0 == "0" }.reversed()
    return "\(first)\(rest.isEmpty ? "" : "." + String(rest))e\(trimmed.count - 1)"
  }
}
