#if canImport(Glibc)
import Glibc
#endif

/// Threads with a 64 MiB stack, for work that recurses deeply: the EVM runs each call frame
/// one level down the native stack, up to depth 1024 (about 3 KiB a level in a release
/// build, more in debug). Only the pages touched are committed.
public enum DeepStackThread {
    public static let stackSize = 64 << 20

    private static let marker: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Whether the calling thread was started here (so has the deep stack).
    public static var isCurrent: Bool { pthread_getspecific(marker) != nil }

    /// Starts a detached thread running `body`.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = create(Unmanaged.passRetained(Work(body)).toOpaque())
        pthread_detach(thread)
    }

    /// Runs `body` on a new deep-stack thread and waits for its result.
    public static func run<T>(_ body: () -> T) -> T {
        withoutActuallyEscaping(body) { body in
            var result: T?
            withUnsafeMutablePointer(to: &result) { slot in
                let output = UnsafeMutableRawPointer(slot)
                let work = Work { output.assumingMemoryBound(to: T?.self).pointee = body() }
                pthread_join(create(Unmanaged.passRetained(work).toOpaque()), nil)
            }
            return result!
        }
    }

    /// Runs `body` here if this is a deep-stack thread, else on a new one.
    public static func ensuring<T>(_ body: () -> T) -> T {
        isCurrent ? body() : run(body)
    }

    private static func create(_ context: UnsafeMutableRawPointer) -> pthread_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { context in
            pthread_setspecific(DeepStackThread.marker, UnsafeRawPointer(bitPattern: 1))
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
        return thread
    }

    /// `pthread_join` orders the worker's write of the result before the caller's read.
    private final class Work: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
