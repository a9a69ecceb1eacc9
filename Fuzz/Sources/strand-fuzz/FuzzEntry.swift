import Foundation
import StrandFuzzing

/// libFuzzer's driver, run from this executable's own main (SwiftPM names an executable's entry
/// point after its module): the target comes from STRAND_FUZZ_TARGET; with STRAND_FUZZ_SEED_DIR
/// set, the target's seeds are written there first if it is empty.
nonisolated(unsafe) var target = FuzzTarget.transaction

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@_cdecl("strand_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    guard let name = environment["STRAND_FUZZ_TARGET"], let chosen = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set STRAND_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        return 2
    }
    target = chosen
    if let directory = environment["STRAND_FUZZ_SEED_DIR"],
       (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? true {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, seed) in chosen.seeds.enumerated() {
            _ = FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(seed))
        }
    }
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
