import CLMDB

/// A failed LMDB call: the operation and LMDB's own code and message.
public struct LMDBError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var isMapFull: Bool { code == MDB_MAP_FULL }

    public var description: String {
        "\(operation): \(String(cString: mdb_strerror(code))) (\(code))"
    }

    /// Throws unless `code` is success.
    @inline(__always)
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
        if code != 0 { throw LMDBError(operation: operation(), code: code) }
    }
}
