import Foundation
import Testing

/// Headless Chromium, to see the SVG pictures as a person would: `chromium --screenshot`.
enum Chromium {
  /// `chromium` (or `chromium-browser`, `google-chrome`) on PATH, if any.
  static var path: String? {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      if let found = directories.map({ "\($0)/\(name)" }).first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
      }) {
        return found
      }
    }
    return nil
  }

  /// Screenshots `page` (a file) at `width`×`height` pixels into `png`, with a fresh profile so
  /// that runs at the same time do not share one. Gives up after 90 seconds.
  static func screenshot(
    _ page: URL, width: Int, height: Int, to png: URL, chromium: String
  ) throws -> (status: Int32, log: String) {
    let run = try self.run(
      chromium, ["--window-size=\(width),\(height)", "--screenshot=\(png.path)", page.absoluteString])
    return (run.status, run.log)
  }

  /// The page's DOM as Chromium serialises it after loading it (`--dump-dom`), and the log, in
  /// which console messages are lines with `:CONSOLE`.
  static func dumpDOM(_ page: URL, chromium: String) throws -> (status: Int32, dom: String, log: String) {
    try run(chromium, ["--enable-logging=stderr", "--v=0", "--dump-dom", page.absoluteString])
  }

  /// The console messages in a log (`[…:INFO:CONSOLE:1] "message", source: …`).
  static func consoleMessages(_ log: String) -> [String] {
    log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
  }

  /// Runs headless Chromium with `arguments` after the common ones; standard output and the log
  /// (standard error) apart.
  private static func run(_ chromium: String, _ arguments: [String]) throws -> (status: Int32, dom: String, log: String)
  {
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-chromium-\(UUID())")
    defer { try? FileManager.default.removeItem(at: profile) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments =
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
        "--user-data-dir=\(profile.path)",
      ] + arguments
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("chainrule-chromium-\(UUID())")
    let out = base.appendingPathExtension("out")
    let log = base.appendingPathExtension("log")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: log.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: log)
    }
    let outHandle = try FileHandle(forWritingTo: out)
    let logHandle = try FileHandle(forWritingTo: log)
    process.standardOutput = outHandle
    process.standardError = logHandle
    try process.run()
    let deadline = Date().addingTimeInterval(90)
    while process.isRunning && Date() < deadline { usleep(50_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    try outHandle.close()
    try logHandle.close()
    return (
      process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    )
  }
}

/// A decoded PNG: 8-bit RGB or RGBA, not interlaced (what Chromium writes).
struct PNGImage {
  let width: Int
  let height: Int
  /// Grey levels 0…255, row by row (alpha composited on white).
  let grey: [UInt8]

  enum Failure: Error, CustomStringConvertible {
    case notPNG, unsupported(String), inflate(Int32), noZlib
    var description: String {
      switch self {
      case .notPNG: "not a PNG file"
      case .unsupported(let what): "unsupported PNG: \(what)"
      case .inflate(let code): "zlib could not inflate the image data (\(code))"
      case .noZlib: "zlib (libz.so.1) could not be loaded"
      }
    }
  }

