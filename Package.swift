// swift-tools-version: 6.0
// ChainRule: symbolic differentiation and backpropagation, step by step. No package dependencies.
import PackageDescription

let package = Package(
  name: "ChainRule",
  products: [
    .library(name: "ChainRule", targets: ["ChainRule"]),
    .executable(name: "chainrule", targets: ["chainrule"]),
    .executable(name: "chainrule-bench", targets: ["chainrule-bench"]),
  ],
  targets: [
    .target(name: "ChainRule"),
    .target(name: "ChainRuleCLI", dependencies: ["ChainRule"]),
    .executableTarget(name: "chainrule", dependencies: ["ChainRuleCLI"]),
    // Benchmarks: `swift run -c release chainrule-bench` (see docs/performance.md).
    .executableTarget(name: "chainrule-bench", dependencies: ["ChainRule"]),
    // Fuzzing: `Scripts/fuzz.sh <seconds>` (libFuzzer, Linux); a plain build replays files.
    .executableTarget(name: "ChainRuleFuzz", dependencies: ["ChainRule"]),
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
