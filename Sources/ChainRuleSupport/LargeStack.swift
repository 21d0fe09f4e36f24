import Dispatch

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
  /// alive after finishing). Where the address space is limited (`ulimit -v`), smaller stacks
  /// (64 MB, then 16 MB) are tried; only if no thread starts at all does the work run on the
  /// caller's thread.
  public static func run<T>(_ work: () -> T) -> T {
    // Already deep inside a large stack's thread with most of it free: no new thread needed.
    if freeStackOnThisThread() >= minimumFree { return work() }
    return withoutActuallyEscaping(work) { escapable in
      let job = Job(escapable)
      for stackSize in [size, 1 << 26, 1 << 24] where start(job, stackSize: stackSize) {
        // The job finished on that thread (`start` waited for it), so its result is set.
        if let result = job.result { return result }
        break
      }
      return escapable()
    }
  }

  /// A call finding at least this much of a large stack free runs on it (work that needs more,
  /// such as the parser past 2,000 levels, asks again further down and gets a fresh stack).
  public static let minimumFree = 1 << 27

  /// The top of each large-stack thread's stack and its size (0 on other threads).
  private static let stackKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()

  /// The bytes still free on this thread's stack if it is one ``run(_:)`` started, else 0.
  private static func freeStackOnThisThread() -> Int {
    guard let info = pthread_getspecific(stackKey) else { return 0 }
    let top = Int(bitPattern: info)
    var marker = 0
    let here = withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
    // The stack grows down from `top`; what is used is the distance to here.
    return (size - 4 * 4096) - (top - here)
  }

  /// Notes on this thread that its stack begins about here (called first thing on the thread).
  fileprivate static func markStackTop(stackSize: Int) {
    guard stackSize == size else { return }
    var marker = 0
    let here = withUnsafeMutablePointer(to: &marker) { UnsafeMutableRawPointer($0) }
    pthread_setspecific(stackKey, here)
  }

  /// Runs `job` on a new thread with a `stackSize`-byte stack and waits until it has finished;
  /// false if no such thread could be started (the job has not run then).
  private static func start(_ job: AnyJob, stackSize: Int) -> Bool {
    var attributes = pthread_attr_t()
    guard pthread_attr_init(&attributes) == 0 else { return false }
    defer { pthread_attr_destroy(&attributes) }
    guard pthread_attr_setstacksize(&attributes, stackSize) == 0 else { return false }
    job.stackSize = stackSize
    // The thread borrows one reference, returned after the job has finished.
    let context = Unmanaged.passRetained(job)
    defer { context.release() }
    #if canImport(Darwin) || canImport(Musl)
      var thread: pthread_t? = nil
    #else
      var thread = pthread_t()
    #endif
    let status = pthread_create(
      &thread, &attributes,
      { raw in
        #if canImport(Darwin)
          let job = Unmanaged<AnyJob>.fromOpaque(raw).takeUnretainedValue()
        #else
          guard let raw else { return nil }
          let job = Unmanaged<AnyJob>.fromOpaque(raw).takeUnretainedValue()
        #endif
        LargeStack.markStackTop(stackSize: job.stackSize)
        job.execute()
        return nil
      }, context.toOpaque())
    guard status == 0 else { return false }
    // The job signals when it is done: the wait does not depend on the join succeeding, so the
    // work never runs twice. The join then releases the thread.
    job.done.wait()
    #if canImport(Darwin) || canImport(Musl)
      if let thread { pthread_join(thread, nil) }
    #else
      pthread_join(thread, nil)
    #endif
    return true
  }

  /// Work a C thread entry point can call without knowing its result type.
  private class AnyJob {
    /// Signalled when ``execute()`` has finished.
    let done = DispatchSemaphore(value: 0)
    /// The stack size of the thread it runs on.
    var stackSize = 0
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
      done.signal()
    }
  }
}
