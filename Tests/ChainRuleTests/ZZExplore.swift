import Foundation
import Testing
@testable import ChainRule

@Test func zzExplore() throws {
  for (s, x) in [("log(x)", -1.0), ("1/x", 0), ("sqrt(x)", -1), ("x^0.5", -1), ("exp(x)", 1000), ("2*log(x) + 1", -1), ("tan(x)", Double.pi/2), ("asin(x)", 2), ("x^-2", 0), ("sinh(x)", 1000), ("x^2", 1e200), ("log(0*x+0)", 3)] {
    let f = try Formula(parsing: s)
    do { let v = try Evaluator(graph: f.graph).evaluate(f.root, at: ["x": x]); print("NOERR \(s) \(v)") } catch {
      if case .domain(let e, let node) = error { print("DOM \(s) @\(x): \(e) node=\(f.printer(.plain).string(node))") } else { print("ERR \(s) \(error)") }
    }
  }
  for s in ["a/(b*c)", "a/(b/c)", "log(x*y)", "x/(y*z)^2", "1/(2*x)"] {
    let f = try Formula(parsing: s)
    print("RAW \(s) -> \(f.printer(.plain).string(f.root))")
    for (v, d) in zip(f.variables, f.gradient(withRespectTo: f.variables)) {
      print("   d/d\(v) raw: \(f.printer(.plain).string(d))  simp: \(f.printer(.plain).string(f.simplified(d)))")
    }
  }
  for s in ["x = 1\r\ny y", "a = 1\n\tb $"] {
    do { _ = try Parser.parse(s); print("NOERR") } catch { print(DiagnosticRenderer().render(error, in: s)) }
  }
  for n in [50, 200] {
    let gs = ["sin", "cos", "tanh"]
    var lines = ["f0 = b0 + w0*x"]
    for k in 1...n { lines.append("f\(k) = b\(k) + w\(k)*\(gs[(k-1)%3])(f\(k-1))") }
    lines.append("l = (f\(n) - y)^2")
    let f = try Formula(parsing: lines.joined(separator: "\n"))
    let vars = (0...n).flatMap { ["b\($0)", "w\($0)"] }
    let g = f.gradient(withRespectTo: vars)
    print("N=\(n) distinct=\(f.distinctNodeCount(g)) graph=\(f.graph.count) root=\(f.distinctNodeCount([f.root]))")
  }
  let f = try Formula(parsing: "relu(x) + abs(y) + max(a, b) + min(c,d)")
  let (_, kinks) = try Evaluator(graph: f.graph).values(of: [f.root], at: ["x": 0, "y": 0, "a": 1, "b": 1, "c": 2, "d": 2])
  print(kinks.map { "\($0.function) \(f.printer(.plain).string($0.node))" })
  let grads = f.gradient(withRespectTo: ["x","y","a","b","c","d"])
  print(try grads.map { try Evaluator(graph: f.graph).evaluate($0, at: ["x": 0, "y": 0, "a": 1, "b": 1, "c": 2, "d": 2]) })
  print(grads.map { f.printer(.plain).string(f.simplified($0)) })
  for s in ["2^3^2", "-x^2", "2x", "2(x+1)", "sin[x]", ".5", "1e-3", "6.02E23", "2.5", "x**2", "2·x⋅3×4", "3 − x", "σ(x)", "ln(x)", "beta_{0}", "β₀", "β_0", "omega_3", "x_{10}", "2x^2", "-2^2", "2^-1", "2 x", ".5x", "2e", "2exp(x)", "f[x, φ] = x + φ\nl = f[x]^2", "a = 1; b = a + 1 # c\n# all\nb*x", "x^-y^2", "{x}", "+x", "sigma(x)", "σ", "ℓ"] {
    do {
      let f = try Formula(parsing: s)
      print("G \(s.debugDescription) -> \(f.printer(.plain).string(f.root)) vars=\(f.variables) name=\(f.resultName)")
    } catch { print("G \(s.debugDescription) ERROR " + DiagnosticRenderer().render(error, in: s)) }
  }
}
