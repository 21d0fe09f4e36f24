// A libFuzzer target: arbitrary bytes through parse → differentiate → simplify → print → re-parse,
// then through `chainrule diff --format json` and `chainrule latex` (FuzzCommandOutput.swift).
//
// Built for fuzzing by `Scripts/fuzz.sh` (`-sanitize=fuzzer,address`, `-D FUZZING`), when libFuzzer
// supplies `main` and calls ``fuzzOneInput(_:_:)`` for every input. In an ordinary build the same
// checks run from a small driver over files: `swift run ChainRuleFuzz Tests/Fuzz/corpus` replays a
// corpus or a crash file without the sanitizers.
import ChainRule
import Foundation

/// The checks made on one input. Any failure stops the process, which libFuzzer reports as a crash.
enum FuzzCheck {
  /// Closed forms with more operations than this are not printed: a shared graph printed as a tree
  /// can be exponentially long, and the CLI summarises them too.
  static let printLimit = 4_000
  /// Inputs longer than this are only parsed.
  static let inputLimit = 20_000

  static func fail(_ message: String, _ source: String) -> Never {
    let shown = source.count > 2_000 ? String(source.prefix(2_000)) + "…" : source
    fatalError("ChainRuleFuzz: \(message)\ninput: \(shown.debugDescription)")
  }

  /// A point with a value for every variable: small, distinct, away from 0 and ±1.
  static func point(for variables: [String]) -> [String: Double] {
    var point: [String: Double] = [:]
    for (i, name) in variables.enumerated() {
      point[name] = 0.37 + 0.113 * Double(i % 7) - (i % 2 == 0 ? 0 : 0.9)
    }
    return point
  }

  /// The value of `id` and the largest intermediate magnitude, or nil where it has no value.
  static func valueAndScale(_ formula: Formula, _ id: NodeID, _ point: [String: Double])
    -> (value: Double, scale: Double)?
  {
    guard let (values, _) = try? Evaluator(graph: formula.graph).values(of: [id], at: point),
      let value = values[id]
    else { return nil }
    let scale = values.values.reduce(0) { max($0, abs($1)) }
    return (value, scale)
  }

  /// Whether the formula holds a constant of magnitude 10¹⁵⁰ or more (whose products overflow).
  static func hasHugeConstant(_ formula: Formula) -> Bool {
    formula.graph.reachable(from: [formula.root]).contains { abs(formula.graph.numberValue($0) ?? 0) >= 1e150 }
  }

  /// `text` read back (in `syntax`) is the same function as `id` at `point`.
  static func expectSameFunction(
    _ formula: Formula, _ id: NodeID, printed text: String, syntax: InputSyntax, what: String,
    at point: [String: Double], source: String
  ) {
    let reparsed: Formula
    do {
      reparsed = try Formula(parsing: text, syntax: syntax)
    } catch {
      // A part without variables and without a value (1e200·1e200, the derivative of
      // 1e200·(1e200·x + y)) is refused on reading, by design; the printed form is still true.
      if error.message.contains("has no value"), valueAndScale(formula, id, point) == nil { return }
      // Two constants whose product overflows are printed side by side (2e+233*3e+233, kept
      // apart by the graph), and the reader refuses that product as a part without a value:
      // a known limit of printing such constants, not a wrong result.
      if error.message.contains("too large for a 64-bit float"), hasHugeConstant(formula) { return }
      fail("\(what) does not parse back: \(error.message)\nprinted: \(text)", source)
    }
    let printedVariables = Set(reparsed.variables)
    let originalVariables = Set(formula.graph.symbols(in: id))
    guard printedVariables.isSubset(of: originalVariables) else {
      fail("\(what) has new variables \(printedVariables.subtracting(originalVariables))\nprinted: \(text)", source)
    }
    guard let original = valueAndScale(formula, id, point) else { return }
    guard let again = valueAndScale(reparsed, reparsed.root, point) else {
      // Printing may only lose a value where rounding tips a value over a domain edge.
      if original.scale < 1e6 && abs(original.value) < 1e6 {
        // Tolerated: the printed form may evaluate in a different order near an edge.
      }
      return
    }
    let scale = max(1, original.scale, again.scale)
    guard scale < 1e12 else { return }
    let tolerance = 1e-7 * scale
    if abs(original.value - again.value) > tolerance {
      fail(
        "\(what) printed and read back is \(again.value), not \(original.value) at \(point)\nprinted: \(text)",
        source)
    }
  }

