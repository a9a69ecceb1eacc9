import COpenSSL
import StrandPrimitives

/// SM3 (GB/T 32905), the hash of FISCO's 国密 chains (`CryptoSuite.sm`), from the system's OpenSSL.
public enum SM3 {
    /// Fetched once: `EVP_sm3()` makes OpenSSL 3 look the algorithm up again on every call,
    /// which costs more than hashing the few hundred bytes SM2 hashes. A fetched algorithm is
    /// immutable and shared by every thread.
    private nonisolated(unsafe) static let algorithm = EVP_MD_fetch(nil, "SM3", nil)

    public static func hash(_ bytes: [UInt8]) -> Hash {
        bytes.withUnsafeBytes { hash($0) }
    }

    public static func hash(_ input: UnsafeRawBufferPointer) -> Hash {
        var length: UInt32 = 0
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            let done = EVP_Digest(input.baseAddress, input.count, digest.baseAddress, &length, algorithm ?? EVP_sm3(), nil)
            precondition(done == 1 && length == 32, "OpenSSL's SM3 failed")
            return Hash(loadingFrom: digest.baseAddress!)
        }
    }

    public static func hash(_ bytes: some Sequence<UInt8>) -> Hash {
        hash(Array(bytes))
    }
}
