import ArgumentParser
import StrandCrypto
import StrandNode

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new key: secp256k1, or SM2 with --crypto sm.",
        discussion: """
            Writes the private key as 0x-prefixed hex to FILE, readable by its owner only \
            (mode 0600), and prints the key's address. Refuses to overwrite an existing file.
            """
    )

    @Option(name: .shortAndLong, help: "Where to write the private key.")
    var out: String = "strand.key"

    @Option(name: .customLong("crypto"), help: "The suite: secp256k1 (an account's address by Keccak-256) or sm (SM2, address by SM3).")
    var crypto: CryptoSuite = .secp256k1

    func run() throws {
        try reportingErrors {
            let key = crypto.newPrivateKey()
            try KeyFile.write(key, to: out)
            print("address: \(crypto.address(of: key))")
            print("key:     \(out)")
        }
    }
}

extension CryptoSuite: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