  /// Runs every check on `source`.
  static func run(_ source: String) {
    let formula: Formula
    do {
      formula = try Formula(parsing: source)
    } catch {
      let rendered = DiagnosticRenderer().render(error, in: source)
      if !rendered.hasPrefix("error: ") || !rendered.contains("^") {
        fail("diagnostic without a caret: \(rendered)", source)
      }
      return
    }
    guard source.utf8.count <= inputLimit else { return }
    let variables = formula.variables
    let point = point(for: variables)
    let plain = formula.printer(.plain)
    let latex = formula.printer(.latex)
    let unicode = formula.printer(.unicode)

    var ids: [(NodeID, String)] = [(formula.root, "formula")]
    let simplifiedRoot = formula.simplified(formula.root)
    ids.append((simplifiedRoot, "simplified formula"))
    let wrt = Array(variables.prefix(4))
    for (variable, derivative) in zip(wrt, formula.gradient(withRespectTo: wrt)) {
      guard formula.graph.treeOperationCount(derivative) <= printLimit * 4 else { continue }
      ids.append((formula.simplified(derivative), "∂/∂\(variable) simplified"))
    }
    for (id, what) in ids {
      guard formula.graph.treeOperationCount(id) <= printLimit else { continue }
      let text = plain.string(id)
      if text != plain.string(id) { fail("\(what): printing is not deterministic", source) }
      _ = unicode.string(id)
      expectSameFunction(
        formula, id, printed: text, syntax: .plain, what: "\(what) (plain)", at: point, source: source)
      let tex = latex.string(id)
      expectSameFunction(
        formula, id, printed: tex, syntax: .latex, what: "\(what) (LaTeX)", at: point, source: source)
    }
    // Simplification never changes the value.
    if let a = valueAndScale(formula, formula.root, point),
      let b = valueAndScale(formula, simplifiedRoot, point)
    {
      let scale = max(1, a.scale, b.scale)
      if scale < 1e12 && abs(a.value - b.value) > 1e-7 * scale {
        fail("simplified value \(b.value) differs from \(a.value) at \(point)", source)
      }
    }
    // The commands' JSON and LaTeX output (FuzzCommandOutput.swift).
    checkCommands(source, formula, at: point)
  }
}

/// One long-lived thread with a 64 MB stack that runs the checks, input after input.
///
/// Deep inputs recurse, and libFuzzer's thread has only the default stack. Starting a fresh
/// thread per input cost more than most inputs' checks; this worker is started once and handed
/// each input through two semaphores, so the caller still waits for every input to finish.
final class FuzzWorker: @unchecked Sendable {
  static let shared = FuzzWorker()

  private let ready = DispatchSemaphore(value: 0)
  private let done = DispatchSemaphore(value: 0)
  // Written by the caller before `ready.signal()`, read by the worker after `ready.wait()`:
  // the semaphores order the accesses.
  private var source = ""

  private init() {
    let thread = Thread { [unowned self] in
      while true {
        self.ready.wait()
        FuzzCheck.run(self.source)
        self.done.signal()
      }
    }
    thread.stackSize = 64 << 20
    thread.start()
  }

  /// Runs every check on `source` on the worker thread and waits for it.
  func check(_ source: String) {
    self.source = source
    ready.signal()
    done.wait()
  }
}

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  FuzzWorker.shared.check(source)
  return 0
}

#if !FUZZING
  /// Without libFuzzer: runs the checks on each file named (or each file in each directory named).
  @main struct FuzzDriver {
    static func main() {
      var files: [String] = []
      for argument in CommandLine.arguments.dropFirst() {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
          FileHandle.standardError.write(Data("ChainRuleFuzz: no such file '\(argument)'\n".utf8))
          exit(64)
        }
        if isDirectory.boolValue {
          let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
          files += names.sorted().map { argument + "/" + $0 }
        } else {
          files.append(argument)
        }
      }
      if files.isEmpty {
        print("usage: ChainRuleFuzz <file or directory>...  (replays inputs without libFuzzer)")
        exit(64)
      }
      for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        // An empty file has no base address: give libFuzzer's entry point a one-byte buffer
        // and a count of zero, as libFuzzer itself does.
        let bytes = data.isEmpty ? [0] : [UInt8](data)
        bytes.withUnsafeBufferPointer { buffer in
          guard let base = buffer.baseAddress else { return }
          _ = fuzzOneInput(base, data.count)
        }
      }
      print("ChainRuleFuzz: \(files.count) inputs, no failures")
    }
  }
#endif
