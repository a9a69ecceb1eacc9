import StrandChain
import StrandExecution
import StrandPrimitives
import StrandRPC
import StrandTypes

/// Blocks, transactions, receipts and logs as Ethereum clients read them.
enum RPCShapes {
    static let emptyBloom = JSONValue.string("0x" + String(repeating: "0", count: 512))
    static let emptyUnclesHash = JSONValue.string("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")

    /// Ethereum clients refuse extra data past 32 bytes (web3.py's proof-of-authority check);
    /// the genesis block's holds the chain config, so longer data is shown as its Keccak-256.
    static func ethereumExtraData(_ bytes: [UInt8]) -> JSONValue {
        .string(bytes.count <= 32 ? Hex.encode(bytes) : Keccak256.hash(bytes).description)
    }

    static func block(_ entry: RecentBlocks.Entry, full: Bool) -> JSONValue {
        let block = entry.block
        let header = block.header
        let hash = entry.hash
        let transactions: [JSONValue] = full
            ? block.transactions.enumerated().map {
                transaction($1, sender: entry.senders[$0], block: header, blockHash: hash, index: UInt32($0))
            }
            : block.transactions.map { .string($0.hash.description) }
        return [
            "number": quantity(header.number), "hash": .string(hash.description), "parentHash": .string(header.parentHash.description),
            "nonce": "0x0000000000000000", "mixHash": .string(Hash.zero.description), "sha3Uncles": emptyUnclesHash,
            "logsBloom": emptyBloom, "transactionsRoot": .string(header.transactionsRoot.description),
            "stateRoot": .string(header.stateRoot.description), "receiptsRoot": .string(header.receiptsRoot.description),
            "miner": .string(header.sealer.description), "difficulty": "0x0", "totalDifficulty": "0x0",
            "extraData": ethereumExtraData(header.extraData),
            "size": quantity(UInt64(header.encoded.count + block.encodedBody.count)),
            "gasLimit": quantity(header.gasLimit), "gasUsed": quantity(header.gasUsed), "timestamp": quantity(header.evmTimestamp),
            "baseFeePerGas": "0x0", "uncles": [], "transactions": .array(transactions),
            // The seal, as FISCO clients read it: the validators' commit signatures and their view.
            "signatureList": .array(header.seal.signatures.map { entry in
                let signature = entry.signature
                return ["index": quantity(UInt64(entry.validatorIndex)),
                        "signature": .string(Hex.encode(signature.r.bigEndianBytes + signature.s.bigEndianBytes + [signature.recoveryID]))]
            }),
            "sealView": quantity(header.seal.view),
        ]
    }

    static func transaction(_ tx: Transaction, sender: Address?, block: BlockHeader?, blockHash: Hash?, index: UInt32?) -> JSONValue {
        var object: JSONObject = [
            "hash": .string(tx.hash.description), "nonce": tx.content.fisco.map { quantity($0.randomID) } ?? quantity(tx.nonce), "from": sender.map { .string($0.description) } ?? .null,
            "to": tx.to.map { .string($0.description) } ?? .null, "value": quantity(tx.value), "gas": quantity(tx.gasLimit),
            "gasPrice": quantity(tx.maxFeePerGas), "input": .string(Hex.encode(tx.data)), "type": ethereumType(tx),
            "v": signatureV(tx), "r": quantity(tx.signature.r), "s": quantity(tx.signature.s),
            "blockHash": blockHash.map { .string($0.description) } ?? .null, "blockNumber": block.map { quantity($0.number) } ?? .null,
            "transactionIndex": index.map { quantity(UInt64($0)) } ?? .null,
        ]
        if let chainID = tx.chainID { object["chainId"] = quantity(chainID) }
        if tx.type.hasTypeByte {
            object["yParity"] = quantity(UInt64(tx.signature.recoveryID))
            object["accessList"] = .array(tx.accessList.map {
                ["address": .string($0.address.description), "storageKeys": .array($0.storageKeys.map { .string($0.description) })]
            })
        }
        if tx.type == .dynamicFee {
            object["maxFeePerGas"] = quantity(tx.maxFeePerGas)
            object["maxPriorityFeePerGas"] = quantity(tx.maxPriorityFeePerGas)
        }
        return .object(object)
    }

    /// The EIP-2718 type; a FISCO transaction is shown as the nearest Ethereum one, legacy (0).
    static func ethereumType(_ tx: Transaction) -> JSONValue {
        quantity(UInt64(tx.type.hasTypeByte ? tx.type.rawValue : 0))
    }

    static func receipt(
        _ receipt: Receipt, tx: Transaction, sender: Address?, block: BlockHeader, blockHash: Hash, firstLogIndex: Int, feesEnabled: Bool
    ) -> JSONValue {
        var object: JSONObject = [
            "transactionHash": .string(receipt.transactionHash.description), "transactionIndex": quantity(UInt64(receipt.transactionIndex)),
            "blockHash": .string(blockHash.description), "blockNumber": quantity(block.number),
            "from": sender.map { .string($0.description) } ?? .null, "to": tx.to.map { .string($0.description) } ?? .null,
            "cumulativeGasUsed": quantity(receipt.cumulativeGasUsed), "gasUsed": quantity(receipt.gasUsed),
            "effectiveGasPrice": feesEnabled ? quantity(min(tx.maxFeePerGas, tx.maxPriorityFeePerGas)) : "0x0",
            "contractAddress": receipt.contractAddress.map { .string($0.description) } ?? .null,
            "logs": .array(receipt.logs.enumerated().map {
                log($1, receipt: receipt, header: block, blockHash: blockHash, index: firstLogIndex + $0)
            }),
            "logsBloom": emptyBloom, "status": quantity(UInt64(receipt.status == .success ? 1 : 0)),
            "type": ethereumType(tx), "output": .string(Hex.encode(receipt.output)),
        ]
        if receipt.status != .success, let reason = ABI.revertReason(receipt.output) { object["revertReason"] = .string(reason) }
        return .object(object)
    }

    static func log(_ log: Log, receipt: Receipt, header: BlockHeader, blockHash: Hash, index: Int) -> JSONValue {
        [
            "address": .string(log.address.description), "topics": .array(log.topics.map { .string($0.description) }),
            "data": .string(Hex.encode(log.data)), "blockNumber": quantity(header.number), "blockHash": .string(blockHash.description),
            "transactionHash": .string(receipt.transactionHash.description), "transactionIndex": quantity(UInt64(receipt.transactionIndex)),
            "logIndex": quantity(UInt64(index)), "removed": false,
        ]
    }
}
