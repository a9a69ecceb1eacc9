import Foundation
import StrandConsensus
import StrandCrypto
import StrandNetwork
import StrandPrimitives
import StrandSync
import StrandTestSupport
import StrandTypes

extension FuzzTarget {
    /// Valid inputs to start from: Ethereum's transaction and RLP vectors where the target reads
    /// those formats (`../shared/testvectors`), and encodings of each message kind built here.
    public var seeds: [[UInt8]] {
        switch self {
        case .transaction: Self.vectorField("TransactionTests", "txbytes") + Self.sampleTransactions.map(\.encoded)
        case .rlp: Self.vectorField("RLPTests", "out") + Self.sampleTransactions.map(\.encoded)
        case .frames: Self.sampleMessages.map { message in
            let bytes = message.encoded
            return withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { Array($0) } + bytes
        }
        case .consensus: Self.sampleConsensus
        case .jsonRPC: Self.sampleRequests.map { Array($0.utf8) }
        case .sm2: Self.sampleSM2
        }
    }

    private static func vectorField(_ folder: String, _ field: String) -> [[UInt8]] {
        TestVectors.files(under: folder).flatMap { file -> [[UInt8]] in
            guard let data = try? Data(contentsOf: file),
                  let tests = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else { return [] }
            return tests.values.compactMap { ($0[field] as? String).flatMap { try? Hex.decode($0) } }
        }
    }

    private static let key = try! PrivateKey(Keccak256.hash(Array("strand fuzz seed".utf8)).bytes)

    static var sampleTransactions: [Transaction] {
        let to = Address(lastBytesOf: Keccak256.hash([1]))
        let fisco = FiscoFields(randomID: UInt256(7), blockLimit: 100, groupID: 1, extraData: [1, 2])
        return [
            UnsignedTransaction(type: .legacy, chainID: 20200, nonce: 1, maxFeePerGas: UInt256(5), gasLimit: 21_000, to: to,
                                value: UInt256(9)),
            UnsignedTransaction(type: .legacy, chainID: nil, nonce: 0, gasLimit: 60_000, to: nil, data: [0x60, 0x00]),
            UnsignedTransaction(type: .accessList, chainID: 20200, nonce: 2, gasLimit: 50_000, to: to,
                                accessList: [AccessListEntry(address: to, storageKeys: [.zero])]),
            UnsignedTransaction(type: .dynamicFee, chainID: 20200, nonce: 3, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(2),
                                gasLimit: 100_000, to: to, data: [1, 2, 3]),
            .fisco(fisco, chainID: 20200, gasPrice: UInt256(30_000_000), gasLimit: 30_000_000, to: to, data: [0xde, 0xad]),
        ].map { $0.signed(with: key) }
            // A 国密 one: SM2, its key in v.
            + [UnsignedTransaction.fisco(fisco, chainID: 20200, gasLimit: 30_000_000, to: to, data: [1]).signed(with: key, suite: .sm)]
    }

    static var sampleMessages: [NetworkMessage] {
        let nodeID = CryptoSuite.secp256k1.nodeID(of: key)
        return [
            .hello(NetworkMessage.Hello(chainID: 20200, genesisHash: Keccak256.hash([2]), nodeID: nodeID)),
            SyncMessage.status(.init(height: 12, headHash: Keccak256.hash([3]))).networkMessage,
            SyncMessage.transactions(sampleTransactions.map(\.encoded)).networkMessage,
            .consensus(sampleConsensus[0]), .ping(1), .pong(2), SyncMessage.getBlocks(from: 1, count: 64).networkMessage,
            SyncMessage.blocks([[0xc0], [1, 2, 3]]).networkMessage,
        ]
    }

    static var sampleConsensus: [[UInt8]] {
        let vote = Vote(phase: .prepare, height: 5, view: 1, blockHash: Keccak256.hash([4]), validator: 2,
                        signature: RecoverableSignature(r: UInt256(1), s: UInt256(2), recoveryID: 1))
        var commit = vote
        commit.phase = .commit
        let change = ViewChange(height: 5, view: 2, lock: nil, lockedBlock: nil, validator: 1, signature: vote.signature)
        return [ConsensusMessage.vote(vote).encoded, ConsensusMessage.vote(commit).encoded,
                ConsensusMessage.viewChange(change).encoded, PBFTJournal(height: 5, view: 1).encoded]
    }

    static let sampleRequests = [
        #"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}"#,
        #"{"jsonrpc":"2.0","id":0,"method":"getBlockByNumber","params":[1,"0x1",true]}"#,
        #"[{"jsonrpc":"2.0","id":"a","method":"eth_sendRawTransaction","params":["0x00"]},{"jsonrpc":"2.0","method":"x"}]"#,
        #"{"jsonrpc":"2.0","id":null,"method":"call","params":[1,{"from":"0x00","data":"0x"}]}"#,
        #"{"jsonrpc":"2.0","id":1.5,"method":"eth_call","params":[{"to":"0x01"},"latest"]}"#,
    ]
}
