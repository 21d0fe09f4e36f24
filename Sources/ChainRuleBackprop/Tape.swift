import ChainRuleCalculus
import ChainRuleExpression
import ChainRuleNumeric
import ChainRuleSupport
import ChainRuleSyntax
import Foundation

/// A numeric tape (Wengert list) compiled from a graph: a slot per node, children first.
///
/// Constants and variables fill their slots; every other node is one instruction. The forward
/// pass is one ascending loop, vᵢ = opᵢ(v_a, v_b, …); the backward pass one
/// descending loop that *accumulates* adjoints, v̄_a += v̄ᵢ · ∂vᵢ/∂v_a, starting from v̄_root = 1.
/// A node used twice receives two contributions, and their sum is its adjoint. The local
/// derivatives are the same as ``Differentiator``'s (and ``Function/partialDerivatives(at:in:)``),
/// evaluated instead of built: sin′ = cos, exp′ = exp (the stored value), tanh′ = 1 − tanh², …,
/// relu′(0) = 0, ties of max/min pick the first argument.
///
/// Values follow IEEE arithmetic: outside a function's domain they become NaN or ±∞ instead of
/// throwing; use ``Evaluator`` to name the subexpression that failed.
///
/// ```swift
/// var tape = Tape(graph: formula.graph, root: formula.root)
/// tape.forward(at: ["x": 2, "y": 1, "w": 0.5])
/// tape.backward()
/// tape.gradient(withRespectTo: ["w"])   // [∂ℓ/∂w]
/// ```
public struct Tape: Sendable {
  /// What an instruction computes; operands are slots of earlier nodes.
  enum Opcode: UInt8, Sendable {
    /// `v_a + v_b`.
    case add
    /// `Σ` of `count` operands listed from `operands[a]`.
    case sum
    /// `v_a · v_b`.
    case multiply
    /// `Π` of `count` operands listed from `operands[a]`.
    case product
    /// `v_a²`.
    case square
    /// `1 / v_a`.
    case reciprocal
    /// `v_a ^ constant`.
    case powerConstant
    /// `v_a ^ v_b`.
    case power
    /// `v_a + v_b · v_c`: a two-term sum whose product term has no other use, fused (the toy
    /// model's β + ω·h), so the loops dispatch once where they would twice.
    case affine
    /// `f(v_a)`, with f the tape's kernel number `c` (its value and slope from the function's
    /// definition).
    case unary
    /// `f(v_a, v_b)`, with f the tape's two-argument function number `c`.
    case binary
  }

  /// One step of the list: 32 bytes, operands and result as slot indices. Constants and
  /// variables have a slot but no instruction: their values are stored before the loop.
  struct Instruction: Sendable {
    var opcode: Opcode
    var a: Int32 = 0
    var b: Int32 = 0
    /// The third operand of `.affine`; the kernel of `.unary` and `.binary`.
    var c: Int32 = 0
    /// The slot this instruction writes.
    var out: Int32 = 0
    /// The exponent of `.powerConstant`.
    var constant: Double = 0
  }

  /// The variables the result depends on, in ascending node order; also the order of
  /// ``forward(inputs:)``'s argument.
  public let variables: [String]
  let instructions: [Instruction]
  let operands: [Int32]
  @usableFromInline let inputSlots: [Int32]
  /// Every slot's value: constants from the start, the rest after a forward pass.
  private(set) var values: [Double]
  @usableFromInline var adjoints: [Double]
  /// The functions the tape calls, each once, with their value and slope closures.
  let kernels: [Kernel]

  /// A function's numbers as its ``FunctionDefinition`` gives them, ready to call.
  struct Kernel: Sendable {
    /// The function the closures compute.
    let function: Function
    var value: @Sendable (Double) -> Double = { _ in .nan }
    var slope: @Sendable (Double, Double) -> Double = { _, _ in .nan }
    var binaryValue: @Sendable (Double, Double) -> Double = { _, _ in .nan }
    var binarySlopes: @Sendable (Double, Double) -> (Double, Double) = { _, _ in (.nan, .nan) }

    init(_ function: Function) {
      self.function = function
      let definition = function.definition
      switch definition.value {
      case .unary(let f): value = f
      case .binary(let f): binaryValue = f
      }
      switch definition.derivativeValue {
      case .unary(let f): slope = f
      case .fromTemplates:
        let templates = definition.derivatives
        slope = { u, _ in templates.first?.evaluate([u]) ?? .nan }
        binarySlopes = { a, b in
          (templates.first?.evaluate([a, b]) ?? .nan, templates.count > 1 ? templates[1].evaluate([a, b]) : .nan)
        }
      }
    }
  }

