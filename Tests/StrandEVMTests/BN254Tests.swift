import Foundation
@testable import StrandEVM
import StrandPrimitives
import StrandTestSupport
import Testing

/// alt_bn128 precompiles against vectors that py_ecc produced (scripts/gen-bn254-vectors.py),
/// and the Montgomery field against plain modular arithmetic.
@Suite struct BN254Tests {
    @Test func precompileVectors() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bn254.json")
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        #expect(cases.count > 30)
        for (index, testCase) in cases.enumerated() {
            let precompile = try #require(Precompile(rawValue: UInt8(testCase["precompile"] as! Int)))
            let input = hexBytes(testCase["input"] as! String)
            let result = precompile.output(input)
            if let expected = testCase["output"] as? String {
                #expect((try? result.get()) == hexBytes(expected), "case \(index) (\(precompile))")
            } else {
                #expect((try? result.get()) == nil, "case \(index) (\(precompile)) must fail")
            }
        }
    }

    @Test func montgomeryMultiplicationMatchesMulMod() {
        var generator = SeededGenerator(seed: 254)
        for _ in 0..<2_000 {
            let a = UInt256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next()) % Fp.modulus
            let b = UInt256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next()) % Fp.modulus
            #expect((Fp(a) * Fp(b)).value == a.mulMod(b, modulus: Fp.modulus))
            #expect((Fp(a) + Fp(b)).value == a.addMod(b, modulus: Fp.modulus))
            if !a.isZero { #expect((Fp(a) * Fp(a).inverse).value == .one) }
        }
    }
}
