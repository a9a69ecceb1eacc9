import CStrandIntrinsics

/// Hashes `count` messages, the i-th being `message(i)`, into `out[i]`. The buffers `message`
/// returns must stay valid for the whole call.
public typealias HashEach = (_ count: Int, _ out: UnsafeMutablePointer<Hash>, _ message: (Int) -> UnsafeRawBufferPointer) -> Void

extension Keccak256 {
    /// Keccak-256 of many messages, eight at a time in AVX-512 registers where the CPU has them
    /// (`strand_keccak256_x8`), one by one elsewhere. Messages shorter than a block (Merkle nodes
    /// and leaves, receipts, transactions) are batched together; longer ones (a change log's
    /// chunks) in batches of their own, of lengths within a factor of two of each other, since
    /// a batch takes as many steps as its longest message. The digests are `hash`'s, bit for bit.
    public static func hashEach(count: Int, into out: UnsafeMutablePointer<Hash>, message: (Int) -> UnsafeRawBufferPointer) {
        guard count > 1, strand_keccak256_x8_ready() != 0 else {
            for i in 0..<count { out[i] = hash(message(i)) }
            return
        }
        // Two batches of up to eight: [0] short messages, [1] long ones.
        withUnsafeTemporaryAllocation(of: UnsafePointer<UInt8>?.self, capacity: 16) { pointers in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 32) { lengthsAndTargets in
                withUnsafeTemporaryAllocation(byteCount: 8 * 32, alignment: 8) { digests in
                    let lengths = lengthsAndTargets.baseAddress!, targets = lengthsAndTargets.baseAddress! + 16
                    var pending = (short: 0, long: 0)
                    func flush(_ batch: Int) {
                        let first = 8 * batch, size = batch == 0 ? pending.short : pending.long
                        guard size > 0 else { return }
                        strand_keccak256_x8(pointers.baseAddress! + first, lengths + first, size,
                                            digests.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        for j in 0..<size { out[targets[first + j]] = Hash(loadingFrom: digests.baseAddress! + 32 * j) }
                        if batch == 0 { pending.short = 0 } else { pending.long = 0 }
                    }
                    func add(_ base: UnsafeRawPointer, length: Int, target: Int, to batch: Int) {
                        let slot = 8 * batch + (batch == 0 ? pending.short : pending.long)
                        pointers[slot] = base.assumingMemoryBound(to: UInt8.self)
                        lengths[slot] = length
                        targets[slot] = target
                        if batch == 0 { pending.short += 1 } else { pending.long += 1 }
                        if (batch == 0 ? pending.short : pending.long) == 8 { flush(batch) }
                    }
                    for i in 0..<count {
                        let bytes = message(i)
                        guard let base = bytes.baseAddress else {
                            out[i] = hash(bytes)
                            continue
                        }
                        if bytes.count < rate {
                            add(base, length: bytes.count, target: i, to: 0)
                            continue
                        }
                        if pending.long > 0 {
                            let blocks = bytes.count / rate + 1, batchBlocks = lengths[8] / rate + 1
                            if blocks > 2 * batchBlocks || 2 * blocks < batchBlocks { flush(1) }
                        }
                        add(base, length: bytes.count, target: i, to: 1)
                    }
                    flush(0)
                    flush(1)
                }
            }
        }
    }
}
