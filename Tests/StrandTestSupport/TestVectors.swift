import Foundation
import StrandPrimitives

/// Ethereum's test vectors, read in place from `../shared/testvectors/ethereum/`.
public enum TestVectors {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/testvectors/ethereum` beside the repository.
    public static let ethereum: URL = repositoryRoot
        .deletingLastPathComponent().appendingPathComponent("shared/testvectors/ethereum")

    /// The parsed JSON of a vector file, by path relative to `ethereum`.
    public static func json(_ relativePath: String) throws -> Any {
        let data = try Data(contentsOf: ethereum.appendingPathComponent(relativePath))
        return try JSONSerialization.jsonObject(with: data)
    }

    /// Every `.json` file below a folder of `ethereum`, sorted by path.
    public static func files(under relativePath: String) -> [URL] {
        let root = ethereum.appendingPathComponent(relativePath)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }
}

/// Bytes of a hex literal in a test; traps on a typo rather than hiding it.
public func hexBytes(_ hex: String) -> [UInt8] {
    do { return try Hex.decode(hex) } catch { fatalError("bad hex in test: \(hex): \(error)") }
}

/// Other material beside the repository.
public enum TestPaths {
    /// The compiled ERC-20 in ../shared/contracts.
    public static let erc20 = TestVectors.repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/contracts/ERC20MockDecimals.json").path
}
