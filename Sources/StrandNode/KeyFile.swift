import Foundation
import StrandCrypto
import StrandPrimitives

#if canImport(Glibc)
import Glibc
#endif

/// Private keys on disk: one line of 0x-prefixed hex, readable by the owner only (0600).
public enum KeyFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `key` to a new file; refuses to replace an existing one.
    public static func write(_ key: PrivateKey, to path: String) throws(Failure) {
        try write(bytes: key.bytes, to: path)
    }

    /// Writes a private key of any suite (its bytes) to a new file; refuses to replace an existing one.
    public static func write(bytes: [UInt8], to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw Failure(description: errno == EEXIST ? "\(path) already exists; not overwriting a key"
                                                      : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let line = Array((Hex.encode(bytes) + "\n").utf8)
        guard Glibc.write(fd, line, line.count) == line.count, fsync(fd) == 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The 32 bytes a key file holds, whatever its suite.
    public static func readBytes(_ path: String) throws(Failure) -> [UInt8] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let bytes = try? Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw Failure(description: "\(path) does not hold a private key (64 hex digits)")
        }
        return bytes
    }

    public static func read(_ path: String) throws(Failure) -> PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "cannot read key file \(path)")
        }
        do {
            return try PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw Failure(description: "\(path) does not hold a valid private key (64 hex digits): \(error)")
        }
    }
}
