import Foundation
import StrandPrimitives

/// The compiled ERC-20 in ../shared/contracts (a Hardhat artifact), and the calldata of the
/// calls the benchmarks and the load generator make to it.
public struct ERC20Artifact: Sendable {
    public let creationCode: [UInt8]

    /// The default location, beside the repository.
    public static let defaultPath = "../shared/contracts/ERC20MockDecimals.json"

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(path: String = defaultPath) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read the ERC-20 artifact at \(path)")
        }
        guard let artifact = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let bytecode = (artifact["bytecode"] as? [String: Any])?["object"] as? String ?? artifact["bytecode"] as? String,
              let code = try? Hex.decode(bytecode) else {
            throw LoadError(description: "\(path) is not a contract artifact with a bytecode field")
        }
        creationCode = code
    }

    /// Creation code with constructor(string name, string symbol, uint256 supply, uint8 decimals);
    /// the supply goes to the deployer.
    public func deployment(name: String = "Strand Token", symbol: String = "STR", supply: UInt256, decimals: UInt8 = 18) -> [UInt8] {
        let encodedName = Self.dynamicBytes(Array(name.utf8)), encodedSymbol = Self.dynamicBytes(Array(symbol.utf8))
        return creationCode + UInt256(128).bigEndianBytes + UInt256(128 + encodedName.count).bigEndianBytes
            + supply.bigEndianBytes + UInt256(UInt64(decimals)).bigEndianBytes + encodedName + encodedSymbol
    }

    public static func transfer(to recipient: Address, amount: UInt256) -> [UInt8] {
        call(0xA905_9CBB, [UInt256(recipient), amount])
    }

    public static func balanceOf(_ holder: Address) -> [UInt8] {
        call(0x70A0_8231, [UInt256(holder)])
    }

    private static func call(_ selector: UInt32, _ words: [UInt256]) -> [UInt8] {
        withUnsafeBytes(of: selector.bigEndian) { Array($0) } + words.flatMap(\.bigEndianBytes)
    }

    private static func dynamicBytes(_ bytes: [UInt8]) -> [UInt8] {
        UInt256(bytes.count).bigEndianBytes + bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
    }
}
