import StrandCrypto
import StrandPrimitives

/// The validators' signatures that finalise a block: outside the header hash, which they
/// sign. A solo chain's seal holds its one validator's signature; a PBFT seal holds the
/// quorum's Commit signatures of the view that committed the block.
public struct BlockSeal: Hashable, Sendable {
    public struct Signature: Hashable, Sendable {
        /// The signer's position in the validator set in force at the block's height.
        public var validatorIndex: UInt32
        public var signature: RecoverableSignature

        public init(validatorIndex: UInt32, signature: RecoverableSignature) {
            self.validatorIndex = validatorIndex
            self.signature = signature
        }
    }

    /// The consensus view in which the block was committed (0 on a solo chain).
    public var view: UInt64
    public var signatures: [Signature]

    public init(view: UInt64 = 0, signatures: [Signature] = []) {
        self.view = view
        self.signatures = signatures
    }

    public var isEmpty: Bool { signatures.isEmpty }
}

/// Why a seal does not finalise its block.
public enum SealError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownValidator(index: UInt32)
    case duplicateSigner(index: UInt32)
    case badSignature(index: UInt32, SignatureError)
    case wrongSigner(index: UInt32)
    case noQuorum(signers: Int, needed: Int)

    public var description: String {
        switch self {
        case .unknownValidator(let index): "seal: no validator at index \(index)"
        case .duplicateSigner(let index): "seal: validator \(index) signs twice"
        case .badSignature(let index, let error): "seal: signature of validator \(index): \(error)"
        case .wrongSigner(let index): "seal: signature \(index) is not validator \(index)'s"
        case .noQuorum(let signers, let needed): "seal: \(signers) validator signatures, \(needed) needed"
        }
    }
}

extension ChainConfig {
    /// What a validator signs to commit block `hash` at `number` in `view`: the chain id and
    /// the message type are inside, so a commit signature means nothing on another chain or
    /// as another vote. PBFT's Commit messages sign the same digest.
    public func commitDigest(number: UInt64, view: UInt64, blockHash: Hash) -> Hash {
        var encoder = RLPEncoder(reservingCapacity: 64)
        encoder.appendList { list in
            list.append(chainID)
            list.append(bytes: Array("commit".utf8))
            list.append(number)
            list.append(view)
            list.append(blockHash)
        }
        return suite.hash(encoder.bytes)
    }

    /// One validator's seal signature for `header`.
    public func sealSignature(for header: BlockHeader, view: UInt64 = 0, validatorIndex: Int, key: PrivateKey) -> BlockSeal.Signature {
        let digest = commitDigest(number: header.number, view: view, blockHash: header.hash)
        return BlockSeal.Signature(validatorIndex: UInt32(validatorIndex), signature: suite.sign(digest, with: key))
    }

    /// Checks that `header.seal` holds signatures of at least a quorum of distinct validators
    /// over this header, `validators` being the set in force at its height.
    public func verifySeal(of header: BlockHeader, validators: ValidatorSet) throws(SealError) {
        let seal = header.seal
        let digest = commitDigest(number: header.number, view: seal.view, blockHash: header.hash)
        var seen = Set<UInt32>()
        for entry in seal.signatures {
            guard let validator = validators[entry.validatorIndex] else { throw .unknownValidator(index: entry.validatorIndex) }
            guard seen.insert(entry.validatorIndex).inserted else { throw .duplicateSigner(index: entry.validatorIndex) }
            // secp256k1's ranges and low s named as such; SM2's verification checks its own.
            if suite == .secp256k1 {
                do { try entry.signature.validate() } catch { throw .badSignature(index: entry.validatorIndex, error) }
            }
            guard suite.isSigned(digest, by: validator, signature: entry.signature) else {
                throw .wrongSigner(index: entry.validatorIndex)
            }
        }
        guard seen.count >= validators.quorum else { throw .noQuorum(signers: seen.count, needed: validators.quorum) }
    }
}
