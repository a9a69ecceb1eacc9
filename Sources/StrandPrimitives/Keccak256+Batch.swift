import CStrandIntrinsics

/// Hashes `count` messages, the i-th being `message(i)`, into `out[i]`. The buffers `message`
/// returns must stay valid for the whole call.
public typealias HashEach = (_ count: Int, _ out: UnsafeMutablePointer<Hash>, _ message: (Int) -> UnsafeRawBufferPointer) -> Void

extension Keccak256 {
    /// Keccak-256 of many messages: those shorter than a block (Merkle nodes and leaves,
    /// receipts, transactions) eight at a time in AVX-512 registers where the CPU has them
    /// (`strand_keccak256_x8`), the rest one by one. The digests are `hash`'s, bit for bit.
    public static func hashEach(count: Int, into out: UnsafeMutablePointer<Hash>, message: (Int) -> UnsafeRawBufferPointer) {
        guard count > 1, strand_keccak256_x8_ready() != 0 else {
            for i in 0..<count { out[i] = hash(message(i)) }
            return
        }
        withUnsafeTemporaryAllocation(of: UnsafePointer<UInt8>?.self, capacity: 8) { pointers in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 16) { lengthsAndTargets in
                withUnsafeTemporaryAllocation(byteCount: 8 * 32, alignment: 8) { digests in
                    let lengths = lengthsAndTargets.baseAddress!, targets = lengthsAndTargets.baseAddress! + 8
                    var pending = 0
                    func flush() {
                        strand_keccak256_x8(pointers.baseAddress!, lengths, pending, digests.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        for j in 0..<pending { out[targets[j]] = Hash(loadingFrom: digests.baseAddress! + 32 * j) }
                        pending = 0
                    }
                    for i in 0..<count {
                        let bytes = message(i)
                        guard bytes.count < rate, let base = bytes.baseAddress else {
                            out[i] = hash(bytes)
                            continue
                        }
                        pointers[pending] = base.assumingMemoryBound(to: UInt8.self)
                        lengths[pending] = bytes.count
                        targets[pending] = i
                        pending += 1
                        if pending == 8 { flush() }
                    }
                    if pending > 0 { flush() }
                }
            }
        }
    }
}