  init(contentsOf url: URL) throws {
    let bytes = [UInt8](try Data(contentsOf: url))
    guard bytes.count > 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
      throw Failure.notPNG
    }
    func integer(_ at: Int) -> Int {
      Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }
    var offset = 8
    var width = 0
    var height = 0
    var channels = 0
    var compressed: [UInt8] = []
    while offset + 8 <= bytes.count {
      let length = integer(offset)
      let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
      let data = offset + 8
      guard data + length <= bytes.count else { throw Failure.notPNG }
      switch type {
      case "IHDR":
        width = integer(data)
        height = integer(data + 4)
        guard bytes[data + 8] == 8, bytes[data + 12] == 0 else { throw Failure.unsupported("bit depth or interlace") }
        switch bytes[data + 9] {
        case 2: channels = 3
        case 6: channels = 4
        default: throw Failure.unsupported("colour type \(bytes[data + 9])")
        }
      case "IDAT":
        compressed += bytes[data..<data + length]
      default:
        break
      }
      offset = data + length + 4
    }
    guard width > 0, height > 0, channels > 0 else { throw Failure.notPNG }
    let stride = width * channels
    var raw = try Zlib.inflate(compressed, expectedSize: height * (stride + 1))
    // Undo each row's filter (PNG §9): None, Sub, Up, Average, Paeth.
    var pixels = [UInt8](repeating: 0, count: height * stride)
    for row in 0..<height {
      let filter = raw[row * (stride + 1)]
      for i in 0..<stride {
        let x = raw[row * (stride + 1) + 1 + i]
        let a = i >= channels ? Int(pixels[row * stride + i - channels]) : 0
        let b = row > 0 ? Int(pixels[(row - 1) * stride + i]) : 0
        let c = row > 0 && i >= channels ? Int(pixels[(row - 1) * stride + i - channels]) : 0
        let predictor: Int
        switch filter {
        case 0: predictor = 0
        case 1: predictor = a
        case 2: predictor = b
        case 3: predictor = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: throw Failure.unsupported("filter \(filter)")
        }
        pixels[row * stride + i] = UInt8(truncatingIfNeeded: Int(x) + predictor)
      }
    }
    raw = []
    var grey = [UInt8](repeating: 255, count: width * height)
    for p in 0..<(width * height) {
      let r = Double(pixels[p * channels])
      let g = Double(pixels[p * channels + 1])
      let b = Double(pixels[p * channels + 2])
      let alpha = channels == 4 ? Double(pixels[p * channels + 3]) / 255 : 1
      let luma = 0.299 * r + 0.587 * g + 0.114 * b
      grey[p] = UInt8(max(0, min(255, (luma * alpha + 255 * (1 - alpha)).rounded())))
    }
    self.width = width
    self.height = height
    self.grey = grey
  }

  /// The variance of the grey levels and the share of pixels darker than near-white, in the
  /// rectangle of rows `rows` and columns `columns`.
  func statistics(rows: Range<Int>, columns: Range<Int>) -> (variance: Double, inked: Double) {
    var sum = 0.0
    var squares = 0.0
    var inked = 0
    var count = 0
    for y in rows.clamped(to: 0..<height) {
      for x in columns.clamped(to: 0..<width) {
        let value = Double(grey[y * width + x])
        sum += value
        squares += value * value
        if value < 200 { inked += 1 }
        count += 1
      }
    }
    guard count > 0 else { return (0, 0) }
    let mean = sum / Double(count)
    return (squares / Double(count) - mean * mean, Double(inked) / Double(count))
  }
}

/// zlib's `uncompress`, loaded at run time (the test target links nothing beyond Foundation).
enum Zlib {
  private typealias Uncompress =
    @convention(c) (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>, UInt) -> Int32

  static func inflate(_ data: [UInt8], expectedSize: Int) throws -> [UInt8] {
    var handle: UnsafeMutableRawPointer? = nil
    for name in ["libz.so.1", "libz.so", "libz.dylib", "/usr/lib/libz.dylib"] {
      handle = dlopen(name, RTLD_NOW)
      if handle != nil { break }
    }
    guard let handle, let symbol = dlsym(handle, "uncompress") else { throw PNGImage.Failure.noZlib }
    let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
    var output = [UInt8](repeating: 0, count: expectedSize)
    var size = UInt(expectedSize)
    let status = output.withUnsafeMutableBufferPointer { out in
      data.withUnsafeBufferPointer { input in
        guard let destination = out.baseAddress, let source = input.baseAddress else { return Int32(-2) }
        return uncompress(destination, &size, source, UInt(input.count))
      }
    }
    guard status == 0, Int(size) == expectedSize else { throw PNGImage.Failure.inflate(status) }
    return output
  }
}
