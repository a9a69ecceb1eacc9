import StrandPrimitives
import StrandRPC
import StrandTypes

/// Which interface decodes a contract's calls and events: a system contract's own, always;
/// an EVM contract's, when the registry holds an ABI for its code.
public struct ContractCatalog: Sendable {
    public let registry: ContractABIRegistry
    private let system: [Address: ContractInterface]

    public init(registry: ContractABIRegistry, hash: ([UInt8]) -> Hash) {
        self.registry = registry
        system = SystemInterfaces.interfaces(hash: hash)
    }

    /// The interface for the contract at `address`, whose code hashes to `codeHash` (zero: no code).
    public func interface(at address: Address, codeHash: Hash) -> ContractInterface? {
        if let native = system[address] { return native }
        return codeHash == Hash.zero ? nil : registry.entry(codeHash: codeHash)?.interface
    }

    public func isSystem(_ address: Address) -> Bool { system[address] != nil }

    /// What a successful CNS `insert(name, version, addr, abi)` registers: the name, the
    /// contract's address and its ABI; nil for any other call.
    public func cnsRegistration(_ input: [UInt8]) -> (name: String, address: Address, abi: String)? {
        guard case .object(let call)? = system[CNS.address]?.decodeCall(input), call["function"] == .string("insert"),
              case .array(let arguments)? = call["arguments"], arguments.count == 4 else { return nil }
        let values = arguments.map { $0.objectValue?["value"]?.stringValue ?? "" }
        guard let address = try? Address(hex: values[2]) else { return nil }
        return (values[0], address, values[3])
    }
}
