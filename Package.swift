// swift-tools-version: 6.0
// ChainRule: symbolic differentiation and backpropagation, step by step. No package dependencies.
//
// The library is one target per stage of the pipeline, so the compiler enforces that data flows
// one way (docs/design.md):
//   Support ← Syntax ← Expression ← Calculus ← Numeric ← Backprop ← Matrix ← Render ← CLI
// `ChainRule` re-exports the public API of every stage.
import PackageDescription

let package = Package(
  name: "ChainRule",
  products: [
    .library(name: "ChainRule", targets: ["ChainRule"]),
    .executable(name: "chainrule", targets: ["chainrule"]),
    .executable(name: "chainrule-bench", targets: ["chainrule-bench"]),
  ],
  targets: [
    // Shared utilities: the large-stack runner and the seeded random generator.
    .target(name: "ChainRuleSupport"),
    // Text to a program: lexers (plain, LaTeX), the Pratt parser, diagnostics, the function table.
    .target(name: "ChainRuleSyntax", dependencies: ["ChainRuleSupport"]),
    // The hash-consed expression graph and its canonical form.
    .target(name: "ChainRuleExpression", dependencies: ["ChainRuleSyntax"]),
    // Derivatives: the symbolic backward sweep and the rule-by-rule derivation.
    .target(name: "ChainRuleCalculus", dependencies: ["ChainRuleExpression"]),
    // Numbers: evaluation at a point, central differences.
    .target(name: "ChainRuleNumeric", dependencies: ["ChainRuleCalculus"]),
    // Steps of the forward pass, both backward passes, the numeric tape, training.
    .target(name: "ChainRuleBackprop", dependencies: ["ChainRuleNumeric"]),
    // Matrix mode: shaped graph, adjoint rules as a table, shape errors, matrix numbers.
    .target(name: "ChainRuleMatrix", dependencies: ["ChainRuleBackprop"]),
    // Text out: printers per notation, traces, LaTeX documents, JSON.
    .target(name: "ChainRuleRender", dependencies: ["ChainRuleMatrix"]),
    // The public library: every stage re-exported.
    .target(name: "ChainRule", dependencies: ["ChainRuleRender"]),
    .target(name: "ChainRuleCLI", dependencies: ["ChainRule"]),
    .executableTarget(name: "chainrule", dependencies: ["ChainRuleCLI"]),
    // Benchmarks: `swift run -c release chainrule-bench` (see docs/performance.md).
    .executableTarget(name: "chainrule-bench", dependencies: ["ChainRule"]),
    // Fuzzing: `Scripts/fuzz.sh <seconds>` (libFuzzer, Linux); a plain build replays files.
    .executableTarget(name: "ChainRuleFuzz", dependencies: ["ChainRule", "ChainRuleCLI"]),
    .testTarget(
      name: "ChainRuleTests", dependencies: ["ChainRule"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChainRuleCLITests", dependencies: ["ChainRuleCLI", "ChainRule"],
      // Golden files are read from the source tree (by #filePath), so a re-record lands there.
      exclude: ["Snapshots"]),
  ],
  swiftLanguageModes: [.v6]
)
