import ArgumentParser
import Foundation
import StrandCrypto
import StrandPrimitives
import StrandNode
import StrandTypes

struct Tx: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode Ethereum and FISCO BCOS 2.x transactions, and sign Ethereum ones.",
        subcommands: [Decode.self, Sign.self]
    )
}

extension Tx {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a raw signed transaction and print it as JSON.",
            discussion: """
                Accepts legacy (with or without EIP-155), EIP-2930 and EIP-1559 transactions, and \
                FISCO BCOS 2.x ones (13 fields: random id, block limit, group id and extra data \
                instead of a nonce; the group id is checked as 1 unless --group-id says). \
                Prints type, chain id, nonce, gas fields, recipient, value, data, access list, \
                hash, the recovered sender and the intrinsic gas, then checks the transaction as a \
                chain would (signature, low s, nonce range, fee arithmetic, intrinsic gas, init-code \
                size, a chain id that is not 0; with --chain-id, that chain's id too). Malformed \
                input prints one line naming the problem; an invalid transaction prints its fields \
                and then the rule it breaks. Either exits with code 1.
                """
        )

        @Option(name: .customLong("chain-id"), help: "Also check that the transaction is for chain N.")
        var chainID: UInt64?

        @Option(name: .customLong("group-id"), help: "The FISCO group a FISCO transaction must name.")
        var groupID: UInt64 = 1

        @Argument(help: "The raw transaction in hex (0x optional).")
        var hex: String?

        @Option(name: .shortAndLong, help: "Read the hex from this file instead.")
        var file: String?

        func validate() throws {
            guard (hex == nil) != (file == nil) else {
                throw ValidationError("give the transaction as HEX or with --file, not both or neither")
            }
        }

        func run() throws {
            try reportingErrors {
                var text = hex ?? ""
                if let file {
                    guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError("cannot read \(file)") }
                    text = contents
                }
                let bytes: [UInt8]
                do {
                    bytes = try Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines))
                } catch {
                    throw CLIError("not hex: \(error)")
                }
                let tx = try Transaction.decode(bytes)
                // Without --chain-id every rule but the chain's own applies; a 国密 transaction is judged as a 国密 chain would.
                let rules = TransactionRules(chainID: chainID ?? tx.chainID ?? 0, groupID: groupID, suite: tx.suite)
                let sender = Result { () throws(TransactionError) in try tx.recoverSender() }
                print(TransactionJSON.render(tx, sender: try? sender.get()))
                do {
                    try tx.validate(rules)
                    _ = try sender.get()
                } catch {
                    throw CLIError("invalid transaction: \(error)")
                }
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a transaction and print its raw encoding in hex.",
            discussion: """
                Without --to the transaction creates a contract from --data. Without --gas the \
                gas limit is the transaction's intrinsic gas (enough for a plain transfer). \
                Type 0 is legacy with EIP-155 replay protection, 1 is EIP-2930, 2 is EIP-1559.
                """
        )

        @Option(help: "File holding the sender's private key (as written by `strand keygen`).")
        var key: String

        @Option(help: "Recipient address; omit to create a contract.")
        var to: String?

        @Option(help: "Value in wei (decimal, or hex with 0x).")
        var value: String = "0"

        @Option(help: "The sender's nonce.")
        var nonce: UInt64

        @Option(name: .customLong("chain-id"), help: "The chain id the transaction is valid on.")
        var chainID: UInt64

        @Option(help: "Transaction type: 0 legacy, 1 EIP-2930, 2 EIP-1559.")
        var type: UInt8 = 2

        @Option(help: "Call data or init code in hex.")
        var data: String = ""

        @Option(help: "Gas limit (default: the intrinsic gas).")
        var gas: UInt64?

        @Option(name: .customLong("gas-price"), help: "Gas price in wei for types 0 and 1.")
        var gasPrice: String = "0"

        @Option(name: .customLong("max-fee"), help: "Max fee per gas in wei for type 2.")
        var maxFee: String = "0"

        @Option(name: .customLong("priority-fee"), help: "Max priority fee per gas in wei for type 2.")
        var priorityFee: String = "0"

        func run() throws {
            try reportingErrors {
                guard let txType = TransactionType(rawValue: type) else {
                    throw CLIError("--type must be 0, 1 or 2, not \(type)")
                }
                let signer = try KeyFile.read(key)
                let recipient: Address?
                do { recipient = try to.map { try Address(hex: $0) } } catch { throw CLIError("--to: \(error)") }
                let payload: [UInt8]
                do { payload = try Hex.decode(data) } catch { throw CLIError("--data: \(error)") }
                var content = UnsignedTransaction(
                    type: txType, chainID: chainID, nonce: nonce,
                    maxPriorityFeePerGas: try quantity(priorityFee, "--priority-fee"),
                    maxFeePerGas: try quantity(txType == .dynamicFee ? maxFee : gasPrice,
                                               txType == .dynamicFee ? "--max-fee" : "--gas-price"),
                    gasLimit: 0, to: recipient, value: try quantity(value, "--value"), data: payload)
                content.gasLimit = gas ?? content.intrinsicGas
                let tx = content.signed(with: signer)
                try tx.validate(TransactionRules(chainID: chainID))
                print(Hex.encode(tx.encoded))
            }
        }

        private func quantity(_ text: String, _ option: String) throws -> UInt256 {
            do { return try UInt256(parsing: text) } catch { throw CLIError("\(option): \(error)") }
        }
    }
}

