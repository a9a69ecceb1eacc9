import BigInt
import StrandPrimitives
import StrandTestSupport
import Testing

/// Property tests: every operation against attaswift/BigInt on the same random operands.
@Suite struct UInt256Tests {
    static let modulus = BigUInt(1) << 256
    static let iterations = 3_000

    func big(_ value: UInt256) -> BigUInt {
        BigUInt(words: [UInt(value.w0), UInt(value.w1), UInt(value.w2), UInt(value.w3)])
    }

    func signed(_ value: UInt256) -> BigInt {
        value.isNegative ? BigInt(big(value)) - BigInt(Self.modulus) : BigInt(big(value))
    }

    func fromBig(_ value: BigUInt) -> UInt256 {
        let reduced = value % Self.modulus
        let words = reduced.words.map(UInt64.init) + [0, 0, 0, 0]
        return UInt256(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    func fromSigned(_ value: BigInt) -> UInt256 {
        fromBig(BigUInt(value < 0 ? value + BigInt(Self.modulus) : value))
    }

    /// Operands that hit the edges: zero, one, all-ones, sign bit, single limbs, short and full widths.
    func operands(seed: UInt64) -> [(UInt256, UInt256)] {
        var generator = SeededGenerator(seed: seed)
        func random() -> UInt256 {
            var value = UInt256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
            switch generator.next() % 8 {
            case 0: value = .zero
            case 1: value = UInt256(generator.next() % 4)
            case 2: value = .max &- UInt256(generator.next() % 3)
            case 3: value = UInt256.one << Int(generator.next() % 256)
            case 4: value = value >> Int(generator.next() % 256)
            case 5: value = UInt256(w0: 0, w1: 0, w2: generator.next(), w3: generator.next() >> (generator.next() % 64))
            default: break
            }
            return value
        }
        return (0..<Self.iterations).map { _ in (random(), random()) }
    }

    @Test func addSubMul() {
        for (a, b) in operands(seed: 1) {
            #expect(big(a &+ b) == (big(a) + big(b)) % Self.modulus)
            #expect(big(a &- b) == (big(a) + Self.modulus - big(b)) % Self.modulus)
            #expect(big(a &* b) == (big(a) * big(b)) % Self.modulus)
            let (high, low) = a.multipliedFullWidth(by: b)
            #expect(big(high) << 256 + big(low) == big(a) * big(b))
            #expect(a.addingReportingOverflow(b).overflow == (big(a) + big(b) >= Self.modulus))
        }
    }

    @Test func divisionAndModulo() {
        for (a, b) in operands(seed: 2) {
            if b.isZero {
                #expect(a / b == .zero && a % b == .zero)
            } else {
                #expect(big(a / b) == big(a) / big(b), "\(a) / \(b)")
                #expect(big(a % b) == big(a) % big(b), "\(a) % \(b)")
            }
        }
    }

    @Test func addModMulMod() {
        for (a, b) in operands(seed: 3) {
            for m in [b, a | 1, UInt256(7), .max, b >> 130, .zero] {
                let expectedAdd = m.isZero ? BigUInt(0) : (big(a) + big(b)) % big(m)
                let expectedMul = m.isZero ? BigUInt(0) : (big(a) * big(b)) % big(m)
                #expect(big(a.addMod(b, modulus: m)) == expectedAdd, "addmod \(a) \(b) \(m)")
                #expect(big(a.mulMod(b, modulus: m)) == expectedMul, "mulmod \(a) \(b) \(m)")
            }
        }
    }

    @Test func signedDivisionAndComparison() {
        for (a, b) in operands(seed: 4) {
            let (sa, sb) = (signed(a), signed(b))
            if b.isZero {
                #expect(a.signedDivided(by: b) == .zero && a.signedRemainder(dividingBy: b) == .zero)
            } else {
                // BigInt's / and % truncate toward zero, as SDIV and SMOD do.
                #expect(a.signedDivided(by: b) == fromSigned(sa / sb), "sdiv \(sa) \(sb)")
                #expect(a.signedRemainder(dividingBy: b) == fromSigned(sa % sb), "smod \(sa) \(sb)")
            }
            #expect(a.isSignedLess(than: b) == (sa < sb))
            #expect(a.isSignedGreater(than: b) == (sa > sb))
            #expect((a < b) == (big(a) < big(b)))
        }
        let minimum = UInt256.one << 255
        #expect(minimum.signedDivided(by: .max) == minimum)  // −2²⁵⁵ ÷ −1 overflows back to itself
    }

    @Test func exponentiation() {
        for (a, b) in operands(seed: 5).prefix(500) {
            let exponent = b >> Int(b.w0 % 250)  // keep BigUInt's power() affordable
            #expect(big(a.power(exponent)) == big(a).power(big(exponent), modulus: Self.modulus))
        }
        #expect(UInt256(2).power(UInt256(255)) == UInt256.one << 255)
        #expect(UInt256(2).power(UInt256(256)) == .zero)
        #expect(UInt256.zero.power(.zero) == .one)
    }

    @Test func shiftsByteAndSignExtend() {
        for (a, b) in operands(seed: 6) {
            let shift = UInt256(b.w0 % 300)
            let n = Int(shift.w0)
            #expect(big(a.shiftedLeft(shift)) == (big(a) << n) % Self.modulus)
            #expect(big(a.shiftedRight(shift)) == big(a) >> n)
            // SAR floors; BigInt shifts the magnitude, which rounds negative values toward zero.
            let sa = signed(a), divisor = BigInt(1) << n
            let floored = sa >= 0 ? sa / divisor : -((-sa + divisor - 1) / divisor)
            #expect(a.arithmeticShiftedRight(shift) == fromSigned(floored))
            #expect(a.shiftedLeft(b) == (b.uint64.map { $0 < 256 } == true ? a << Int(b.w0) : .zero))

            let index = UInt256(b.w0 % 40)
            let expectedByte = index.w0 < 32 ? (big(a) >> (8 * (31 - Int(index.w0)))) & 0xff : 0
            #expect(big(a.byte(index)) == expectedByte)

            let k = Int(b.w0 % 40)
            let extended = a.signExtended(fromByte: UInt256(k))
            if k >= 31 {
                #expect(extended == a)
            } else {
                let bits = 8 * (k + 1)
                let low = big(a) % (BigUInt(1) << bits)
                let value = low >= (BigUInt(1) << (bits - 1)) ? BigInt(low) - (BigInt(1) << bits) : BigInt(low)
                #expect(extended == fromSigned(value))
            }
        }
        #expect(UInt256.max.arithmeticShiftedRight(.max) == .max)
        #expect((UInt256.one << 255).arithmeticShiftedRight(UInt256(255)) == .max)
    }

    @Test func bytesAndStrings() throws {
        for (a, _) in operands(seed: 7).prefix(500) {
            #expect(UInt256(bigEndian: a.bigEndianBytes) == a)
            #expect(UInt256(bigEndian: a.minimalBigEndianBytes) == a)
            #expect(a.minimalBigEndianBytes.first != 0)
            #expect(a.description == String(big(a)))
            #expect(try UInt256(parsing: a.description) == a)
            #expect(try UInt256(parsing: a.hexString) == a)
            #expect(UInt256(Hash(a)) == a)
        }
        #expect(UInt256(bigEndian: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(UInt256.zero.hexString == "0x0")
        #expect(UInt256(255).hexString == "0xff")
        #expect(throws: NumberParseError.overflow) {
            try UInt256(parsing: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        }
        #expect(throws: NumberParseError.invalidDigit("x")) { try UInt256(parsing: "12x") }
    }
}
