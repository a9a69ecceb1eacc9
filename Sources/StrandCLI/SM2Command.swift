import ArgumentParser
import StrandCrypto
import StrandNode
import StrandPrimitives

/// SM2 keys and signatures from the command line, as FISCO's 国密 chains and SDKs make them.
struct SM2Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sm2",
        abstract: "SM2 (国密) keys and signatures: keygen, sign, verify.",
        discussion: """
            Signatures are over e = SM3(Z ‖ M), Z hashing the signer's ID (default 1234567812345678, as \
            FISCO uses) and public key (GB/T 32918.2). Keys, messages and signatures are hex; a \
            signature is r ‖ s (64 bytes), a public key x ‖ y (64 bytes).
            """,
        subcommands: [Keygen.self, Sign.self, Verify.self]
    )

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an SM2 key: the private key to FILE (0600), its public key and 国密 address printed.")

        @Option(name: .shortAndLong, help: "Where to write the private key.")
        var out: String = "strand-sm2.key"

        func run() throws {
            try reportingErrors {
                var generator = SystemRandomNumberGenerator()
                let (secret, publicKey) = SM2Command.freshKey(using: &generator)
                try KeyFile.write(bytes: secret, to: out)
                print("public key: \(Hex.encode(publicKey))")
                print("address:    \(Address(lastBytesOf: SM3.hash(publicKey)))")
                print("key:        \(out)")
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a message (hex) with an SM2 key file; prints r ‖ s.")

        @Option(help: "The SM2 private key file.") var key: String
        @Option(help: "The message, hex.") var message: String
        @Option(help: "The signer's ID.") var id: String = "1234567812345678"

        func run() throws {
            try reportingErrors {
                let secret = try KeyFile.readBytes(key)
                let bytes = try SM2Command.hex(message, "--message")
                guard let signature = SM2.sign(message: bytes, privateKey: secret, id: Array(id.utf8)) else {
                    throw CLIError("\(key) is not an SM2 private key (it must lie in [1, n - 2])")
                }
                print(Hex.encode(signature))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an SM2 signature; prints `valid` (exit 0) or says why not (exit 1).")

        @Option(help: "The signer's public key, x ‖ y, hex.") var publicKey: String
        @Option(help: "The signature, r ‖ s, hex.") var signature: String
        @Option(help: "The message, hex.") var message: String
        @Option(help: "The signer's ID.") var id: String = "1234567812345678"

        func run() throws {
            try reportingErrors {
                let key = try SM2Command.hex(publicKey, "--public-key", count: 64)
                let sig = try SM2Command.hex(signature, "--signature", count: 64)
                guard SM2.verify(message: try SM2Command.hex(message, "--message"), signature: sig, publicKey: key, id: Array(id.utf8)) else {
                    throw CLIError("signature invalid (for this key, message and ID)")
                }
                print("valid")
            }
        }
    }

    static func freshKey(using generator: inout some RandomNumberGenerator) -> (secret: [UInt8], public: [UInt8]) {
        while true {
            let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let publicKey = SM2.publicKey(of: secret) { return (secret, publicKey) }
        }
    }

    static func hex(_ text: String, _ option: String, count: Int? = nil) throws -> [UInt8] {
        guard let bytes = try? Hex.decode(text) else { throw CLIError("\(option): not hex") }
        if let count, bytes.count != count { throw CLIError("\(option): \(count) bytes expected, got \(bytes.count)") }
        return bytes
    }
}
