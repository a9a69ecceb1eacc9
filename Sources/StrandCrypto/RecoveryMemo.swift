import StrandPrimitives
import Synchronization

/// Signers recovered lately, by request: a validator recovers a proposal's transactions before
/// their gossip reaches its pool, and the gossip's admission would recover them again.
/// Recovery is a function of the digest and the signature alone, so a remembered signer is the
/// answer recovery would give. Bounded: two generations of `capacity / 2` requests each.
final class RecoveryMemo: Sendable {
    let capacity: Int
    private let generations = Mutex<(current: [RecoveryRequest: Address], previous: [RecoveryRequest: Address])>(([:], [:]))

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The signers remembered for `requests`, nil where none is.
    func signers(of requests: UnsafeBufferPointer<RecoveryRequest>) -> [Address?] {
        generations.withLock { memo in requests.map { memo.current[$0] ?? memo.previous[$0] } }
    }

    func remember(_ requests: UnsafeBufferPointer<RecoveryRequest>, signers: [Address?]) {
        generations.withLock { memo in
            for (request, signer) in zip(requests, signers) {
                guard let signer else { continue }
                if memo.current.count >= capacity / 2 {
                    memo.previous = memo.current
                    memo.current = [:]
                }
                memo.current[request] = signer
            }
        }
    }
}
