import Foundation
@testable import StrandRPC
import Testing

@Suite struct JSONWriterTests {
    @Test func writesWhatFoundationReadsBack() throws {
        let text = #"{"id": 1, "ok": true, "no": false, "x": 2.5, "big": 12345678901234, "n": null, "s": "a\"b\\c\n\u0001", "l": [0, "0x1", []], "o": {"k": -3}}"#
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let value = JSONValue(foundation: parsed)
        let written = JSONWriter.write(value)
        let reread = try JSONSerialization.jsonObject(with: Data(written))
        let canonical = { (v: Any) in try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]) }
        #expect(try canonical(reread) == canonical(parsed))
        #expect(JSONValue(foundation: reread) == value)
        // Numbers stay numbers, booleans stay booleans, members keep their order.
        #expect(String(decoding: JSONWriter.write([1, true, 0, false, .double(0.5), .null]), as: UTF8.self) == "[1,true,0,false,0.5,null]")
        #expect(JSONValue(foundation: try JSONSerialization.jsonObject(with: Data("[1,true]".utf8))) == [1, true])
        #expect(String(decoding: JSONWriter.write(["b": 1, "a": "x"]), as: UTF8.self) == #"{"b":1,"a":"x"}"#)
        #expect(String(decoding: JSONWriter.write(.double(.infinity)), as: UTF8.self) == "null")
    }

    @Test func objectMembersAreSetAndRemoved() {
        var object: JSONObject = ["a": 1]
        object["b"] = "two"
        object["a"] = 3
        #expect(object.keys == ["a", "b"] && object["a"] == 3)
        object["a"] = nil
        #expect(object.keys == ["b"] && object["a"] == nil)
    }
}
