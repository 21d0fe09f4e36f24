// The public library: one import for every stage of the pipeline.
//
// Each stage is its own target (see Package.swift and docs/design.md); a program that uses
// ChainRule imports this module alone.
@_exported import ChainRuleBackprop
@_exported import ChainRuleCalculus
@_exported import ChainRuleExpression
@_exported import ChainRuleMatrix
@_exported import ChainRuleNumeric
@_exported import ChainRuleRender
@_exported import ChainRuleSupport
@_exported import ChainRuleSyntax
