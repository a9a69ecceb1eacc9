/// Per-opcode facts the interpreter checks before running an instruction: the constant
/// part of its gas, how many stack items it takes and how many it leaves. Undefined
/// opcodes are marked so that they halt with `invalidOpcode`.
/// Written once at first use and only read afterwards, hence `@unchecked Sendable`.
struct OpcodeTable: @unchecked Sendable {
    struct Entry {
        var gas: Int32
        var pops: UInt8
        var pushes: UInt8
        var defined: Bool
    }

    let entries: UnsafeMutablePointer<Entry>

    static let cancun = OpcodeTable()

    private init() {
        entries = .allocate(capacity: 256)
        entries.initialize(repeating: Entry(gas: 0, pops: 0, pushes: 0, defined: false), count: 256)
        func set(_ op: UInt8, _ gas: Int, _ pops: UInt8, _ pushes: UInt8) {
            entries[Int(op)] = Entry(gas: Int32(gas), pops: pops, pushes: pushes, defined: true)
        }
        let b = GasCost.base, v = GasCost.veryLow, l = GasCost.low, m = GasCost.mid
        set(0x00, 0, 0, 0)                                                    // STOP
        for op: UInt8 in [0x01, 0x03] { set(op, v, 2, 1) }                    // ADD SUB
        for op: UInt8 in [0x02, 0x04, 0x05, 0x06, 0x07, 0x0B] { set(op, l, 2, 1) } // MUL DIV SDIV MOD SMOD SIGNEXTEND
        set(0x08, m, 3, 1); set(0x09, m, 3, 1)                                // ADDMOD MULMOD
        set(0x0A, GasCost.expBase, 2, 1)                                      // EXP
        for op: UInt8 in 0x10...0x14 { set(op, v, 2, 1) }                     // LT GT SLT SGT EQ
        set(0x15, v, 1, 1)                                                    // ISZERO
        for op: UInt8 in 0x16...0x18 { set(op, v, 2, 1) }                     // AND OR XOR
        set(0x19, v, 1, 1)                                                    // NOT
        for op: UInt8 in 0x1A...0x1D { set(op, v, 2, 1) }                     // BYTE SHL SHR SAR
        set(0x20, GasCost.keccakBase, 2, 1)                                   // KECCAK256
        set(0x30, b, 0, 1)                                                    // ADDRESS
        set(0x31, 0, 1, 1)                                                    // BALANCE
        for op: UInt8 in [0x32, 0x33, 0x34] { set(op, b, 0, 1) }              // ORIGIN CALLER CALLVALUE
        set(0x35, v, 1, 1)                                                    // CALLDATALOAD
        set(0x36, b, 0, 1)                                                    // CALLDATASIZE
        set(0x37, v, 3, 0)                                                    // CALLDATACOPY
        set(0x38, b, 0, 1)                                                    // CODESIZE
        set(0x39, v, 3, 0)                                                    // CODECOPY
        set(0x3A, b, 0, 1)                                                    // GASPRICE
        set(0x3B, 0, 1, 1)                                                    // EXTCODESIZE
        set(0x3C, 0, 4, 0)                                                    // EXTCODECOPY
        set(0x3D, b, 0, 1)                                                    // RETURNDATASIZE
        set(0x3E, v, 3, 0)                                                    // RETURNDATACOPY
        set(0x3F, 0, 1, 1)                                                    // EXTCODEHASH
        set(0x40, GasCost.blockHash, 1, 1)                                    // BLOCKHASH
        for op: UInt8 in 0x41...0x46 { set(op, b, 0, 1) }                     // COINBASE … CHAINID
        set(0x47, l, 0, 1)                                                    // SELFBALANCE
        set(0x48, b, 0, 1)                                                    // BASEFEE
        set(0x49, v, 1, 1)                                                    // BLOBHASH
        set(0x4A, b, 0, 1)                                                    // BLOBBASEFEE
        set(0x50, b, 1, 0)                                                    // POP
        set(0x51, v, 1, 1)                                                    // MLOAD
        set(0x52, v, 2, 0); set(0x53, v, 2, 0)                                // MSTORE MSTORE8
        set(0x54, 0, 1, 1)                                                    // SLOAD
        set(0x55, 0, 2, 0)                                                    // SSTORE
        set(0x56, m, 1, 0)                                                    // JUMP
        set(0x57, GasCost.high, 2, 0)                                         // JUMPI
        for op: UInt8 in [0x58, 0x59, 0x5A] { set(op, b, 0, 1) }              // PC MSIZE GAS
        set(0x5B, GasCost.jumpDest, 0, 0)                                     // JUMPDEST
        set(0x5C, GasCost.transientAccess, 1, 1)                              // TLOAD
        set(0x5D, GasCost.transientAccess, 2, 0)                              // TSTORE
        set(0x5E, v, 3, 0)                                                    // MCOPY
        set(0x5F, b, 0, 1)                                                    // PUSH0
        for op: UInt8 in 0x60...0x7F { set(op, v, 0, 1) }                     // PUSH1…32
        for n: UInt8 in 1...16 { set(0x7F + n, v, n, n + 1) }                 // DUP1…16
        for n: UInt8 in 1...16 { set(0x8F + n, v, n + 1, n + 1) }             // SWAP1…16
        for n: UInt8 in 0...4 { set(0xA0 + n, GasCost.log + Int(n) * GasCost.logTopic, 2 + n, 0) } // LOG0…4
        set(0xF0, GasCost.create, 3, 1)                                       // CREATE
        set(0xF1, 0, 7, 1); set(0xF2, 0, 7, 1)                                // CALL CALLCODE
        set(0xF3, 0, 2, 0)                                                    // RETURN
        set(0xF4, 0, 6, 1)                                                    // DELEGATECALL
        set(0xF5, GasCost.create, 4, 1)                                       // CREATE2
        set(0xFA, 0, 6, 1)                                                    // STATICCALL
        set(0xFD, 0, 2, 0)                                                    // REVERT
        set(0xFF, GasCost.selfDestruct, 1, 0)                                 // SELFDESTRUCT
        // 0xFE INVALID stays undefined: it halts like any undefined opcode.
    }
}