  /// Compiles the nodes `root` depends on, in ascending id order (children before parents).
  ///
  /// - Parameters:
  ///   - graph: The graph holding the formula.
  ///   - root: The node whose value and gradient the tape computes.
  public init(graph: ExpressionGraph, root: NodeID) {
    let order = graph.reachable(from: root)
    var slot = [Int32](repeating: -1, count: Int(root.index) + 1)
    for (position, id) in order.enumerated() { slot[Int(id.index)] = Int32(position) }
    func at(_ id: NodeID) -> Int32 { slot[Int(id.index)] }

    var instructions: [Instruction] = []
    instructions.reserveCapacity(order.count)
    var operands: [Int32] = []
    var values = [Double](repeating: 0, count: order.count)
    var variables: [String] = []
    var inputSlots: [Int32] = []
    let fused = Self.fusedProducts(order, in: graph)
    var kernels: [Kernel] = []
    var kernelOf: [Function: Int] = [:]
    func kernelIndex(_ function: Function) -> Int {
      if let known = kernelOf[function] { return known }
      kernels.append(Kernel(function))
      kernelOf[function] = kernels.count - 1
      return kernels.count - 1
    }
    for (position, id) in order.enumerated() {
      let emitted = instructions.count
      if fused.contains(id) { continue }
      // Read through the graph's records: building a `Node` per id would cost more than the rest.
      let slots = graph.operandSlots(id)
      func operand(_ k: Int) -> NodeID { graph.operand(atSlot: slots.lowerBound + k) }
      switch graph.kind(id) {
      case .number:
        values[position] = graph.constant(of: id)
      case .symbol:
        variables.append(graph.symbolName(id) ?? "")
        inputSlots.append(Int32(position))
      case .sum:
        if slots.count == 2, let k = fused.contains(operand(0)) ? 0 : fused.contains(operand(1)) ? 1 : nil {
          let product = operand(k)
          let (weight, input) = (graph.operand(of: product, at: 0), graph.operand(of: product, at: 1))
          instructions.append(Instruction(opcode: .affine, a: at(operand(1 - k)), b: at(weight), c: at(input)))
        } else if slots.count == 2 {
          instructions.append(Instruction(opcode: .add, a: at(operand(0)), b: at(operand(1))))
        } else {
          instructions.append(
            Instruction(opcode: .sum, a: Int32(operands.count), b: Int32(slots.count)))
          for slot in slots { operands.append(at(graph.operand(atSlot: slot))) }
        }
      case .product:
        if slots.count == 2 {
          instructions.append(Instruction(opcode: .multiply, a: at(operand(0)), b: at(operand(1))))
        } else {
          instructions.append(
            Instruction(opcode: .product, a: Int32(operands.count), b: Int32(slots.count)))
          for slot in slots { operands.append(at(graph.operand(atSlot: slot))) }
        }
      case .power:
        let (base, exponent) = (operand(0), operand(1))
        if let e = graph.numberValue(exponent) {
          let opcode: Opcode = e == 2 ? .square : (e == -1 ? .reciprocal : .powerConstant)
          instructions.append(Instruction(opcode: opcode, a: at(base), constant: e))
        } else {
          instructions.append(Instruction(opcode: .power, a: at(base), b: at(exponent)))
        }
      case .call:
        let function = graph.function(of: id) ?? .sin
        let kernel = Int32(kernelIndex(function))
        if slots.count == 2 {
          instructions.append(Instruction(opcode: .binary, a: at(operand(0)), b: at(operand(1)), c: kernel))
        } else {
          instructions.append(Instruction(opcode: .unary, a: at(operand(0)), c: kernel))
        }
      }
      if instructions.count > emitted { instructions[emitted].out = Int32(position) }
    }
    self.variables = variables
    self.instructions = instructions
    self.operands = operands
    self.inputSlots = inputSlots
    self.values = values
    self.adjoints = [Double](repeating: 0, count: order.count)
    self.kernels = kernels
  }

  /// The two-factor products that are a term of a two-term sum and have no other use: each is
  /// computed inside its sum's `.affine` instruction and gets no instruction of its own.
  private static func fusedProducts(_ order: [NodeID], in graph: ExpressionGraph) -> Set<NodeID> {
    var uses: [NodeID: Int] = [:]
    for id in order {
      for slot in graph.operandSlots(id) { uses[graph.operand(atSlot: slot), default: 0] += 1 }
    }
    var fused: Set<NodeID> = []
    for id in order where graph.kind(id) == .sum && graph.operandCount(id) == 2 {
      for slot in graph.operandSlots(id) {
        let term = graph.operand(atSlot: slot)
        if uses[term] == 1 && graph.kind(term) == .product && graph.operandCount(term) == 2 {
          fused.insert(term)
          break
        }
      }
    }
    return fused
  }

  /// The number of slots: the distinct nodes of the formula, constants and variables included.
  public var count: Int { values.count }

  /// The result of the last forward pass.
  public var value: Double { values.last ?? .nan }

  // MARK: Forward

  /// Runs the forward pass at `point` (variable name → value) and returns the result.
  ///
  /// - Throws: ``EvaluationError/unboundSymbol(_:)`` when a variable has no value.
  @discardableResult
  public mutating func forward(at point: [String: Double]) throws(EvaluationError) -> Double {
    var inputs: [Double] = []
    inputs.reserveCapacity(variables.count)
    for name in variables {
      guard let value = Parser.constants[name] ?? point[name] else { throw .unboundSymbol(name) }
      inputs.append(value)
    }
    return forward(inputs: inputs)
  }

