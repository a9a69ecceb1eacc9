import CSecp256k1

#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's libsecp256k1 context: created on a thread's first use, reused for
/// every later call on that thread, destroyed when the thread exits.
///
/// A context is not safe to share for signing (randomisation mutates it), and creating one
/// per call would cost more than the operation; one per thread is free of both problems.
enum Secp256k1Context {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let result = pthread_key_create(&key) { context in
            if let context { secp256k1_context_destroy(OpaquePointer(context)) }
        }
        precondition(result == 0, "pthread_key_create failed: \(result)")
        return key
    }()

    /// This thread's context.
    @inline(__always)
    static var current: OpaquePointer {
        if let existing = pthread_getspecific(key) { return OpaquePointer(existing) }
        return makeForCurrentThread()
    }

    @inline(never)
    private static func makeForCurrentThread() -> OpaquePointer {
        let flags = UInt32(SECP256K1_CONTEXT_SIGN) | UInt32(SECP256K1_CONTEXT_VERIFY)
        guard let context = secp256k1_context_create(flags) else {
            fatalError("secp256k1_context_create failed")
        }
        // Blinding against side channels when signing; a fresh random seed per thread.
        var seed = SystemRandomNumberGenerator.bytes(32)
        _ = secp256k1_context_randomize(context, &seed)
        pthread_setspecific(key, UnsafeRawPointer(context))
        return context
    }
}

extension SystemRandomNumberGenerator {
    /// `count` bytes from the operating system's cryptographic random source.
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
