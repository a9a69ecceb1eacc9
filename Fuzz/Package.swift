// swift-tools-version:6.1
// libFuzzer over Strand's fuzz targets (Sources/StrandFuzzing), apart from the main package so
// that its normal builds never link libFuzzer's main. Built and run by scripts/fuzz.sh:
//   swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PackageDescription

let package = Package(
    name: "StrandFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Strand", path: "..")],
    targets: [
        .executableTarget(
            name: "strand-fuzz", dependencies: [.product(name: "StrandFuzzing", package: "Strand")],
            // gold fails on these objects ("internal error in format_file_lineno"); lld links them.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ),
    ]
)
