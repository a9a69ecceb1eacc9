import Foundation
@testable import StrandRPC
import Testing

@Suite struct JSONWriterTests {
    @Test func writesWhatFoundationReadsBack() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"id": 1, "ok": true, "no": false, "x": 2.5, "big": 12345678901234, "n": null, "s": "a\"b\\c\n\u0001", "l": [0, "0x1", []]}"#.utf8))
        let mine: [String: Any] = ["id": 7, "flag": true, "hash": "0xab", "list": [1, "two", false], "u": UInt64.max]
        for value in [parsed, mine] {
            let written = JSONWriter.write(value)
            let reread = try JSONSerialization.jsonObject(with: Data(written))
            let canonical = { (v: Any) in try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]) }
            #expect(try canonical(reread) == canonical(value))
        }
        // The number 1 stays a number, true stays a boolean.
        #expect(String(decoding: JSONWriter.write([1, true, 0, false] as [Any]), as: UTF8.self) == "[1,true,0,false]")
        #expect(String(decoding: JSONWriter.write((try JSONSerialization.jsonObject(with: Data("[1,true]".utf8)))), as: UTF8.self) == "[1,true]")
    }
}
