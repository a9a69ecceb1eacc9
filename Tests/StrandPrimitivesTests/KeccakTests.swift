import StrandPrimitives
import StrandTestSupport
import Testing

@Suite struct KeccakTests {
    @Test func knownDigests() {
        #expect(Keccak256.hash([UInt8]()).description
            == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Keccak256.hash(Array("abc".utf8)).description
            == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        // The empty RLP list's hash appears in every Ethereum header (ommers hash).
        #expect(Keccak256.hash([0xc0]).description
            == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
        // Function selector of transfer(address,uint256).
        #expect(Array(Keccak256.hash(Array("transfer(address,uint256)".utf8)).bytes.prefix(4)) == [0xa9, 0x05, 0x9c, 0xbb])
    }

    @Test func batchesAgreeWithOneByOne() {
        // Batches of every size up to 8 and past it, lengths on both sides of one and two blocks
        // and long ones of mixed lengths (the eight-way path, which this CPU may or may not
        // have, batches short and long messages apart), empty included.
        var generator = SeededGenerator(seed: 11)
        let lengthCycle = [0, 1, 32, 33, 65, 110, 135, 136, 137, 271, 272, 273, 300, 1_000, 4_000, 20_000]
        for count in [0, 1, 2, 7, 8, 9, 17, 40] {
            let messages = (0..<count).map { i in
                let length = lengthCycle[(i + count) % lengthCycle.count]
                return (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            var digests = [Hash](repeating: .zero, count: count)
            let buffers = messages.map { bytes in
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                buffer.copyBytes(from: bytes)
                return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<bytes.count])
            }
            defer { for buffer in buffers { UnsafeMutableRawPointer(mutating: buffer.baseAddress)?.deallocate() } }
            digests.withUnsafeMutableBufferPointer { out in
                if count > 0 { Keccak256.hashEach(count: count, into: out.baseAddress!) { buffers[$0] } }
            }
            #expect(digests == messages.map { Keccak256.hash($0) }, "batch of \(count)")
        }
    }

    @Test func agreesWithReferenceAcrossBlockBoundaries() {
        // Lengths around the 136-byte rate, where padding bugs live; the reference is an
        // independent byte-at-a-time sponge over the same permutation (below).
        var generator = SeededGenerator(seed: 7)
        for length in [0, 1, 31, 32, 55, 56, 110, 134, 135, 136, 137, 271, 272, 273, 1000] {
            let input = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Keccak256.hash(input) == referenceKeccak(input), "length \(length)")
        }
    }

    /// A deliberately naive Keccak-256: loops over the 5×5 state by index, absorbs byte by byte.
    func referenceKeccak(_ input: [UInt8]) -> Hash {
        var state = [UInt64](repeating: 0, count: 25)
        var padded = input
        padded.append(0x01)
        while padded.count % 136 != 0 { padded.append(0) }
        padded[padded.count - 1] |= 0x80
        for blockStart in stride(from: 0, to: padded.count, by: 136) {
            for i in 0..<136 {
                state[i / 8] ^= UInt64(padded[blockStart + i]) << (8 * UInt64(i % 8))
            }
            naivePermute(&state)
        }
        var out: [UInt8] = []
        for i in 0..<32 { out.append(UInt8(truncatingIfNeeded: state[i / 8] >> (8 * UInt64(i % 8)))) }
        return Hash(out)!
    }

    func naivePermute(_ a: inout [UInt64]) {
        let rotations: [UInt64] = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14]
        func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { n == 0 ? x : (x << n) | (x >> (64 - n)) }
        var lfsr: UInt8 = 1
        for _ in 0..<24 {
            var c = [UInt64](repeating: 0, count: 5)
            for x in 0..<5 { for y in 0..<5 { c[x] ^= a[x + 5 * y] } }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1)
                for y in 0..<5 { a[x + 5 * y] ^= d }
            }
            var b = [UInt64](repeating: 0, count: 25)
            for x in 0..<5 { for y in 0..<5 { b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rotations[x + 5 * y]) } }
            for x in 0..<5 { for y in 0..<5 { a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]) } }
            // Round constant from the LFSR of the Keccak reference, not a table.
            for j in 0..<7 {
                if lfsr & 1 == 1 { a[0] ^= 1 << ((1 << UInt64(j)) - 1) }
                lfsr = lfsr & 0x80 != 0 ? (lfsr << 1) ^ 0x71 : lfsr << 1
            }
        }
    }
}
