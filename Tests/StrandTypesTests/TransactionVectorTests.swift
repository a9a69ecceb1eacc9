import Foundation
import StrandCrypto
import StrandPrimitives
import StrandTestSupport
import StrandTypes
import Testing

/// Ethereum's `TransactionTests`, Cancun results: hash, sender and intrinsic gas of valid
/// transactions, and the named exception of invalid ones.
@Suite struct TransactionVectorTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let name: String
        let raw: String
        let expectedException: String?
        let hash: String?
        let sender: String?
        let intrinsicGas: String?
        var testDescription: String { name }
    }

    static let vectors: [Vector] = TestVectors.files(under: "TransactionTests").flatMap { file -> [Vector] in
        guard let data = try? Data(contentsOf: file),
              let tests = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else { return [] }
        return tests.compactMap { name, test in
            guard let cancun = (test["result"] as? [String: [String: String]])?["Cancun"],
                  let raw = test["txbytes"] as? String else { return nil }
            return Vector(name: name, raw: raw, expectedException: cancun["exception"], hash: cancun["hash"],
                          sender: cancun["sender"], intrinsicGas: cancun["intrinsicGas"])
        }
    }.sorted { $0.name < $1.name }

    /// The chain the vectors were filled for.
    static let rules = TransactionRules(chainID: 1)

    @Test func suiteIsPresent() {
        #expect(Self.vectors.count >= 90, "expected the Cancun transaction vectors under ../shared")
    }

    @Test(arguments: vectors)
    func cancunResult(_ vector: Vector) throws {
        let outcome = Result { () throws(TransactionError) -> (Transaction, Address) in
            let tx = try Transaction.decode(hexBytes(vector.raw))
            try tx.validate(Self.rules)
            return (tx, try tx.recoverSender())
        }
        switch (outcome, vector.expectedException) {
        case (.success(let (tx, sender)), nil):
            #expect(tx.hash == (try Hash(hex: try #require(vector.hash))))
            #expect(sender == (try Address(hex: try #require(vector.sender))))
            #expect(UInt256(tx.intrinsicGas) == (try UInt256(parsing: try #require(vector.intrinsicGas))))
            #expect(tx.encoded == hexBytes(vector.raw))
        case (.failure(let error), let expected?):
            #expect(Self.matches(error, expected), "got \(error), expected \(expected)")
        case (.success, let expected?):
            Issue.record("accepted a transaction the vector rejects with \(expected)")
        case (.failure(let error), nil):
            Issue.record("rejected a valid transaction: \(error)")
        }
    }

    /// Whether our error is the one the vector names (`TransactionException.X`).
    static func matches(_ error: TransactionError, _ exception: String) -> Bool {
        let name = exception.replacingOccurrences(of: "TransactionException.", with: "")
        switch (error, name) {
        case (.chainIDMismatch, "INVALID_CHAINID"), (.zeroChainID, "INVALID_CHAINID"),
             // A legacy v carries the chain id; one that encodes none is this exception too.
             (.badV, "INVALID_CHAINID"),
             (.nonceTooLarge, "NONCE_OVERFLOW"),
             (.badRLP(field: "nonce", .integerTooLarge), "NONCE_OVERFLOW"),
             (.badRLP(field: "gasLimit", .integerTooLarge), "GASLIMIT_OVERFLOW"),
             (.badRLP(field: "value", .integerTooLarge), "VALUE_OVERFLOW"),
             (.badRLP(field: "gasPrice", .integerTooLarge), "GASPRICE_OVERFLOW"),
             (.badRLP(field: "maxFeePerGas", .integerTooLarge), "GASPRICE_OVERFLOW"),
             (.badRLP(field: "maxPriorityFeePerGas", .integerTooLarge), "PRIORITY_OVERFLOW"),
             (.gasLimitPriceProductOverflow, "GASLIMIT_PRICE_PRODUCT_OVERFLOW"),
             (.intrinsicGasTooLow, "INTRINSIC_GAS_TOO_LOW"),
             (.initCodeTooLarge, "INITCODE_SIZE_EXCEEDED"),
             (.badRLP(field: "to", .wrongLength), "ADDRESS_TOO_LONG"),
             (.badSignature, "INVALID_SIGNATURE_VRS"),
             (.badV, "INVALID_SIGNATURE_VRS"),
             (.badRLP(field: "r", .integerTooLarge), "INVALID_SIGNATURE_VRS"),
             (.badRLP(field: "s", .integerTooLarge), "INVALID_SIGNATURE_VRS"),
             (.badSignature(.recoveryFailed), "EC_RECOVERY_FAIL"):
            return true
        case (.badRLP(let field, .leadingZeros), _) where name.hasPrefix("RLP_LEADING_ZEROS_"):
            let fieldNames = ["NONCE": "nonce", "GASPRICE": "gasPrice", "GASLIMIT": "gasLimit", "VALUE": "value",
                              "V": "v", "R": "r", "S": "s", "BASEFEE": "maxFeePerGas",
                              "PRIORITY_FEE": "maxPriorityFeePerGas"]
            return fieldNames[String(name.dropFirst("RLP_LEADING_ZEROS_".count))] == field
        case (.badRLP(field: "accessList", .wrongLength(let expected, let actual)), _):
            switch name {
            case "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_LONG": return expected == 20 && actual > 20
            case "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT": return expected == 20 && actual < 20
            case "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG": return expected == 32 && actual > 32
            default: return false
            }
        default:
            return false
        }
    }
}
