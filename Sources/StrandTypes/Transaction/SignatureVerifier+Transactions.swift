import StrandCrypto
import StrandPrimitives

extension SignatureVerifier {
    /// Recovers the sender of every transaction, on all of the verifier's threads, in input order.
    ///
    /// - Complexity: one recovery per transaction, the costliest step of admission (BENCHMARKS.md).
    public func recoverSenders(_ transactions: [Transaction]) -> [Result<RecoveredTransaction, TransactionError>] {
        let signers = recoverSigners(of: transactions) { transactions, range, requests in
            // The signing payloads of the chunk end to end, hashed as one batch.
            var payloads: [UInt8] = []
            var ends: [Int] = []
            for i in range {
                payloads += transactions[i].content.signingPayload
                ends.append(payloads.count)
            }
            withUnsafeTemporaryAllocation(of: Hash.self, capacity: range.count) { digests in
                payloads.withUnsafeBytes { transactions[range.lowerBound].suite.hashEach(of: $0, ends: ends, into: digests.baseAddress!) }
                for i in range {
                    let tx = transactions[i]
                    let digest = tx.suite == transactions[range.lowerBound].suite ? digests[i - range.lowerBound] : tx.content.signingHash(tx.suite)
                    (requests + (i - range.lowerBound)).initialize(to: RecoveryRequest(messageHash: digest, signature: tx.signature))
                }
            }
        }
        return zip(transactions, signers).map { tx, signer in
            signer.map { RecoveredTransaction(tx, sender: $0) }.mapError { .badSignature($0) }
        }
    }
}
