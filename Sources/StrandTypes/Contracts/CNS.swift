import StrandPrimitives

/// FISCO BCOS 2.x's contract name service at `0x…1004`:
///
///     insert(string name, string version, string addr, string abi) returns (int256)
///     selectByName(string name) returns (string)              // a JSON array of entries
///     selectByNameAndVersion(string name, string version) returns (string)
///
/// An application names a deployed contract and its ABI under a version; clients look it up by
/// name. A (name, version) once registered is never overwritten (-51200); a version is at most 40
/// characters (-51201). As in FISCO 2.x without table permissions, any account may register.
public enum CNS {
    public static let address = try! Address(hex: "0x0000000000000000000000000000000000001004")
    public static let insert = ContractCalldata.selector("insert(string,string,string,string)")
    public static let selectByName = ContractCalldata.selector("selectByName(string)")
    public static let selectByNameAndVersion = ContractCalldata.selector("selectByNameAndVersion(string,string)")
    public static let maxVersionLength = 40

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var version: String
        public var address: String
        public var abi: String

        public init(name: String, version: String, address: String, abi: String) {
            self.name = name
            self.version = version
            self.address = address
            self.abi = abi
        }

        /// rlp([version, address, abi]): what the entry's slots hold after its length.
        var encoded: [UInt8] {
            var encoder = RLPEncoder(reservingCapacity: 64 + abi.utf8.count)
            encoder.appendList { list in
                list.append(bytes: Array(version.utf8))
                list.append(bytes: Array(address.utf8))
                list.append(bytes: Array(abi.utf8))
            }
            return encoder.bytes
        }

        static func decode(_ bytes: [UInt8], name: String) -> Entry? {
            bytes.withUnsafeBytes { buffer -> Entry? in
                var reader = RLPReader(buffer)
                guard var list = try? reader.readList(), let version = try? list.readBytes(), let address = try? list.readBytes(),
                      let abi = try? list.readBytes(), list.isAtEnd, reader.isAtEnd else { return nil }
                return Entry(name: name, version: String(decoding: version, as: UTF8.self),
                             address: String(decoding: address, as: UTF8.self), abi: String(decoding: abi, as: UTF8.self))
            }
        }

        /// FISCO's JSON object for the entry.
        var json: String {
            "{\"name\":\(FiscoJSON.quoted(name)),\"version\":\(FiscoJSON.quoted(version)),\"address\":\(FiscoJSON.quoted(address)),\"abi\":\(FiscoJSON.quoted(abi))}"
        }
    }

    // MARK: Storage

    /// A name's slot holds how many versions it has; version j's entry is a `StorageBlob` at
    /// keccak(name slot ‖ j).
    public static func countKey(name: String) -> StateKey { .storage(address, countSlot(name: name)) }

    static func countSlot(name: String) -> Hash { Keccak256.hash(Array("cns:".utf8) + Array(name.utf8)) }

    static func entryBase(name: String, index: Int) -> UInt256 {
        UInt256(Keccak256.hash(countSlot(name: name).bytes + UInt256(UInt64(index)).bigEndianBytes))
    }

    /// The versions registered under `name`, in order of registration.
    public static func entries(named name: String, reading value: (StateKey) -> UInt256) -> [Entry] {
        let count = Int(min(value(countKey(name: name)).uint64 ?? 0, 1 << 16))
        return (0..<count).compactMap { index in
            Entry.decode(StorageBlob.read(address, at: entryBase(name: name, index: index), reading: value), name: name)
        }
    }

    /// The slots that append `entry` as version `index` of its name.
    public static func storage(appending entry: Entry, at index: Int) -> [(StateKey, UInt256)] {
        [(countKey(name: entry.name), UInt256(UInt64(index + 1)))]
            + StorageBlob.writes(entry.encoded, address, at: entryBase(name: entry.name, index: index), previousLength: 0)
    }

    /// FISCO's answer to a query: a JSON array of the entries.
    public static func json(_ entries: [Entry]) -> String {
        "[" + entries.map(\.json).joined(separator: ",") + "]"
    }
}
