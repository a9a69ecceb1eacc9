import StrandCrypto
import StrandPrimitives
import StrandTypes

/// Consensus bytes from a peer or the journal file that are not a canonical encoding.
public struct ConsensusDecodingError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "malformed consensus data: \(reason)" }
}

/// The wire and journal forms: RLP lists with a layout version first, so that a later
/// layout is refused by name rather than misread.
extension ConsensusMessage {
    static let layout: UInt64 = 1
    /// Most entries a decoded list may hold (justifications, certificates): far above any
    /// validator set, far below what could exhaust memory.
    static let maxListEntries = 1_024

    private enum TypeCode: UInt64 {
        case proposal = 1, vote, viewChange
    }

    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 256)
        encoder.appendList { list in
            list.append(Self.layout)
            switch self {
            case .proposal(let proposal):
                list.append(TypeCode.proposal.rawValue)
                list.append(proposal.view)
                list.append(bytes: proposal.block.networkEncoding)
                list.appendList { changes in for change in proposal.justification { change.encode(to: &changes) } }
                list.append(UInt64(proposal.validator))
                proposal.signature.encode(to: &list)
            case .vote(let vote):
                list.append(TypeCode.vote.rawValue)
                vote.encode(to: &list)
            case .viewChange(let change):
                list.append(TypeCode.viewChange.rawValue)
                change.encode(to: &list)
            }
        }
        return encoder.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ConsensusDecodingError) -> ConsensusMessage {
        try decodeWhole(bytes) { reader throws in
            var list = try reader.readList()
            guard try list.readUInt64() == layout else { throw ConsensusDecodingError(reason: "unknown layout") }
            let code = try list.readUInt64()
            let message: ConsensusMessage
            switch TypeCode(rawValue: code) {
            case .proposal:
                let view = try list.readUInt64()
                let block = try Block(networkEncoding: Array(try list.readBytes()))
                var changes = try list.readList()
                var justification: [ViewChange] = []
                while !changes.isAtEnd {
                    guard justification.count < maxListEntries else { throw ConsensusDecodingError(reason: "justification too long") }
                    justification.append(try ViewChange.decode(from: &changes))
                }
                let validator = try list.readValidator()
                message = .proposal(Proposal(view: view, block: block, justification: justification, validator: validator,
                                             signature: try RecoverableSignature.decode(from: &list)))
            case .vote: message = .vote(try Vote.decode(from: &list))
            case .viewChange: message = .viewChange(try ViewChange.decode(from: &list))
            case nil: throw ConsensusDecodingError(reason: "unknown message type \(code)")
            }
            try list.finish()
            return message
        }
    }
}

extension PBFTJournal {
    public var encoded: [UInt8] {
        var encoder = RLPEncoder(reservingCapacity: 512)
        encoder.appendList { list in
            list.append(ConsensusMessage.layout)
            list.append(height)
            list.append(view)
            for record in [prepared, committed] {
                list.appendList { entry in
                    if let record {
                        entry.append(record.view)
                        entry.append(record.blockHash)
                    }
                }
            }
            list.appendList { entry in lock?.encode(to: &entry) }
            list.append(bytes: lockedBlock?.networkEncoding ?? [])
        }
        return encoder.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ConsensusDecodingError) -> PBFTJournal {
        try decodeWhole(bytes) { reader throws in
            var list = try reader.readList()
            guard try list.readUInt64() == ConsensusMessage.layout else { throw ConsensusDecodingError(reason: "unknown journal layout") }
            var journal = PBFTJournal(height: try list.readUInt64(), view: try list.readUInt64())
            var records: [VoteRecord?] = []
            for _ in 0..<2 {
                var entry = try list.readList()
                records.append(entry.isAtEnd ? nil : VoteRecord(view: try entry.readUInt64(), blockHash: try entry.readHash()))
                try entry.finish()
            }
            journal.prepared = records[0]
            journal.committed = records[1]
            var lock = try list.readList()
            journal.lock = lock.isAtEnd ? nil : try PreparedCertificate.decode(from: &lock)
            try lock.finish()
            let blockBytes = Array(try list.readBytes())
            journal.lockedBlock = blockBytes.isEmpty ? nil : try Block(networkEncoding: blockBytes)
            try list.finish()
            return journal
        }
    }
}

