import ArgumentParser
import StrandCrypto

#if canImport(Glibc)
import Glibc
#endif

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

/// Private keys on disk: one line of 0x-prefixed hex, mode 0600.
enum KeyFile {
    static func write(_ key: PrivateKey, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw CLIError(errno == EEXIST ? "\(path) already exists; not overwriting a key"
                                           : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let line = Array((Hex.encode(key.bytes) + "\n").utf8)
        guard Glibc.write(fd, line, line.count) == line.count, fsync(fd) == 0 else {
            throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func read(_ path: String) throws -> PrivateKey {
        guard let text = try? String(contentsOfFile: path) else { throw CLIError("cannot read key file \(path)") }
        do {
            return try PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw CLIError("\(path) does not hold a valid private key (64 hex digits): \(error)")
        }
    }
}

import Foundation
import StrandPrimitives
