import CStrandReference
import StrandCrypto
import StrandPrimitives
import StrandTypes

/// The benchmarks of the foundation: Keccak-256, transaction decoding, sender recovery
/// single-threaded and in batches, SM2, each against its C reference measured in the same run.
public struct FoundationBenchmarks {
    public var threads: Int
    /// Signatures per recovery batch.
    public var batchSize: Int

    public init(threads: Int = WorkerThreads.availableCores, batchSize: Int = 4_096) {
        self.threads = threads
        self.batchSize = batchSize
    }

    /// Runs every benchmark; `progress` is told the name of each before it starts.
    public func run(progress: (String) -> Void = { _ in }) -> [BenchmarkRow] {
        var rows: [BenchmarkRow] = []
        for size in [32, 110, 1024] {
            progress("keccak \(size) B")
            rows.append(keccak(size: size))
        }
        progress("keccak batches")
        rows.append(keccakBatch(size: 65))
        progress("transaction decode")
        rows.append(transactionDecode())
        progress("sender recovery")
        rows.append(contentsOf: recovery())
        progress("SM2")
        rows.append(contentsOf: sm2())
        return rows
    }

    func keccak(size: Int) -> BenchmarkRow {
        var generator = SystemRandomNumberGenerator()
        let input = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let batch = 256
        var digest = Hash.zero
        let strand = input.withUnsafeBytes { buffer in
            measure("keccak", operationsPerCall: batch) {
                for _ in 0..<batch { digest = Keccak256.hash(buffer) }
                blackHole(digest)
            }
        }
        var out = [UInt8](repeating: 0, count: 32)
        let reference = input.withUnsafeBufferPointer { buffer in
            measure("C keccak", operationsPerCall: batch) {
                for _ in 0..<batch { strand_reference_keccak256(buffer.baseAddress, size, &out) }
                blackHole(out)
            }
        }
        precondition(Array(digest.bytes) == out, "Swift and C Keccak-256 disagree")
        let ratio = strand.nanosecondsPerOperation / reference.nanosecondsPerOperation
        return BenchmarkRow(
            name: "keccak256 \(size) B", strand: strand, reference: reference,
            ratioMeaning: "Strand time ÷ C time", ratio: ratio, target: "≤ 1.5", targetMet: ratio <= 1.5)
    }

