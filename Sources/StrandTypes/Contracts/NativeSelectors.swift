import StrandCrypto
import StrandPrimitives

/// The native contracts' functions as a 国密 chain's clients name them.
///
/// FISCO's 国密 SDKs and its 国密 solc compute every selector with SM3, its precompiled contracts
/// included; Strand's native contracts dispatch on Keccak-256 selectors. On a 国密 chain, calldata
/// to a native contract has an SM3 selector of one of their functions replaced by that function's
/// Keccak one before it is decoded (`calldata(_:suite:)`), at the two doors calls come through:
/// a transaction's plan and the EVM's host. A Keccak selector passes unchanged on either chain.
public enum NativeSelectors {
    /// Every function of every native contract (a test checks that no selector in the sources is
    /// missing).
    public static let signatures: [String] = [
        "EQ(string,address)", "EQ(string,int256)", "EQ(string,string)", "GE(string,int256)", "GT(string,int256)",
        "LE(string,int256)", "LT(string,int256)", "NE(string,int256)", "NE(string,string)", "addObserver(string)",
        "addSealer(string)", "createTable(string,string,string)", "freeze(address)", "freezeAccount(address)",
        "get(int256)", "get(string)", "getAccountStatus(address)", "getAddress(string)", "getBytes32(string)",
        "getBytes64(string)", "getInt(string)", "getStatus(address)", "getString(string)", "getUInt(string)",
        "grantCommitteeMember(address)", "grantManager(address,address)", "grantOperator(address)",
        "insert(string,address)", "insert(string,string)", "insert(string,string,string,string)", "limit(int256)",
        "limit(int256,int256)", "listCommitteeMembers()", "listManager(address)", "listOperators()",
        "newCondition()", "newEntry()", "openTable(string)", "queryByName(string)",
        "queryCommitteeMemberWeight(address)", "queryThreshold()",
        "registerParallelFunctionInternal(address,string,uint256)", "remove(string)", "remove(string,address)",
        "remove(string,string)", "remove(string,string,string,string)", "revokeCommitteeMember(address)",
        "revokeOperator(address)", "select(string,address)", "select(string,string,string,string)",
        "selectByName(string)", "selectByNameAndVersion(string,string)", "set(string,address)", "set(string,int256)",
        "set(string,string)", "set(string,uint256)", "setValueByKey(string,string)", "size()", "unfreeze(address)",
        "unfreezeAccount(address)", "unregisterParallelFunctionInternal(address,string)",
        "update(string,address,address)", "update(string,string,string,string,string)",
        "updateCommitteeMemberWeight(address,int256)", "updateThreshold(int256)", "userAdd(string,uint256)",
        "userBalance(string)", "userDraw(string,uint256)", "userSave(string,uint256)",
        "userTransfer(string,string,uint256)"
    ]

    /// SM3 selector → Keccak-256 selector, for each function in `signatures`.
    static let keccakBySM3: [UInt32: UInt32] = Dictionary(
        signatures.map { (selector(SM3.hash(Array($0.utf8))), ContractCalldata.selector($0)) },
        uniquingKeysWith: { first, _ in first })

    /// The first four bytes of a digest, big-endian.
    static func selector(_ digest: Hash) -> UInt32 {
        digest.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    /// `data` as the native contracts decode it: on a 国密 chain, an SM3 selector of a native
    /// function becomes its Keccak-256 one; anything else is returned as it is.
    public static func calldata(_ data: [UInt8], suite: CryptoSuite) -> [UInt8] {
        guard suite == .sm, data.count >= 4 else { return data }
        let given = data.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)) }
        guard let keccak = keccakBySM3[given] else { return data }
        var translated = data
        withUnsafeBytes(of: keccak.bigEndian) { translated.replaceSubrange(0..<4, with: $0) }
        return translated
    }
}