  /// Runs the forward pass with `inputs[i]` as the value of `variables[i]`; the fast path for
  /// evaluating one formula at many points.
  @discardableResult
  public mutating func forward(inputs: [Double]) -> Double {
    precondition(inputs.count == variables.count, "one input per variable")
    let instructions = self.instructions
    let kernels = self.kernels
    let operands = self.operands
    let inputSlots = self.inputSlots
    return values.withUnsafeMutableBufferPointer { v in
      for (i, slot) in inputSlots.enumerated() { v[Int(slot)] = inputs[i] }
      instructions.withUnsafeBufferPointer { code in
        operands.withUnsafeBufferPointer { list in
          for instruction in code {
            let a = Int(instruction.a)
            let b = Int(instruction.b)
            let result: Double
            switch instruction.opcode {
            case .add: result = v[a] + v[b]
            case .sum:
              var total = 0.0
              for k in a..<(a + b) { total += v[Int(list[k])] }
              result = total
            case .multiply: result = v[a] * v[b]
            case .product:
              var total = 1.0
              for k in a..<(a + b) { total *= v[Int(list[k])] }
              result = total
            case .square: result = v[a] * v[a]
            case .reciprocal: result = 1 / v[a]
            case .powerConstant: result = Self.power(v[a], instruction.constant)
            case .power: result = Self.power(v[a], v[b])
            case .affine: result = v[a] + v[b] * v[Int(instruction.c)]
            case .unary: result = kernels[Int(instruction.c)].value(v[a])
            case .binary: result = kernels[Int(instruction.c)].binaryValue(v[a], v[b])
            }
            v[Int(instruction.out)] = result
          }
        }
      }
      return v.count > 0 ? v[v.count - 1] : .nan
    }
  }

  // MARK: Backward

  /// Runs the backward pass from the result (v̄ = 1), accumulating every slot's adjoint.
  ///
  /// Call after ``forward(inputs:)`` or ``forward(at:)``; read the results with
  /// ``gradient(withRespectTo:)`` or ``adjoint(ofVariableAt:)``.
  public mutating func backward() {
    let instructions = self.instructions
    let kernels = self.kernels
    let operands = self.operands
    let v = self.values
    adjoints.withUnsafeMutableBufferPointer { bar in
      guard bar.count > 0 else { return }
      bar.update(repeating: 0)
      bar[bar.count - 1] = 1
      instructions.withUnsafeBufferPointer { code in
        operands.withUnsafeBufferPointer { list in
          v.withUnsafeBufferPointer { v in
            for instruction in code.reversed() {
              let a = Int(instruction.a)
              let b = Int(instruction.b)
              let out = Int(instruction.out)
              let g = bar[out]
              switch instruction.opcode {
              case .add:
                bar[a] += g
                bar[b] += g
              case .sum:
                for k in a..<(a + b) { bar[Int(list[k])] += g }
              case .multiply:
                bar[a] += g * v[b]
                bar[b] += g * v[a]
              case .product:
                for k in a..<(a + b) {
                  var others = 1.0
                  for j in a..<(a + b) where j != k { others *= v[Int(list[j])] }
                  bar[Int(list[k])] += g * others
                }
              case .square: bar[a] += g * (2 * v[a])
              case .reciprocal: bar[a] += g * -Self.power(v[a], -2)
              case .powerConstant:
                let e = instruction.constant
                bar[a] += g * (e * Self.power(v[a], e - 1))
              case .power:
                let e = v[b]
                bar[a] += g * (e * Self.power(v[a], e - 1))
                bar[b] += g * (v[out] * Foundation.log(v[a]))
              case .affine:
                let c = Int(instruction.c)
                bar[a] += g
                bar[b] += g * v[c]
                bar[c] += g * v[b]
              case .unary:
                bar[a] += g * kernels[Int(instruction.c)].slope(v[a], v[out])
              case .binary:
                let slopes = kernels[Int(instruction.c)].binarySlopes(v[a], v[b])
                bar[a] += g * slopes.0
                bar[b] += g * slopes.1
              }
            }
          }
        }
      }
    }
  }

  /// ∂result/∂`variables[index]` from the last backward pass.
  @inlinable
  public func adjoint(ofVariableAt index: Int) -> Double {
    adjoints[Int(inputSlots[index])]
  }

  /// ∂result/∂s for each name, from the last backward pass (0 for a variable not used).
  public func gradient(withRespectTo names: [String]) -> [Double] {
    var position: [String: Int] = [:]
    for (i, name) in variables.enumerated() { position[name] = i }
    return names.map { name in position[name].map(adjoint(ofVariableAt:)) ?? 0 }
  }

  // MARK: Arithmetic shared by both passes

  /// `b^e` as ``Evaluator`` computes it: `b·b` for e = 2, `1/b` for e = −1, else `pow`.
  @inline(__always)
  static func power(_ b: Double, _ e: Double) -> Double {
    if e == 2 { return b * b }
    if e == -1 { return 1 / b }
    return Foundation.pow(b, e)
  }
}
