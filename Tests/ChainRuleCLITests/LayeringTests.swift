import Foundation
import Testing

/// The pipeline runs one way: a stage may import the stages before it, never one after it.
///
/// The compiler already refuses an import that Package.swift does not declare; these tests
/// keep Package.swift itself in the order of docs/design.md, and catch an import of a later
/// stage however it got in.
@Suite struct LayeringTests {
  /// The library's stages in pipeline order, then the targets built on them.
  static let stages = [
    "ChainRuleSupport", "ChainRuleSyntax", "ChainRuleExpression", "ChainRuleCalculus", "ChainRuleNumeric",
    "ChainRuleBackprop", "ChainRuleMatrix", "ChainRuleRender", "ChainRule", "ChainRuleCLI",
  ]

  static let root = DocumentationTests.root

  /// The `ChainRule…` modules each Swift file of `stage` imports, with the file's name.
  static func imports(of stage: String) throws -> [(file: String, module: String)] {
    let folder = root.appendingPathComponent("Sources").appendingPathComponent(stage)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
    var found: [(String, String)] = []
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let words = line.split(separator: " ").map(String.init)
        guard let position = words.firstIndex(of: "import"), position + 1 < words.count,
          words[..<position].allSatisfy({ $0.hasPrefix("@") })
        else { continue }
        let module = words[position + 1]
        if module.hasPrefix("ChainRule") { found.append((file, module)) }
      }
    }
    return found
  }

  @Test("no stage imports a later stage", arguments: stages)
  func importsGoDownThePipeline(stage: String) throws {
    let rank = try #require(Self.stages.firstIndex(of: stage))
    let imports = try Self.imports(of: stage)
    // Every stage after Support builds on something: an empty list means the scan found nothing.
    if stage != "ChainRuleSupport" { #expect(!imports.isEmpty, "no imports found in Sources/\(stage)") }
    for (file, module) in imports {
      let other = try #require(Self.stages.firstIndex(of: module), "\(stage)/\(file) imports unknown \(module)")
      #expect(other < rank, "\(stage)/\(file) imports \(module), a later stage")
    }
  }

  @Test("Package.swift declares each stage's dependencies on earlier stages only")
  func packageFollowsThePipeline() throws {
    let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
    var checked = 0
    for line in manifest.split(separator: "\n") where line.contains(".target(name: \"") {
      let quoted = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
      guard let target = quoted.first, let rank = Self.stages.firstIndex(of: target) else { continue }
      for dependency in quoted.dropFirst() {
        let other = try #require(Self.stages.firstIndex(of: dependency), "\(target) depends on unknown \(dependency)")
        #expect(other < rank, "\(target) depends on \(dependency), a later stage")
      }
      checked += 1
    }
    #expect(checked == Self.stages.count, "found \(checked) of the \(Self.stages.count) stage targets")
    #expect(!manifest.contains(".package("), "ChainRule has no package dependencies")
  }
}