/// Runs `body` over `bytes`, which must hold exactly one item; every error becomes a
/// `ConsensusDecodingError`.
private func decodeWhole<T>(_ bytes: [UInt8], _ body: (inout RLPReader) throws -> T) throws(ConsensusDecodingError) -> T {
    let result = bytes.withUnsafeBytes { buffer in
        Result { () throws -> T in
            var reader = RLPReader(buffer)
            let value = try body(&reader)
            try reader.finish()
            return value
        }
    }
    switch result {
    case .success(let value): return value
    case .failure(let error as ConsensusDecodingError): throw error
    case .failure(let error): throw ConsensusDecodingError(reason: "\(error)")
    }
}

extension RLPReader {
    fileprivate mutating func readValidator() throws -> UInt32 {
        let value = try readUInt64()
        guard value <= UInt64(UInt32.max) else { throw ConsensusDecodingError(reason: "validator index \(value)") }
        return UInt32(value)
    }
}

extension RecoverableSignature {
    fileprivate func encode(to list: inout RLPEncoder) {
        list.appendList { fields in
            fields.append(r)
            fields.append(s)
            fields.append(UInt64(recoveryID))
        }
    }

    fileprivate static func decode(from reader: inout RLPReader) throws -> RecoverableSignature {
        var fields = try reader.readList()
        let r = try fields.readUInt256()
        let s = try fields.readUInt256()
        let recoveryID = try fields.readUInt64()
        guard recoveryID <= 1 else { throw ConsensusDecodingError(reason: "recovery id \(recoveryID)") }
        try fields.finish()
        return RecoverableSignature(r: r, s: s, recoveryID: UInt8(recoveryID))
    }
}

extension Vote {
    fileprivate func encode(to list: inout RLPEncoder) {
        list.appendList { fields in
            fields.append(UInt64(phase.rawValue))
            fields.append(height)
            fields.append(view)
            fields.append(blockHash)
            fields.append(UInt64(validator))
            signature.encode(to: &fields)
        }
    }

    fileprivate static func decode(from reader: inout RLPReader) throws -> Vote {
        var fields = try reader.readList()
        let code = try fields.readUInt64()
        guard code <= 255, let phase = Phase(rawValue: UInt8(code)) else { throw ConsensusDecodingError(reason: "vote phase \(code)") }
        let vote = Vote(phase: phase, height: try fields.readUInt64(), view: try fields.readUInt64(), blockHash: try fields.readHash(),
                        validator: try fields.readValidator(), signature: try RecoverableSignature.decode(from: &fields))
        try fields.finish()
        return vote
    }
}

extension PreparedCertificate {
    fileprivate func encode(to list: inout RLPEncoder) {
        list.appendList { fields in
            fields.append(height)
            fields.append(view)
            fields.append(blockHash)
            fields.appendList { votes in for vote in prepares { vote.encode(to: &votes) } }
        }
    }

    fileprivate static func decode(from reader: inout RLPReader) throws -> PreparedCertificate {
        var fields = try reader.readList()
        let height = try fields.readUInt64()
        let view = try fields.readUInt64()
        let hash = try fields.readHash()
        var votes = try fields.readList()
        var prepares: [Vote] = []
        while !votes.isAtEnd {
            guard prepares.count < ConsensusMessage.maxListEntries else { throw ConsensusDecodingError(reason: "certificate too long") }
            prepares.append(try Vote.decode(from: &votes))
        }
        try fields.finish()
        return PreparedCertificate(height: height, view: view, blockHash: hash, prepares: prepares)
    }
}

extension ViewChange {
    fileprivate func encode(to list: inout RLPEncoder) {
        list.appendList { fields in
            fields.append(height)
            fields.append(view)
            fields.appendList { entry in lock?.encode(to: &entry) }
            fields.append(bytes: lockedBlock?.networkEncoding ?? [])
            fields.append(UInt64(validator))
            signature.encode(to: &fields)
        }
    }

    fileprivate static func decode(from reader: inout RLPReader) throws -> ViewChange {
        var fields = try reader.readList()
        let height = try fields.readUInt64()
        let view = try fields.readUInt64()
        var entry = try fields.readList()
        let lock = entry.isAtEnd ? nil : try PreparedCertificate.decode(from: &entry)
        try entry.finish()
        let blockBytes = Array(try fields.readBytes())
        let block = blockBytes.isEmpty ? nil : try Block(networkEncoding: blockBytes)
        let change = ViewChange(height: height, view: view, lock: lock, lockedBlock: block, validator: try fields.readValidator(),
                                signature: try RecoverableSignature.decode(from: &fields))
        try fields.finish()
        return change
    }
}
