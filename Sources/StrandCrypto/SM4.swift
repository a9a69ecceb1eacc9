import COpenSSL

/// SM4 (GB/T 32907), the 国密 block cipher, from the system's OpenSSL: 128-bit blocks and keys.
/// CBC with PKCS #7 padding for data (as FISCO's SDKs encrypt keys and files), and single blocks
/// for the standard's examples.
public enum SM4 {
    public static let blockSize = 16

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badKey(Int)
        case badIV(Int)
        /// Ciphertext that is not whole blocks, or whose padding is wrong: not this key's, or altered.
        case badCiphertext
        case openSSL

        public var description: String {
            switch self {
            case .badKey(let count): "an SM4 key is 16 bytes, not \(count)"
            case .badIV(let count): "an SM4 CBC IV is 16 bytes, not \(count)"
            case .badCiphertext: "the ciphertext does not decrypt under this key and IV (wrong key, or altered)"
            case .openSSL: "OpenSSL's SM4 failed"
            }
        }
    }

    /// CBC encryption with PKCS #7 padding.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(Failure) -> [UInt8] {
        try run(plaintext, key: key, iv: iv, encrypting: true, padding: true)
    }

    /// CBC decryption, checking and removing PKCS #7 padding.
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(Failure) -> [UInt8] {
        guard !ciphertext.isEmpty, ciphertext.count % blockSize == 0 else { throw .badCiphertext }
        return try run(ciphertext, key: key, iv: iv, encrypting: false, padding: true)
    }

    /// One block encrypted (ECB, no padding): the standard's examples.
    public static func encryptBlock(_ block: [UInt8], key: [UInt8]) throws(Failure) -> [UInt8] {
        guard block.count == blockSize else { throw .badCiphertext }
        return try run(block, key: key, iv: nil, encrypting: true, padding: false)
    }

    private static func run(_ input: [UInt8], key: [UInt8], iv: [UInt8]?, encrypting: Bool, padding: Bool) throws(Failure) -> [UInt8] {
        guard key.count == 16 else { throw .badKey(key.count) }
        if let iv, iv.count != 16 { throw .badIV(iv.count) }
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSL }
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = iv == nil ? EVP_sm4_ecb() : EVP_sm4_cbc()
        guard EVP_CipherInit_ex(context, cipher, nil, key, iv, encrypting ? 1 : 0) == 1,
              EVP_CIPHER_CTX_set_padding(context, padding ? 1 : 0) == 1 else { throw .openSSL }
        var output = [UInt8](repeating: 0, count: input.count + blockSize)
        var written: Int32 = 0, final: Int32 = 0
        let updated = output.withUnsafeMutableBufferPointer { out in
            EVP_CipherUpdate(context, out.baseAddress, &written, input, Int32(input.count))
        }
        guard updated == 1 else { throw .openSSL }
        let finished = output.withUnsafeMutableBufferPointer { out in
            EVP_CipherFinal_ex(context, out.baseAddress! + Int(written), &final)
        }
        guard finished == 1 else { throw encrypting ? .openSSL : .badCiphertext }
        return Array(output.prefix(Int(written + final)))
    }
}
