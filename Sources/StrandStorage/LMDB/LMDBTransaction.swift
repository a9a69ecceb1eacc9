import CLMDB

/// Reads shared by both kinds of transaction.
protocol LMDBReading: ~Copyable {
    var handle: OpaquePointer { get }
}

extension LMDBReading where Self: ~Copyable {
    /// The value at `key`, valid until the transaction ends; nil when absent.
    func withValue<R>(
        _ database: LMDBDatabase, key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, database.handle, &k, &v)
        if rc == MDB_NOTFOUND { return try body(nil) }
        try LMDBError.check(rc, "get from \(database.name)")
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// A copy of the value at `key`, or nil.
    func get(_ database: LMDBDatabase, key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { key in try withValue(database, key: key) { $0.map { Array($0) } } }
    }

    /// Calls `body` with each key and value in key order, from `start` (inclusive) on,
    /// until it returns false.
    func scan(
        _ database: LMDBDatabase, from start: [UInt8]? = nil,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(handle, database.handle, &cursor), "open cursor on \(database.name)")
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val(), v = MDB_val()
        var rc: Int32
        if let start {
            rc = start.withUnsafeBytes { s in
                k = MDB_val(mv_size: s.count, mv_data: UnsafeMutableRawPointer(mutating: s.baseAddress))
                return mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
            }
        } else {
            rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
        }
        while rc == 0 {
            let go = try body(UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                              UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
            if !go { return }
            rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
        }
        if rc != MDB_NOTFOUND { try LMDBError.check(rc, "scan \(database.name)") }
    }

    /// The number of entries in `database`.
    func count(_ database: LMDBDatabase) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(handle, database.handle, &stat), "stat \(database.name)")
        return stat.ms_entries
    }
}

/// A read-only snapshot. Ends (and frees its reader slot) when it goes out of scope.
struct LMDBReadTransaction: ~Copyable, LMDBReading {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { mdb_txn_abort(handle) }
}

/// The one write transaction. `commit()` and `abort()` consume it, so it cannot be used
/// afterwards; dropping it without either aborts.
struct LMDBWriteTransaction: ~Copyable, LMDBReading {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    /// Stores `value` at `key`, replacing any value there. With `appending`, `key` must sort
    /// after every key in the database, and LMDB skips the search (MDB_APPEND).
    func put(
        _ database: LMDBDatabase, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, appending: Bool = false
    ) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        let flags = appending ? UInt32(MDB_APPEND) : 0
        try LMDBError.check(mdb_put(handle, database.handle, &k, &v, flags), "put into \(database.name)")
    }

    func put(_ database: LMDBDatabase, key: [UInt8], value: [UInt8], appending: Bool = false) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in try put(database, key: k, value: v, appending: appending) }
        }
    }

    /// Removes `key`; returns whether it was there.
    @discardableResult
    func delete(_ database: LMDBDatabase, key: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(handle, database.handle, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try LMDBError.check(rc, "delete from \(database.name)")
        return true
    }

    /// Makes every change visible to new readers at once, and durable unless the
    /// environment is in unsafe no-sync mode.
    consuming func commit() throws(LMDBError) {
        let handle = self.handle
        discard self
        try LMDBError.check(mdb_txn_commit(handle), "commit")
    }

    /// Drops every change.
    consuming func abort() {
        let handle = self.handle
        discard self
        mdb_txn_abort(handle)
    }

    deinit { mdb_txn_abort(handle) }
}
