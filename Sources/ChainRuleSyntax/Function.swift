import Foundation

/// A function a formula may call: a small handle on its ``FunctionDefinition``.
///
/// The standard functions are ``StandardFunctions``'s entries (`Function.sin`, `.relu`, …); more
/// can be added with ``register(_:)``. A `Function` is an index, so nodes store and compare it
/// for free; everything about it — names, value, derivative, printing — is read from its
/// definition.
public struct Function: Hashable, Sendable, CustomStringConvertible {
  /// The position of the definition in ``FunctionRegistry``.
  @usableFromInline package let id: UInt16

  @usableFromInline package init(id: UInt16) { self.id = id }

  /// Everything known about the function.
  public var definition: FunctionDefinition { FunctionRegistry.definition(id) }

  /// The canonical ASCII name, as typed and as printed in plain output.
  public var name: String { definition.name }

  /// How many arguments the function takes.
  public var arity: Int { definition.arity }

  /// Whether the function has a kink (a point where it is not differentiable), where a
  /// convention chooses the derivative.
  public var hasKink: Bool { definition.kink != nil }

  /// The domain as a learner reads it, completing "log needs …": `a positive argument`.
  public var domainDescription: String { definition.domain }

  public var description: String { name }

  /// The function's value at `arguments`, NaN outside its domain (no error; see
  /// `evaluate(_:)` in the expression stage for the checked value).
  public func value(_ arguments: [Double]) -> Double {
    switch definition.value {
    case .unary(let f): f(arguments.first ?? .nan)
    case .binary(let f): arguments.count == 2 ? f(arguments[0], arguments[1]) : .nan
    }
  }

  /// Looks a function up by a name as typed: canonical names and aliases (`ln`, `σ`).
  public init?(named name: String) {
    guard let found = FunctionRegistry.function(named: name) else { return nil }
    self = found
  }

  /// Every function: the standard ones, then those registered, in order.
  public static var allCases: [Function] { FunctionRegistry.all }

  /// The functions every formula may call without registering any (``StandardFunctions``).
  public static let standardFunctions: [Function] = FunctionRegistry.standard.indices.map { Function(id: UInt16($0)) }

  /// Every name the parser accepts, for help texts and suggestions.
  public static var allNames: [String] {
    let functions = allCases
    return functions.map(\.name)
      + functions.flatMap { $0.definition.aliases.filter { $0.utf8.allSatisfy { $0 < 0x80 } } }
  }

  /// The closest function name to `name`, if it is close enough to be a likely typo.
  static func suggestion(for name: String) -> String? {
    let lowered = name.lowercased()
    if let exact = Function(named: lowered) { return exact.name }
    return Suggestion.closest(to: lowered, among: allNames)
  }

  /// Adds `definition` to the functions every formula may call, and returns its handle.
  ///
  /// The name must be a plain ASCII identifier that is not taken; there must be one derivative
  /// template per argument, using no argument beyond the function's arity.
  ///
  /// - Throws: ``FunctionRegistrationError`` when the definition does not fit.
  public static func register(_ definition: FunctionDefinition) throws(FunctionRegistrationError) -> Function {
    try FunctionRegistry.register(definition)
  }
}

/// Why ``Function/register(_:)`` refused a definition.
public enum FunctionRegistrationError: Error, Hashable, Sendable {
  /// The name (or an alias) is already a function's.
  case nameTaken(String)
  /// The name is not an ASCII identifier of letters (and digits after the first).
  case invalidName(String)
  /// The derivative templates do not match the arity.
  case derivativesDoNotMatchArity(name: String, arity: Int, templates: Int)
}

/// The definitions behind every ``Function``: the standard table, then registered ones.
package enum FunctionRegistry {
  /// The standard functions, at the positions their ids name.
  package static let standard: [FunctionDefinition] = StandardFunctions.definitions

  /// Functions added with ``Function/register(_:)``, after the standard ones.
  private static let registered = Registered()

  private final class Registered: @unchecked Sendable {
    private let lock = NSLock()
    private var definitions: [FunctionDefinition] = []
    private var byName: [String: Function] = [:]

    func withLock<T>(_ body: (inout [FunctionDefinition], inout [String: Function]) -> T) -> T {
      lock.lock()
      defer { lock.unlock() }
      return body(&definitions, &byName)
    }
  }

  /// The definition with id `id` (the standard one's is read without a lock).
  @inline(__always)
  static func definition(_ id: UInt16) -> FunctionDefinition {
    let index = Int(id)
    if index < standard.count { return standard[index] }
    return registered.withLock { definitions, _ in
      let position = index - standard.count
      return position < definitions.count ? definitions[position] : standard[0]
    }
  }

  /// Every function, standard first.
  static var all: [Function] {
    let extra = registered.withLock { definitions, _ in definitions.count }
    return (0..<(standard.count + extra)).map { Function(id: UInt16($0)) }
  }

  /// The function named `name` (or with that alias).
  static func function(named name: String) -> Function? {
    if let standard = StandardFunctions.function(named: name) { return standard }
    return registered.withLock { _, byName in byName[name] }
  }

  static func register(_ definition: FunctionDefinition) throws(FunctionRegistrationError) -> Function {
    let names = [definition.name] + definition.aliases
    for name in names {
      let bytes = Array(name.utf8)
      let isIdentifier =
        !bytes.isEmpty
        && bytes.allSatisfy { $0 < 0x80 && (Character(UnicodeScalar($0)).isLetter || ($0 >= 0x30 && $0 <= 0x39)) }
        && !(bytes[0] >= 0x30 && bytes[0] <= 0x39)
      guard isIdentifier else { throw .invalidName(name) }
    }
    let arity = definition.arity
    guard definition.derivatives.count == arity, definition.derivatives.allSatisfy({ $0.argumentCount <= arity })
    else {
      throw .derivativesDoNotMatchArity(name: definition.name, arity: arity, templates: definition.derivatives.count)
    }
    let result: Result<Function, FunctionRegistrationError> = registered.withLock { definitions, byName in
      for name in names where StandardFunctions.function(named: name) != nil || byName[name] != nil {
        return .failure(.nameTaken(name))
      }
      let function = Function(id: UInt16(standard.count + definitions.count))
      definitions.append(definition)
      for name in names { byName[name] = function }
      return .success(function)
    }
    return try result.get()
  }
}
