import StrandPrimitives

#if canImport(Glibc)
import Glibc
#endif

/// What EVMs on one thread share and keep between transactions: analysed code, the cache of
/// 64-byte Keccak inputs, and pools of stacks and memories. Per thread, so nothing is locked:
/// an `EVM` or `WorldState` made on a thread uses that thread's resources.
public final class EVMThreadResources {
    let codeCache = CodeCache()
    let keccakCache = KeccakCache()
    var stackPool: [UnsafeMutablePointer<UInt256>] = []
    var memoryPool: [Memory] = []
    var worldPool: [WorldState] = []

    init() {}

    deinit {
        for stack in stackPool { stack.deallocate() }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let result = pthread_key_create(&key) { context in
            if let context { Unmanaged<EVMThreadResources>.fromOpaque(context).release() }
        }
        precondition(result == 0, "pthread_key_create failed: \(result)")
        return key
    }()

    /// This thread's resources, made on first use and released when the thread exits.
    static var current: EVMThreadResources {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<EVMThreadResources>.fromOpaque(existing).takeUnretainedValue()
        }
        let resources = EVMThreadResources()
        pthread_setspecific(key, Unmanaged.passRetained(resources).toOpaque())
        return resources
    }
}
