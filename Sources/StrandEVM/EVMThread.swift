import Foundation

/// Runs work on a thread with a stack deep enough for 1024 nested call frames: each frame
/// recurses through the interpreter on the native stack.
public enum EVMThread {
    public static let stackSize = 256 << 20

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        return box.value!
    }
}

/// Hands a value from the worker thread to the waiting caller; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
