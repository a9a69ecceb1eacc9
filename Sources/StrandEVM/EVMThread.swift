#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a thread with a stack deep enough for 1024 nested call frames: each frame
/// recurses through the interpreter on the native stack.
public enum EVMThread {
    public static let stackSize = 256 << 20

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = Unmanaged.passRetained(ThreadBox<T>(body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            let box = Unmanaged<AnyObject>.fromOpaque(context!).takeUnretainedValue() as! Runnable
            box.run()
            return nil
        }, box.toOpaque())
        precondition(created == 0, "pthread_create failed: \(created)")
        pthread_join(thread, nil)
        return box.takeRetainedValue().result!
    }
}

private protocol Runnable: AnyObject { func run() }

/// The work and its result; `pthread_join` orders the write before the read.
private final class ThreadBox<T>: Runnable, @unchecked Sendable {
    let body: () -> T
    var result: T?
    init(_ body: @escaping () -> T) { self.body = body }
    func run() { result = body() }
}
