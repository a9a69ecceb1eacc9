import StrandChain
import StrandCrypto
import StrandPrimitives
import StrandRPC
import StrandTypes

/// Blocks, transactions and receipts as FISCO BCOS 2.x's SDKs read them. A value Strand does
/// not have (an Ethereum transaction's block limit) is null, never made up.
enum FiscoShapes {
    static let zeroAddress = JSONValue.string(Address.zero.description)

    static func block(_ entry: RecentBlocks.Entry, full: Bool, chain: ChainConfig) -> JSONValue {
        let header = entry.block.header
        let transactions: [JSONValue] = full
            ? entry.block.transactions.enumerated().map {
                transaction($1, sender: entry.senders[$0], block: header, blockHash: entry.hash, index: UInt32($0))
            }
            : entry.block.transactions.map { .string($0.hash.description) }
        let sealer = chain.validators.firstIndex { chain.suite.address(of: $0) == header.sealer }
        return [
            "number": quantity(header.number), "hash": .string(entry.hash.description),
            "parentHash": .string(header.parentHash.description), "timestamp": quantity(header.timestamp),
            "sealer": sealer.map { quantity(UInt64($0)) } ?? .null,
            "sealerList": .array(chain.validators.map { .string($0.description) }),
            "signatureList": .array(header.seal.signatures.map { entry in
                let signature = entry.signature
                return ["index": quantity(UInt64(entry.validatorIndex)),
                        "signature": .string(Hex.encode(signature.r.bigEndianBytes + signature.s.bigEndianBytes + [signature.recoveryID]))]
            }),
            "extraData": header.extraData.isEmpty ? [] : [.string(Hex.encode(header.extraData))],
            "gasLimit": quantity(header.gasLimit), "gasUsed": quantity(header.gasUsed),
            "stateRoot": .string(header.stateRoot.description),
            "transactionsRoot": .string(header.transactionsRoot.description),
            "receiptsRoot": .string(header.receiptsRoot.description),
            "transactions": .array(transactions),
        ]
    }

    static func transaction(_ tx: Transaction, sender: Address?, block: BlockHeader?, blockHash: Hash?, index: UInt32?) -> JSONValue {
        let fisco = tx.content.fisco
        let signature = tx.signature
        return [
            "hash": .string(tx.hash.description), "from": sender.map { .string($0.description) } ?? .null,
            "to": tx.to.map { .string($0.description) } ?? zeroAddress, "value": quantity(tx.value),
            "gas": quantity(tx.gasLimit), "gasPrice": quantity(tx.maxFeePerGas), "input": .string(Hex.encode(tx.data)),
            "nonce": fisco.map { quantity($0.randomID) } ?? quantity(tx.nonce),
            "blockLimit": fisco.map { quantity($0.blockLimit) } ?? .null,
            "chainId": tx.chainID.map { quantity($0) } ?? .null,
            "groupId": fisco.map { quantity($0.groupID) } ?? .null,
            "extraData": .string(Hex.encode(fisco?.extraData ?? [])),
            "signature": [
                "r": .string(Hex.encode(signature.r.bigEndianBytes)), "s": .string(Hex.encode(signature.s.bigEndianBytes)),
                "v": signatureV(tx),
                "signature": signatureBytes(signature),
            ],
            "blockHash": blockHash.map { .string($0.description) } ?? .null, "blockNumber": block.map { quantity($0.number) } ?? .null,
            "transactionIndex": index.map { quantity(UInt64($0)) } ?? .null,
        ]
    }

    static func receipt(_ receipt: Receipt, tx: Transaction, sender: Address?, block: BlockHeader, blockHash: Hash) -> JSONValue {
        [
            "transactionHash": .string(receipt.transactionHash.description),
            "transactionIndex": quantity(UInt64(receipt.transactionIndex)),
            "blockHash": .string(blockHash.description), "blockNumber": quantity(block.number),
            "from": sender.map { .string($0.description) } ?? .null, "to": tx.to.map { .string($0.description) } ?? zeroAddress,
            "input": .string(Hex.encode(tx.data)), "output": .string(Hex.encode(receipt.output)),
            "gasUsed": quantity(receipt.gasUsed),
            "contractAddress": receipt.contractAddress.map { .string($0.description) } ?? zeroAddress,
            "status": quantity(FiscoStatus.code(of: receipt, gasLimit: tx.gasLimit)),
            "logs": .array(receipt.logs.map { log in
                ["address": .string(log.address.description), "topics": .array(log.topics.map { .string($0.description) }),
                 "data": .string(Hex.encode(log.data))]
            }),
        ]
    }
}
