import Synchronization
import StrandPrimitives

/// What to recover: a signature and the hash it signs.
public struct RecoveryRequest: Hashable, Sendable {
    public var messageHash: Hash
    public var signature: RecoverableSignature
    public var requireLowS: Bool

    public init(messageHash: Hash, signature: RecoverableSignature, requireLowS: Bool = true) {
        self.messageHash = messageHash
        self.signature = signature
        self.requireLowS = requireLowS
    }
}

/// Recovers the signers of many signatures at once on a fixed pool of threads.
///
/// Recovery dominates a node's CPU time (docs/benchmarks-history.md, "Foundation"), so batches are spread over every
/// core; each thread keeps its own libsecp256k1 context. Results come back in input order.
public final class SignatureVerifier: Sendable {
    private let workers: WorkerThreads
    /// The chain's suite, whose signatures this verifier checks.
    public let suite: CryptoSuite
    /// A 国密 chain's hot senders' keys, prepared once.
    let sm2Keys = SM2KeyCache()
    private let recoveries = Atomic<UInt64>(0)
    private let memo: RecoveryMemo?

    /// - Parameters:
    ///   - threads: worker threads, the caller's included; defaults to the cores available.
    ///   - rememberedSigners: how many recent signers to remember (`RecoveryMemo`), for a node
    ///     with peers, whose proposals and gossip carry the same transactions; 0 for none.
    public init(threads: Int = WorkerThreads.availableCores, suite: CryptoSuite = .secp256k1, rememberedSigners: Int = 0) {
        workers = WorkerThreads(parallelism: threads)
        self.suite = suite
        memo = rememberedSigners > 0 ? RecoveryMemo(capacity: rememberedSigners) : nil
    }

    public var threadCount: Int { workers.parallelism }

    /// Signatures recovered so far (remembered signers not counted): a node recovers each
    /// transaction once when nothing is wasted, and metrics compare it with those committed.
    public var signaturesRecovered: UInt64 { recoveries.load(ordering: .relaxed) }

    /// Runs `body` over chunks of `0..<count` on the pool's threads (the SM2 batches share it).
    func parallelFor(_ count: Int, chunkSize: Int, _ body: (Range<Int>) -> Void) {
        workers.parallelFor(count, chunkSize: chunkSize, body)
    }

    /// The signer of each request, or why it has none, in input order.
    ///
    /// - Complexity: O(*n*) recoveries spread over `threadCount` threads.
    public func recoverSigners(_ requests: [RecoveryRequest]) -> [Result<Address, SignatureError>] {
        recoverSigners(of: requests) { $0 }
    }

    /// The signer of each item, or why it has none, in input order; `request` says what to
    /// recover for an item and is called concurrently, once per item.
    public func recoverSigners<Item>(
        of items: [Item], request: (Item) -> RecoveryRequest
    ) -> [Result<Address, SignatureError>] {
        recoverSigners(of: items) { items, range, requests in
            for i in range { (requests + (i - range.lowerBound)).initialize(to: request(items[i])) }
        }
    }

    /// Items handed to the request maker at a time: as many as one batched hash takes
    /// (`Keccak256.hashEach`).
    public static let requestChunk = 8

    /// As `recoverSigners(of:request:)`, with the requests of up to `requestChunk` items made
    /// together: `requests(items, range, out)` initializes `out[0 ..< range.count]` for `items[range]`,
    /// so that their digests can be hashed as one batch.
    public func recoverSigners<Item>(
        of items: [Item], requests makeRequests: (UnsafeBufferPointer<Item>, Range<Int>, UnsafeMutablePointer<RecoveryRequest>) -> Void
    ) -> [Result<Address, SignatureError>] {
        items.withUnsafeBufferPointer { items in
            [Result<Address, SignatureError>](unsafeUninitializedCapacity: items.count) { results, initialized in
                workers.parallelFor(items.count, chunkSize: Self.requestChunk) { range in
                    // A thread may be handed a long range (all of it on one thread): it still goes
                    // `requestChunk` at a time, so that what it recovers is remembered early.
                    withUnsafeTemporaryAllocation(of: RecoveryRequest.self, capacity: Self.requestChunk) { buffer in
                        for start in stride(from: range.lowerBound, to: range.upperBound, by: Self.requestChunk) {
                            let chunk = start..<min(start + Self.requestChunk, range.upperBound)
                            makeRequests(items, chunk, buffer.baseAddress!)
                            defer { buffer.baseAddress!.deinitialize(count: chunk.count) }
                            recover(UnsafeBufferPointer(rebasing: buffer[0..<chunk.count]), into: results.baseAddress! + chunk.lowerBound)
                        }
                    }
                }
                initialized = items.count
            }
        }
    }

    /// Recovers (or finds remembered) the signer of each request, initializing `results`.
    private func recover(_ requests: UnsafeBufferPointer<RecoveryRequest>, into results: UnsafeMutablePointer<Result<Address, SignatureError>>) {
        let remembered = memo?.signers(of: requests)
        var recovered: [Address?] = memo == nil ? [] : Array(repeating: nil, count: requests.count)
        var recoveredCount: UInt64 = 0
        for (offset, r) in requests.enumerated() {
            let outcome: Result<Address, SignatureError>
            if let signer = remembered?[offset] {
                outcome = .success(signer)
            } else {
                outcome = suite == .sm ? sm2Signer(of: r.messageHash, signature: r.signature)
                    : Result { () throws(SignatureError) -> Address in
                        try suite.signerAddress(of: r.messageHash, signature: r.signature, requireLowS: r.requireLowS)
                    }
                recoveredCount += 1
                if memo != nil { recovered[offset] = try? outcome.get() }
            }
            (results + offset).initialize(to: outcome)
        }
        recoveries.wrappingAdd(recoveredCount, ordering: .relaxed)
        memo?.remember(requests, signers: recovered)
    }
}
