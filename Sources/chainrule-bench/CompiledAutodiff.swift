import Foundation
import _Differentiation

/// The toy model's gradient through Swift's compiled reverse-mode autodiff (`valueWithGradient`).
enum CompiledAutodiff {
  /// ℓ(θ; x, y) = (β₃ + ω₃·cos(β₂ + ω₂·exp(β₁ + ω₁·sin(β₀ + ω₀·x))) − y)², θ in book order.
  @differentiable(reverse)
  static func loss(_ p: SIMD8<Double>, _ x: Double, _ y: Double) -> Double {
    let f0 = p[0] + p[1] * x
    let f1 = p[2] + p[3] * sin(f0)
    let f2 = p[4] + p[5] * exp(f1)
    let f3 = p[6] + p[7] * cos(f2)
    let r = f3 - y
    return r * r
  }

  /// Σᵢ ∇θ ℓ(θ; xᵢ, yᵢ).
  static func gradient(_ xs: [Double], _ ys: [Double]) -> [Double] {
    let t = ToyModel.theta
    let theta = SIMD8<Double>(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7])
    var total = SIMD8<Double>()
    for i in xs.indices {
      let x = xs[i]
      let y = ys[i]
      let (_, g) = valueWithGradient(at: theta) { p in loss(p, x, y) }
      total += g
    }
    return (0..<8).map { total[$0] }
  }
}
