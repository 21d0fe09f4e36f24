import Foundation

/// `exp`, `sin` and `cos` of eight doubles at once, for ``BatchedTape``.
///
/// The scalar functions of the C library take most of a tape's time on formulas such as the
/// toy model (three calls forward, two backward per point) and cannot be vectorised by the
/// compiler. These compute all lanes with the same polynomial: a range reduction in two or three
/// parts (Cody–Waite), then Taylor series short enough that their truncation error is below
/// 10⁻¹⁷ on the reduced range. Results agree with the C library to within a few units in the last
/// place. Lanes the reduction cannot handle exactly (`|x|` over 700 for exp, over 10⁵ for sin and
/// cos, or not finite) send the whole vector to the scalar functions, so nothing is lost.
enum VectorMath {
  typealias Vector = SIMD8<Double>

  /// 1.5·2⁵²: adding it rounds a double below 2⁵¹ in magnitude to the nearest integer (ties to
  /// even), which then stands in the low bits of the sum's bit pattern (two's complement).
  /// Cheaper than `rounded()` and a conversion, which go lane by lane.
  private static let roundingShift = 0x1.8p52

  // MARK: exp

  private static let ln2High = 6.931_471_803_691_238_164_90e-01
  private static let ln2Low = 1.908_214_929_270_587_700_02e-10

  /// eˣ in every lane.
  @inline(__always)
  static func exp(_ x: Vector) -> Vector {
    guard isWithin(x, 700) else { return scalar(x, Foundation.exp) }
    // x = n·ln 2 + r with |r| ≤ ln 2 / 2; eˣ = 2ⁿ·eʳ, eʳ = Σ rᵏ/k! for k ≤ 13.
    let shifted = x * (1 / M_LN2) + roundingShift
    let n = shifted - roundingShift
    let r = (x - n * ln2High) - n * ln2Low
    var p = Vector(repeating: 1.0 / 6_227_020_800)
    p = p * r + 1.0 / 479_001_600
    p = p * r + 1.0 / 39_916_800
    p = p * r + 1.0 / 3_628_800
    p = p * r + 1.0 / 362_880
    p = p * r + 1.0 / 40_320
    p = p * r + 1.0 / 5_040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2ⁿ: n + 1023 in the exponent field (the shift drops the bits above n's).
    let exponent = (unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &+ 1023) &<< 52
    return p * unsafeBitCast(exponent, to: Vector.self)
  }

  // MARK: sin and cos

  // π/2 in three parts of 33 bits each (fdlibm's), so k·part is exact for |k| < 2¹⁷.
  private static let halfPi1 = 1.570_796_326_734_125_614_17e+00
  private static let halfPi2 = 6.077_100_506_303_965_976_60e-11
  private static let halfPi3 = 2.022_266_248_711_166_455_80e-21

  /// sin x and cos x in every lane, sharing one range reduction.
  @inline(__always)
  static func sinCos(_ x: Vector) -> (sin: Vector, cos: Vector) {
    guard isWithin(x, 1e5) else { return (scalar(x, Foundation.sin), scalar(x, Foundation.cos)) }
    // x = k·π/2 + r with |r| ≤ π/4; the quadrant k mod 4 picks ±sin r or ±cos r.
    let shifted = x * (2 / Double.pi) + roundingShift
    let k = shifted - roundingShift
    let r = ((x - k * halfPi1) - k * halfPi2) - k * halfPi3
    let r2 = r * r
    // sin r = r − r³/3! + … − r¹⁵/15! (+ r¹⁷/17!), cos r = 1 − r²/2! + … + r¹⁶/16!.
    var s = Vector(repeating: 1.0 / 355_687_428_096_000)  // 1/17!
    s = s * r2 - 1.0 / 1_307_674_368_000
    s = s * r2 + 1.0 / 6_227_020_800
    s = s * r2 - 1.0 / 39_916_800
    s = s * r2 + 1.0 / 362_880
    s = s * r2 - 1.0 / 5_040
    s = s * r2 + 1.0 / 120
    s = s * r2 - 1.0 / 6
    s = s * r2 + 1
    var c = Vector(repeating: 1.0 / 20_922_789_888_000)  // 1/16!
    c = c * r2 - 1.0 / 87_178_291_200
    c = c * r2 + 1.0 / 479_001_600
    c = c * r2 - 1.0 / 3_628_800
    c = c * r2 + 1.0 / 40_320
    c = c * r2 - 1.0 / 720
    c = c * r2 + 1.0 / 24
    c = c * r2 - 0.5
    c = c * r2 + 1
    let sinR = s * r
    let cosR = c
    // Selected and signed with bit operations: masks and `replace(with:where:)` go lane by lane.
    let quadrant = unsafeBitCast(shifted, to: SIMD8<UInt64>.self) & 3
    let swap = 0 &- (quadrant & 1)  // all ones in odd quadrants
    let sinBits = unsafeBitCast(sinR, to: SIMD8<UInt64>.self)
    let cosBits = unsafeBitCast(cosR, to: SIMD8<UInt64>.self)
    let sine = (sinBits & ~swap) | (cosBits & swap)
    let cosine = (cosBits & ~swap) | (sinBits & swap)
    let sineSign = (quadrant & 2) &<< 62
    let cosineSign = ((quadrant &+ 1) & 2) &<< 62
    return (
      unsafeBitCast(sine ^ sineSign, to: Vector.self), unsafeBitCast(cosine ^ cosineSign, to: Vector.self)
    )
  }

  /// Whether |x| ≤ `limit` in every lane (false for NaN). Compares bit patterns without the
  /// sign, which order like the magnitudes (NaN above ∞): a lane over the limit makes
  /// `limit − bits` wrap and sets its top bit.
  @inline(__always)
  static func isWithin(_ x: Vector, _ limit: Double) -> Bool {
    let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF
    return ((limit.bitPattern &- bits) &>> 63).wrappedSum() == 0
  }

  /// `f` lane by lane.
  static func scalar(_ x: Vector, _ f: (Double) -> Double) -> Vector {
    var result = x
    for lane in x.indices { result[lane] = f(x[lane]) }
    return result
  }
}
