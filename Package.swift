// swift-tools-version: 6.0
// ChainRule: symbolic differentiation and backpropagation, step by step. No package dependencies.
import PackageDescription

let package = Package(
  name: "ChainRule",
  products: [
    .library(name: "ChainRule", targets: ["ChainRule"]),
    .executable(name: "chainrule", targets: ["chainrule"]),
  ],
  targets: [
    .target(name: "ChainRule"),
    .target(name: "ChainRuleCLI", dependencies: ["ChainRule"]),
    .executableTarget(name: "chainrule", dependencies: ["ChainRuleCLI"]),
    .testTarget(
      name: "ChainRuleTests", dependencies: ["ChainRule"],
      resources: [.copy("Fixtures"), .copy("Snapshots")]),
    .testTarget(name: "ChainRuleCLITests", dependencies: ["ChainRuleCLI", "ChainRule"]),
  ],
  swiftLanguageModes: [.v6]
)
