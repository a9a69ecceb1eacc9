import ArgumentParser
import StrandCrypto
import StrandNode

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new secp256k1 key.",
        discussion: """
            Writes the private key as 0x-prefixed hex to FILE, readable by its owner only \
            (mode 0600), and prints the key's address. Refuses to overwrite an existing file.
            """
    )

    @Option(name: .shortAndLong, help: "Where to write the private key.")
    var out: String = "strand.key"

    func run() throws {
        try reportingErrors {
            let key = PrivateKey.random()
            try KeyFile.write(key, to: out)
            print("address: \(key.address)")
            print("key:     \(out)")
        }
    }
}
