import Foundation

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
  public static func run<T>(_ work: () -> T) -> T {
    withoutActuallyEscaping(work) { escapable in
      let box = Box(work: escapable)
      let done = DispatchSemaphore(value: 0)
      let thread = Thread {
        box.result = box.work?()
        // Drop the closure before signalling: `withoutActuallyEscaping` checks it did not escape.
        box.work = nil
        done.signal()
      }
      thread.stackSize = size
      thread.start()
      done.wait()
      // The thread has finished and the semaphore orders its write before this read; the
      // fallback never runs.
      return box.result ?? escapable()
    }
  }

  private final class Box<T>: @unchecked Sendable {
    var work: (() -> T)?
    var result: T?
    init(work: @escaping () -> T) { self.work = work }
  }
}
