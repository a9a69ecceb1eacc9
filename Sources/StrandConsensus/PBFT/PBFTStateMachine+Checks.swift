import StrandCrypto
import StrandPrimitives
import StrandTypes

/// Why a validator's message is refused: it could not come from an honest validator.
struct ConsensusFault: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension PBFTStateMachine {
    /// Whether `signature` over `digest` is that of this height's validator at `index`.
    func isSigned(_ digest: Hash, by index: UInt32, _ signature: RecoverableSignature) -> Bool {
        guard let node = validators[index] else { return false }
        return authenticator.isSigned(digest, by: node, signature: signature)
    }

    /// A proposal must come from the leader of its view, signed, for this height; past view 0
    /// with a quorum of valid ViewChanges for its view, and for the highest lock among them.
    /// Returns that lock.
    func check(_ proposal: Proposal, hash: Hash) -> Result<PreparedCertificate?, ConsensusFault> {
        let leader = leader(height: height, view: proposal.view)
        guard proposal.validator == leader else {
            return .failure(.init("proposal for view \(proposal.view) from validator \(proposal.validator), whose leader is \(leader)"))
        }
        guard isSigned(chain.digest(of: proposal), by: proposal.validator, proposal.signature) else {
            return .failure(.init("bad signature on a proposal"))
        }
        if proposal.view == 0 {
            guard proposal.justification.isEmpty else { return .failure(.init("a view-0 proposal with a justification")) }
            return .success(nil)
        }
        var signers = Set<UInt32>()
        for change in proposal.justification {
            guard change.height == height, change.view == proposal.view else {
                return .failure(.init("justification holds a ViewChange for (\(change.height), \(change.view))"))
            }
            if case .failure(let fault) = check(change) { return .failure(.init("justification: \(fault.reason)")) }
            signers.insert(change.validator)
        }
        guard signers.count >= quorum else {
            return .failure(.init("justification of view \(proposal.view) from \(signers.count) validators, \(quorum) needed"))
        }
        let lock = Self.highestLock(in: proposal.justification)
        if let lock, lock.blockHash != hash {
            return .failure(.init("proposal in view \(proposal.view) is not the highest lock of its justification"))
        }
        return .success(lock)
    }

    /// A ViewChange must be signed, for a view past 0, and its lock a real quorum certificate
    /// from an earlier view of this height.
    func check(_ change: ViewChange) -> Result<Void, ConsensusFault> {
        guard Int(change.validator) < validatorCount, change.view > 0 else {
            return .failure(.init("ViewChange for view \(change.view) from validator \(change.validator)"))
        }
        guard isSigned(chain.digest(of: change), by: change.validator, change.signature) else {
            return .failure(.init("bad signature on a ViewChange"))
        }
        guard let lock = change.lock else { return .success(()) }
        guard lock.height == change.height, lock.view < change.view else {
            return .failure(.init("ViewChange to view \(change.view) carries a lock of (\(lock.height), \(lock.view))"))
        }
        return check(lock)
    }

    /// Q distinct validators' Prepares for the certificate's block, height and view.
    func check(_ certificate: PreparedCertificate) -> Result<Void, ConsensusFault> {
        var signers = Set<UInt32>()
        for vote in certificate.prepares {
            guard vote.phase == .prepare, vote.height == certificate.height, vote.view == certificate.view,
                  vote.blockHash == certificate.blockHash, Int(vote.validator) < validatorCount else {
                return .failure(.init("a lock certificate holds a vote that is not its Prepare"))
            }
            guard isSigned(chain.digest(of: vote), by: vote.validator, vote.signature) else {
                return .failure(.init("bad signature in a lock certificate"))
            }
            signers.insert(vote.validator)
        }
        guard signers.count >= quorum else {
            return .failure(.init("lock certificate from \(signers.count) validators, \(quorum) needed"))
        }
        return .success(())
    }
}