/// The JSON that `strand tx decode` prints; quantities are hex strings, as JSON-RPC writes them.
enum TransactionJSON {
    static func render(_ tx: Transaction, sender: Address?) -> String {
        var fields: [(String, String)] = [
            ("type", quote(tx.type == .fisco ? "fisco" : String(format: "0x%x", tx.type.rawValue))),
            ("chainId", tx.chainID.map { quote(UInt256($0).hexString) } ?? "null"),
        ]
        if let fisco = tx.content.fisco {
            fields += [("randomid", quote(fisco.randomID.hexString)), ("blockLimit", quote(UInt256(fisco.blockLimit).hexString)),
                       ("groupId", quote(UInt256(fisco.groupID).hexString)), ("extraData", quote(Hex.encode(fisco.extraData)))]
        } else {
            fields.append(("nonce", quote(UInt256(tx.nonce).hexString)))
        }
        if tx.type == .dynamicFee {
            fields.append(("maxPriorityFeePerGas", quote(tx.maxPriorityFeePerGas.hexString)))
            fields.append(("maxFeePerGas", quote(tx.maxFeePerGas.hexString)))
        } else {
            fields.append(("gasPrice", quote(tx.gasPrice.hexString)))
        }
        fields += [
            ("gas", quote(UInt256(tx.gasLimit).hexString)),
            ("to", tx.to.map { quote($0.checksummed) } ?? "null"),
            ("value", quote(tx.value.hexString)),
            ("data", quote(Hex.encode(tx.data))),
        ]
        if tx.type.hasTypeByte {
            let entries = tx.accessList.map { entry in
                "{\"address\": \(quote(entry.address.checksummed)), \"storageKeys\": ["
                    + entry.storageKeys.map { quote($0.description) }.joined(separator: ", ") + "]}"
            }
            fields.append(("accessList", "[" + entries.joined(separator: ", ") + "]"))
        }
        fields += [
            // A 国密 transaction's v is its signer's SM2 public key.
            ("v", quote(tx.signature.signerKey.map { Hex.encode($0.bytes) } ?? tx.v.hexString)),
            ("r", quote(tx.signature.r.hexString)),
            ("s", quote(tx.signature.s.hexString)),
            ("hash", quote(tx.hash.description)),
            ("crypto", quote(tx.suite.rawValue)),
            ("sender", sender.map { quote($0.checksummed) } ?? "null"),
            ("intrinsicGas", quote(UInt256(tx.intrinsicGas).hexString)),
        ]
        return "{\n" + fields.map { "  \"\($0)\": \($1)" }.joined(separator: ",\n") + "\n}"
    }

    private static func quote(_ s: String) -> String { "\"\(s)\"" }
}
