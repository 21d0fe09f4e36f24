#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs deeply recursive work on a thread with a large stack.
///
/// Recursive descent uses stack in proportion to a formula's nesting; the threads a caller
/// happens to be on (a test runner's workers, a GUI's background queue) may have far less than
/// the main thread's 8 MB. Work that may recurse deeply is moved to a fresh 512 MB-stack thread
/// (address space only: pages are touched as the recursion reaches them).
///
/// ```swift
/// let program = LargeStack.run { try? Parser.parse(deepFormula) }
/// ```
public enum LargeStack {
  /// The stack size of the threads ``run(_:)`` starts, in bytes.
  public static let size = 1 << 29

  /// The result of `work`, computed on a thread with a ``size``-byte stack; waits for it.
  ///
  /// A POSIX thread, joined before returning: everything the work allocated is released by the
  /// time the result is returned (a Foundation `Thread` kept its closure, and the result in it,
  /// alive after finishing). If no thread can be started, the work runs on the caller's thread.
  public static func run<T>(_ work: () -> T) -> T {
    withoutActuallyEscaping(work) { escapable in
      let job = Job(escapable)
      guard start(job) else { return escapable() }
      guard let result = job.result else { return escapable() }
      return result
    }
  }

  /// Runs `job` on a new large-stack thread and waits for it; false if no thread could start.
  private static func start(_ job: AnyJob) -> Bool {
    var attributes = pthread_attr_t()
    guard pthread_attr_init(&attributes) == 0 else { return false }
    defer { pthread_attr_destroy(&attributes) }
    guard pthread_attr_setstacksize(&attributes, size) == 0 else { return false }
    // The thread borrows one reference, returned after the join.
    let context = Unmanaged.passRetained(job)
    defer { context.release() }
    #if canImport(Darwin)
      var thread: pthread_t? = nil
    #else
      var thread = pthread_t()
    #endif
    let status = pthread_create(
      &thread, &attributes,
      { raw in
        #if canImport(Darwin)
          Unmanaged<AnyJob>.fromOpaque(raw).takeUnretainedValue().execute()
        #else
          if let raw { Unmanaged<AnyJob>.fromOpaque(raw).takeUnretainedValue().execute() }
        #endif
        return nil
      }, context.toOpaque())
    guard status == 0 else { return false }
    #if canImport(Darwin)
      guard let thread else { return false }
    #endif
    return pthread_join(thread, nil) == 0
  }

  /// Work a C thread entry point can call without knowing its result type.
  private class AnyJob {
    func execute() {}
  }

  private final class Job<T>: AnyJob {
    var work: (() -> T)?
    var result: T?

    init(_ work: @escaping () -> T) { self.work = work }

    override func execute() {
      result = work?()
      // Drop the closure on this thread: `withoutActuallyEscaping` checks it did not escape.
      work = nil
    }
  }
}