    /// Many short messages hashed at once (`Keccak256.hashEach`: eight per AVX-512 permutation
    /// where the CPU has it), as Merkle nodes (65 bytes) are, against C hashing them one by one.
    func keccakBatch(size: Int) -> BenchmarkRow {
        var generator = SystemRandomNumberGenerator()
        let batch = 256
        let inputs = (0..<batch * size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var digests = [Hash](repeating: .zero, count: batch)
        let strand = inputs.withUnsafeBytes { buffer in
            digests.withUnsafeMutableBufferPointer { out in
                measure("keccak batch", operationsPerCall: batch) {
                    Keccak256.hashEach(count: batch, into: out.baseAddress!) {
                        UnsafeRawBufferPointer(rebasing: buffer[($0 * size)..<($0 * size + size)])
                    }
                    blackHole(out[batch - 1])
                }
            }
        }
        var out = [UInt8](repeating: 0, count: 32)
        let reference = inputs.withUnsafeBufferPointer { buffer in
            measure("C keccak", operationsPerCall: batch) {
                for i in 0..<batch { strand_reference_keccak256(buffer.baseAddress! + i * size, size, &out) }
                blackHole(out)
            }
        }
        precondition(Array(digests[batch - 1].bytes) == out, "batched and C Keccak-256 disagree")
        return BenchmarkRow(
            name: "keccak256 batches of \(size) B", strand: strand, reference: reference,
            ratioMeaning: "C time ÷ Strand time", ratio: reference.nanosecondsPerOperation / strand.nanosecondsPerOperation,
            target: nil, targetMet: nil)
    }

    /// A typical signed transfer: EIP-1559, 21,000 gas, value, no data.
    static func typicalTransfer(key: PrivateKey = .random(), nonce: UInt64 = 7) -> Transaction {
        UnsignedTransaction(
            type: .dynamicFee, chainID: 20200, nonce: nonce, maxPriorityFeePerGas: UInt256(1),
            maxFeePerGas: UInt256(1_000_000_000), gasLimit: 21_000,
            to: Address(lastBytesOf: Keccak256.hash([1, 2, 3])), value: UInt256(1_000_000_000_000_000)
        ).signed(with: key)
    }

    func transactionDecode() -> BenchmarkRow {
        let raw = Self.typicalTransfer().encoded
        let batch = 256
        let strand = measure("decode", operationsPerCall: batch) {
            for _ in 0..<batch { blackHole(try! Transaction.decode(raw)) }
        }
        var out = [UInt8](repeating: 0, count: 32)
        let reference = raw.withUnsafeBufferPointer { buffer in
            measure("C keccak", operationsPerCall: batch) {
                for _ in 0..<batch { strand_reference_keccak256(buffer.baseAddress, buffer.count, &out) }
                blackHole(out)
            }
        }
        let micros = strand.nanosecondsPerOperation / 1_000
        return BenchmarkRow(
            name: "tx decode+hash (\(raw.count) B transfer)", strand: strand, reference: reference,
            ratioMeaning: "Strand decode+hash ÷ C keccak alone",
            ratio: strand.nanosecondsPerOperation / reference.nanosecondsPerOperation,
            target: "≤ 2 µs", targetMet: micros <= 2)
    }

    func recovery() -> [BenchmarkRow] {
        // Distinct keys and messages, as a real block has.
        let keys = (0..<64).map { _ in PrivateKey.random() }
        let requests = (0..<batchSize).map { i -> RecoveryRequest in
            let message = Keccak256.hash([UInt8(i & 0xff), UInt8(i >> 8), 0x5a])
            return RecoveryRequest(messageHash: message, signature: keys[i % keys.count].sign(messageHash: message))
        }
        var compact = [UInt8](), recoveryIDs = [UInt8](), messages = [UInt8]()
        for request in requests {
            compact += request.signature.r.bigEndianBytes + request.signature.s.bigEndianBytes
            recoveryIDs.append(request.signature.recoveryID)
            messages += request.messageHash.bytes
        }
        let single = 256
        let reference = measure("C recover", operationsPerCall: single, samples: 5) {
            let recovered = strand_reference_recover(compact, recoveryIDs, messages, single)
            precondition(recovered == single)
        }
        let strandSingle = measure("recover", operationsPerCall: single, samples: 5) {
            for request in requests.prefix(single) {
                blackHole(try! request.signature.recoverSigner(messageHash: request.messageHash))
            }
        }
        let verifier = SignatureVerifier(threads: threads)
        let batch = measure("batch", operationsPerCall: requests.count, samples: 5) {
            blackHole(verifier.recoverSigners(requests))
        }
        let singleRatio = reference.nanosecondsPerOperation / strandSingle.nanosecondsPerOperation
        // Batch throughput ÷ (threads × the C single-thread rate).
        let ideal = Double(threads) * reference.operationsPerSecond
        let batchRatio = batch.operationsPerSecond / ideal
        let idealMeasurement = Measurement(
            name: "ideal", nanosecondsPerOperation: 1e9 / ideal, spread: reference.spread, samples: reference.samples)
        return [
            BenchmarkRow(
                name: "sender recovery, 1 thread", strand: strandSingle, reference: reference,
                ratioMeaning: "C time ÷ Strand time", ratio: singleRatio, target: nil, targetMet: nil),
            BenchmarkRow(
                name: "batch recovery, \(threads) threads", strand: batch, reference: idealMeasurement,
                ratioMeaning: "rate ÷ (\(threads) × C 1-thread rate)", ratio: batchRatio,
                target: "≥ 0.9", targetMet: batchRatio >= 0.9),
        ]
    }
}
