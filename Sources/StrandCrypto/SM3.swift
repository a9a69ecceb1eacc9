import COpenSSL
import StrandPrimitives

/// SM3 (GB/T 32905), the hash of FISCO's 国密 chains, from the system's OpenSSL. Not yet behind
/// `CryptoSuite`: a chain on SM2 and SM3 (issue 26) is to come.
public enum SM3 {
    /// Fetched once: `EVP_sm3()` makes OpenSSL 3 look the algorithm up again on every call,
    /// which costs more than hashing the few hundred bytes SM2 hashes. A fetched algorithm is
    /// immutable and shared by every thread.
    private nonisolated(unsafe) static let algorithm = EVP_MD_fetch(nil, "SM3", nil)

    public static func hash(_ bytes: [UInt8]) -> Hash {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let done = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, algorithm ?? EVP_sm3(), nil)
        }
        precondition(done == 1 && length == 32, "OpenSSL's SM3 failed")
        return Hash(digest)!
    }
}
