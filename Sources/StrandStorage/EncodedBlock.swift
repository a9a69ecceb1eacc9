import Dispatch
import StrandPrimitives
import StrandTypes

/// What the ledger stores of a block besides its state changes, encoded, with the
/// transaction and receipt roots that the encodings give when they are to be checked.
struct EncodedBlock: Sendable {
    let header: [UInt8]
    let body: [UInt8]
    let receipts: [UInt8]
    /// nil when the caller had checked them (`Ledger.commit`'s `rootsChecked`).
    let roots: (transactions: Hash, receipts: Hash)?

    init(_ block: Block, receipts: [Receipt], computingRoots: Bool) {
        header = block.header.encoded
        body = block.encodedBody
        guard computingRoots else {
            self.receipts = Receipt.encodeList(receipts)
            roots = nil
            return
        }
        let suite = block.header.suite
        let (list, receiptHashes) = Receipt.encodeListAndHash(receipts, suite: suite)
        self.receipts = list
        roots = (Block.transactionsRoot(block.transactions, suite: suite), merkleRoot(receiptHashes, hashEach: suite.hashEach))
    }

    func checkRoots(against header: BlockHeader) throws(LedgerError) {
        guard let (transactionsRoot, receiptsRoot) = roots else { return }
        guard transactionsRoot == header.transactionsRoot else {
            throw .rootMismatch(field: "transactions root", inHeader: header.transactionsRoot, computed: transactionsRoot)
        }
        guard receiptsRoot == header.receiptsRoot else {
            throw .rootMismatch(field: "receipts root", inHeader: header.receiptsRoot, computed: receiptsRoot)
        }
    }
}

/// A value computed on a Dispatch worker thread while the caller does other work.
final class Concurrently<Value: Sendable>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read after waiting on it.
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.value = work()
            self.done.signal()
        }
    }

    /// The value, once computed; call once.
    func wait() -> Value {
        done.wait()
        return value!
    }
}
