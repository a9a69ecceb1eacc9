// swift-tools-version:6.1
import PackageDescription

/// Release builds of the hot modules ask for cross-module optimisation; the flag is harmless in
/// debug. (Client modules then specialise generic code of these modules for their own types,
/// which is why the executor's views are `@inlinable`: see ARCHITECTURE.md.)
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Strand",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "strand", targets: ["strand"]),
        .executable(name: "strand-loadgen", targets: ["strand-loadgen"]),
        .executable(name: "strand-simulate", targets: ["strand-simulate"]),
        .executable(name: "strand-dev", targets: ["strand-dev"]),
        .library(name: "StrandPrimitives", targets: ["StrandPrimitives"]),
        .library(name: "StrandCrypto", targets: ["StrandCrypto"]),
        .library(name: "StrandTypes", targets: ["StrandTypes"]),
        .library(name: "StrandStorage", targets: ["StrandStorage"]),
        .library(name: "StrandExecution", targets: ["StrandExecution"]),
        .library(name: "StrandEVM", targets: ["StrandEVM"]),
        // For Fuzz/, the libFuzzer package beside this one.
        .library(name: "StrandFuzzing", targets: ["StrandFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // Test-only: an independent arbitrary-precision reference for UInt256's property tests.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
    ],
    targets: [
        // MARK: System libraries (Debian -dev packages, found through pkg-config)
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // Compiler intrinsics for the hot loops (prefetch), the process's hash seed, and
        // Keccak-256 eight messages at a time in AVX-512 registers.
        .target(name: "CStrandIntrinsics", cSettings: [.unsafeFlags(["-O3"])]),
        // Straightforward C implementations that benchmarks compare Strand against.
        .target(name: "CStrandReference", dependencies: ["CSecp256k1", "CLMDB", "COpenSSL"], cSettings: [.unsafeFlags(["-O3"])]),
        // SM2 signatures for 国密 chains, written for the recommended curve (GB/T 32918).
        .target(name: "CStrandSM2", cSettings: [.unsafeFlags(["-O3"])]),

        // MARK: Libraries
        .target(name: "StrandPrimitives", dependencies: ["CStrandIntrinsics"], swiftSettings: hotPathSettings),
        .target(name: "StrandCrypto", dependencies: ["StrandPrimitives", "CSecp256k1", "COpenSSL", "CStrandSM2"], swiftSettings: hotPathSettings),
        .target(name: "StrandTypes", dependencies: ["StrandPrimitives", "StrandCrypto"], swiftSettings: hotPathSettings),
        .target(name: "StrandStorage", dependencies: ["StrandPrimitives", "StrandTypes", "CLMDB"], swiftSettings: hotPathSettings),
        .target(
            name: "StrandExecution", dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandEVM", "CStrandIntrinsics"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "StrandEVM",
            dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes", "COpenSSL"],
            // The interpreter's state lives in classes; dynamic exclusivity checks cost it ~7 %
            // (measured with perf on `strand bench evm`), and nothing in it aliases.
            swiftSettings: hotPathSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "StrandStateTest",
            dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandEVM"]
        ),
        .target(name: "StrandTxPool", dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes"], swiftSettings: hotPathSettings),
        .target(name: "StrandConsensus", dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandNetworkAPI"]),
        .target(
            name: "StrandSync",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandStorage", "StrandNetworkAPI",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The network's interface (messages, errors, `PeerMessenger`), split from its NIO
        // implementation so that the protocols and their tests need no sockets.
        .target(name: "StrandNetworkAPI", dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes"]),
        .target(
            name: "StrandNetwork",
            dependencies: [
                "StrandNetworkAPI",
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StrandRPC",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What a node reads from outside, as fuzz entry points (libFuzzer in Fuzz/, a short pass in the tests).
        .target(
            name: "StrandFuzzing",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandNetwork", "StrandSync", "StrandConsensus", "StrandRPC", "StrandChannel",
                "StrandTestSupport", "CStrandReference",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        // FISCO BCOS 2.x's channel port: TLS 1.2 on the system's OpenSSL (secp256k1), its framing,
        // RPC and pushes to SDKs.
        .target(
            name: "StrandChannel",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandNetworkAPI", "StrandRPC", "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The chain a node extends: building, importing and appending blocks through one path,
        // committing them in order, and the recent blocks RPC reads.
        .target(
            name: "StrandChain",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandStorage", "StrandExecution", "StrandTxPool",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A blocking JSON-RPC client: the load generator's and the `strand chain` commands'.
        .target(name: "StrandRPCClient"),
        // The block browser: its page, and contracts' calls and events decoded for it.
        .target(name: "StrandBrowser", dependencies: ["StrandPrimitives", "StrandTypes", "StrandRPC"]),
        // What operators run beside the node: process liveness, chain directories, start and
        // stop, service units, log files, ledger backups.
        .target(
            name: "StrandOperations",
            dependencies: [
                "StrandNode", "StrandTypes", "StrandStorage", "StrandRPCClient", "CLMDB",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StrandNode",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandStorage", "StrandExecution",
                "StrandTxPool", "StrandChain", "StrandConsensus", "StrandRPC", "StrandNetworkAPI", "StrandNetwork", "StrandSync",
                "StrandChannel", "StrandBrowser",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // What users run as load and benchmarks: the shared ERC-20's artifact, synthetic blocks, an
        // in-memory state. No executor, so that the load generator links none.
        .target(name: "StrandWorkloads", dependencies: ["StrandPrimitives", "StrandCrypto", "StrandTypes"]),
        .target(
            name: "StrandBench",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandStorage", "StrandExecution", "StrandEVM",
                "StrandWorkloads", "CStrandReference", "CJemalloc",
            ],
            swiftSettings: hotPathSettings
        ),

        // Every `strand` command, as a library that `strand` and the developer's `strand-dev` both run.
        .target(
            name: "StrandCLI",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandStorage", "StrandExecution", "StrandBench",
                "StrandNode", "StrandOperations", "StrandNetwork", "StrandChannel", "StrandConsensus", "StrandEVM", "StrandStateTest", "StrandWorkloads", "StrandRPCClient", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Faults on purpose: a lying validator as a proxy around its messenger. Linked by the
        // simulator's fixtures and by `strand-dev`, never by `strand`.
        .target(name: "StrandByzantine", dependencies: ["StrandConsensus", "StrandNetworkAPI", "StrandCrypto", "StrandPrimitives", "StrandTypes"]),

        // MARK: Executables
        .executableTarget(name: "strand", dependencies: ["StrandCLI"]),
        // A developer's executable, never a release artifact: `strand` with fault switches
        // (a byzantine validator, a skewed clock) for the fault tests on real processes.
        .executableTarget(
            name: "strand-dev",
            dependencies: [
                "StrandCLI", "StrandByzantine", "StrandNode", "StrandConsensus", "StrandPrimitives",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .executableTarget(
            name: "strand-loadgen",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandWorkloads", "StrandRPCClient", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // A developer's executable, never a release artifact: the consensus simulator, which lives
        // in the test fixtures, over many seeds (scripts/simulate.sh).
        .executableTarget(
            name: "strand-simulate",
            dependencies: [
                "StrandConsensus", "StrandPrimitives", "StrandTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests
        // Fixtures of the tests (and of strand-simulate), never of a shipped executable: test vectors,
        // a manual clock, the consensus simulator, hostile transactions; it re-exports StrandWorkloads.
        .target(
            name: "StrandTestSupport",
            dependencies: [
                "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandWorkloads", "StrandExecution", "StrandEVM", "StrandConsensus",
                "StrandNetworkAPI", "StrandByzantine",
            ],
            path: "Tests/StrandTestSupport"
        ),
        .testTarget(
            name: "StrandChannelTests",
            dependencies: [
                "StrandChannel", "StrandNetworkAPI", "StrandPrimitives",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "StrandBrowserTests", dependencies: ["StrandBrowser", "StrandPrimitives", "StrandRPC"]),
        .testTarget(
            name: "StrandPrimitivesTests",
            dependencies: ["StrandPrimitives", "StrandTestSupport", .product(name: "BigInt", package: "BigInt")]
        ),
        .testTarget(
            name: "StrandRPCTests",
            dependencies: [
                "StrandRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "StrandOperationsTests", dependencies: ["StrandOperations", "StrandNode", "StrandStorage", "StrandTestSupport"]),
        .testTarget(name: "StrandFuzzingTests", dependencies: ["StrandFuzzing", "StrandPrimitives", "StrandTestSupport"]),
        .testTarget(name: "StrandCryptoTests", dependencies: ["StrandCrypto", "StrandPrimitives", "StrandTestSupport", "CStrandReference"]),
        .testTarget(name: "StrandTypesTests", dependencies: ["StrandTypes", "StrandCrypto", "StrandPrimitives", "StrandTestSupport"]),
        .testTarget(
            name: "StrandExecutionTests",
            dependencies: ["StrandExecution", "StrandPrimitives", "StrandCrypto", "StrandTypes", "StrandTestSupport", "StrandBench"]
        ),
        .testTarget(
            name: "StrandEVMTests",
            dependencies: ["StrandEVM", "StrandExecution", "StrandStateTest", "StrandTestSupport", "StrandBench", "StrandTypes", "StrandCrypto",
                           "StrandPrimitives"],
            exclude: ["Fixtures"],
            resources: []
        ),
        .testTarget(
            name: "StrandTxPoolTests",
            dependencies: ["StrandTxPool", "StrandCrypto", "StrandPrimitives", "StrandTypes", "StrandTestSupport"]
        ),
        .testTarget(
            name: "StrandNodeTests",
            dependencies: [
                "StrandNode", "StrandRPC", "StrandRPCClient", "StrandConsensus", "StrandCrypto", "StrandExecution",
                "StrandPrimitives", "StrandStorage", "StrandTxPool", "StrandTypes", "StrandTestSupport", "StrandNetwork", "StrandChain", "StrandSync",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StrandNetworkTests",
            dependencies: [
                "StrandNetwork", "StrandCrypto", "StrandPrimitives",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StrandSyncTests",
            dependencies: [
                "StrandSync", "StrandNetworkAPI", "StrandCrypto", "StrandPrimitives", "StrandStorage", "StrandTypes", "StrandTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StrandConsensusTests",
            dependencies: ["StrandConsensus", "StrandByzantine", "StrandNetworkAPI", "StrandCrypto", "StrandPrimitives", "StrandTypes", "StrandTestSupport"]
        ),
        .testTarget(
            name: "StrandStorageTests",
            dependencies: ["StrandStorage", "StrandCrypto", "StrandPrimitives", "StrandTypes", "StrandTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
