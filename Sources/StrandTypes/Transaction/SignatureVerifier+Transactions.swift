import StrandCrypto
import StrandPrimitives

extension SignatureVerifier {
    /// Recovers the sender of every transaction, on all of the verifier's threads, in input order.
    ///
    /// - Complexity: one recovery per transaction, the costliest step of admission (BENCHMARKS.md).
    public func recoverSenders(_ transactions: [Transaction]) -> [Result<RecoveredTransaction, TransactionError>] {
        let signers = recoverSigners(of: transactions) { tx in
            RecoveryRequest(messageHash: tx.content.signingHash(tx.suite), signature: tx.signature)
        }
        return zip(transactions, signers).map { tx, signer in
            signer.map { RecoveredTransaction(tx, sender: $0) }.mapError { .badSignature($0) }
        }
    }
}
