import CLMDB
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How an environment is opened.
public struct LMDBOptions: Sendable {
    /// Durable: every commit is on disk when it returns (LMDB syncs data and meta page).
    /// Unsafe: commits return before the OS writes them; a power loss or kernel crash may
    /// lose recent blocks (a process crash loses nothing). For benchmarks only.
    public enum Durability: Sendable, CustomStringConvertible {
        case durable
        case unsafeNoSync

        public var description: String { self == .durable ? "durable" : "UNSAFE no-sync" }
    }

    /// Largest size the database may reach; address space is reserved, disk is not.
    public var mapSize: Int
    public var maxDatabases: UInt32
    public var maxReaders: UInt32
    public var durability: Durability

    public init(mapSize: Int = 64 << 30, maxDatabases: UInt32 = 16, maxReaders: UInt32 = 256,
                durability: Durability = .durable) {
        self.mapSize = mapSize
        self.maxDatabases = maxDatabases
        self.maxReaders = maxReaders
        self.durability = durability
    }
}

/// A named LMDB database (table) of an environment.
struct LMDBDatabase: Sendable {
    let handle: MDB_dbi
    let name: String
}

/// An LMDB environment: one memory-mapped file, many named databases, one writer and
/// any number of readers at a time. Readers see a snapshot and never block the writer.
final class LMDBEnvironment: @unchecked Sendable {
    // An MDB_env is thread-safe; transactions are confined as their types say.
    let handle: OpaquePointer
    public let path: String
    public let options: LMDBOptions
    let readOnly: Bool

    /// Opens (creating if needed) the environment in directory `path`.
    public convenience init(path: String, options: LMDBOptions = LMDBOptions()) throws(LMDBError) {
        try self.init(path: path, options: options, readOnly: false, extraFlags: 0)
    }

    /// Opens an environment to read only: a directory another process may be writing (LMDB's
    /// lock file coordinates them), or a single file of a copy that nobody else opens.
    static func reading(path: String, singleFile: Bool) throws(LMDBError) -> LMDBEnvironment {
        try LMDBEnvironment(path: path, options: LMDBOptions(), readOnly: true,
                            extraFlags: singleFile ? UInt32(MDB_NOSUBDIR) | UInt32(MDB_NOLOCK) : 0)
    }

    private init(path: String, options: LMDBOptions, readOnly: Bool, extraFlags: UInt32) throws(LMDBError) {
        if !readOnly {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw LMDBError(operation: "create directory \(path): \(error.localizedDescription)", code: EIO)
            }
        }
        var env: OpaquePointer?
        try LMDBError.check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(operation: "mdb_env_create", code: ENOMEM) }
        do {
            try LMDBError.check(mdb_env_set_mapsize(env, options.mapSize), "set map size")
            try LMDBError.check(mdb_env_set_maxdbs(env, options.maxDatabases), "set max databases")
            try LMDBError.check(mdb_env_set_maxreaders(env, options.maxReaders), "set max readers")
            // NOTLS: a read transaction may move between threads (one at a time), as the
            // thread pools and NIO event loops that use snapshots need.
            var flags = UInt32(MDB_NOTLS) | extraFlags | (readOnly ? UInt32(MDB_RDONLY) : 0)
            if options.durability == .unsafeNoSync { flags |= UInt32(MDB_NOSYNC) | UInt32(MDB_NOMETASYNC) }
            try LMDBError.check(mdb_env_open(env, path, flags, 0o644), "open \(path)")
        } catch {
            mdb_env_close(env)
            throw error
        }
        handle = env
        self.path = path
        self.options = options
        self.readOnly = readOnly
    }

    /// Writes a consistent copy of the whole environment (one read transaction's view) to
    /// `fd`, compacted: free pages left out, as a new single data file.
    func copy(to fd: Int32) throws(LMDBError) {
        try LMDBError.check(mdb_env_copyfd2(handle, fd, UInt32(MDB_CP_COMPACT)), "copy environment")
    }

    deinit {
        mdb_env_close(handle)
    }

    /// Opens or creates the named database; call at start-up, before other transactions.
    public func database(named name: String) throws(LMDBError) -> LMDBDatabase {
        if readOnly {
            var txn: OpaquePointer?
            try LMDBError.check(mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn), "begin read transaction")
            var dbi = MDB_dbi()
            let opened = mdb_dbi_open(txn, name, 0, &dbi)
            guard opened == 0 else {
                mdb_txn_abort(txn)
                throw LMDBError(operation: "open database \(name)", code: opened)
            }
            try LMDBError.check(mdb_txn_commit(txn), "open database \(name)")
            return LMDBDatabase(handle: dbi, name: name)
        }
        let txn = try beginWrite()
        var dbi = MDB_dbi()
        try LMDBError.check(mdb_dbi_open(txn.handle, name, UInt32(MDB_CREATE), &dbi), "open database \(name)")
        try txn.commit()
        return LMDBDatabase(handle: dbi, name: name)
    }

    /// A snapshot of the latest committed state.
    public func beginRead() throws(LMDBError) -> LMDBReadTransaction {
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn), "begin read transaction")
        return LMDBReadTransaction(handle: txn!)
    }

    /// The write transaction; blocks while another is open.
    public func beginWrite() throws(LMDBError) -> LMDBWriteTransaction {
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(handle, nil, 0, &txn), "begin write transaction")
        return LMDBWriteTransaction(handle: txn!)
    }
}
