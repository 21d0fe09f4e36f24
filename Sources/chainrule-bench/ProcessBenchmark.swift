import Foundation

/// Item 4: `chainrule diff` on the toy model as a whole process, start-up included.
struct ProcessBenchmark {
  /// The executable timed.
  var executable: String
  var arguments: [String]
  /// Median wall time of one run, or nil when the executable is missing or fails.
  var time: Double?
  /// Median CPU time (user + system) of one run: less disturbed by other load than wall time.
  var cpuTime: Double?
  /// Whether the executable links the Swift runtime statically.
  var isStatic = false

  /// The toy model as one formula, as a user types it.
  static let toyArguments = [
    "diff", "(β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])] − y)^2", "--at", ToyModel.pointText,
  ]

  /// `chainrule` beside this benchmark's own executable.
  static func defaultExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let me =
      length > 0
      ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    return (me as NSString).deletingLastPathComponent + "/chainrule"
  }

  /// Runs `executable arguments` with output to /dev/null; returns its wall and CPU time and its
  /// peak resident memory in bytes, or nil when it fails.
  static func runOnce(_ executable: String, _ arguments: [String]) -> (wall: Double, cpu: Double, peakMemory: Int)? {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = now()
    guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = now() - start
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    // Linux reports ru_maxrss in kilobytes.
    return status == 0 ? (elapsed, seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss * 1024) : nil
  }

  static func measure(executable: String, runs: Int) -> ProcessBenchmark {
    var result = ProcessBenchmark(executable: executable, arguments: toyArguments)
    guard FileManager.default.isExecutableFile(atPath: executable) else { return result }
    for _ in 0..<3 { _ = runOnce(executable, toyArguments) }
    var times: [Double] = []
    var cpuTimes: [Double] = []
    for _ in 0..<runs {
      guard let run = runOnce(executable, toyArguments) else { return result }
      times.append(run.wall)
      cpuTimes.append(run.cpu)
    }
    times.sort()
    cpuTimes.sort()
    result.time = times[times.count / 2]
    result.cpuTime = cpuTimes[cpuTimes.count / 2]
    result.isStatic = !linksSwiftCoreDynamically(executable)
    return result
  }

  /// Whether the ELF file names `libswiftCore.so` among its needed libraries (a cheap scan).
  static func linksSwiftCoreDynamically(_ path: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    return data.range(of: Data("libswiftCore.so".utf8)) != nil
  }
}
