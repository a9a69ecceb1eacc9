import Foundation
@testable import StrandRPC
import Testing

/// The parser of common request shapes must read exactly what Foundation reads, and leave
/// everything else to Foundation.
@Suite struct JSONRPCParsingTests {
    static let simple = [
        #"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x02f86b"]}"#,
        #"[{"jsonrpc":"2.0","id":0,"method":"eth_blockNumber","params":[]},{"id":"x-1","params":["0xab","latest"],"method":"eth_getBalance","jsonrpc":"2.0"}]"#,
        " \n [ { \"method\" : \"eth_chainId\" , \"params\" : [ ] , \"id\" : -42 , \"jsonrpc\" : \"2.0\" } ] \t",
        #"{"jsonrpc":"2.0","id":123456789012345,"method":"m","params":["a b","!#$%&'()*+,-./:;<=>?@[]^_`{|}~"]}"#,
    ]
    static let notSimple = [
        #"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"0x01"},"latest"]}"#,   // object parameter
        #"{"jsonrpc":"2.0","id":1.5,"method":"m","params":[]}"#,                              // fractional id
        #"{"jsonrpc":"2.0","id":01,"method":"m","params":[]}"#,                               // leading zero: invalid JSON
        #"{"jsonrpc":"2.0","id":1,"method":"m","params":["a\"b"]}"#,                          // escape
        #"{"jsonrpc":"2.0","id":1,"method":"m"}"#,                                            // no params
        #"{"jsonrpc":"2.0","method":"m","params":[]}"#,                                       // notification
        #"{"jsonrpc":"2.0","id":1,"id":2,"method":"m","params":[]}"#,                         // repeated key
        #"{"jsonrpc":"1.0","id":1,"method":"m","params":[]}"#,                                // wrong version
        #"[{"jsonrpc":"2.0","id":1,"method":"m","params":[]},]"#,                             // trailing comma
        #"[]"#, #"[{"jsonrpc":"2.0","id":1,"method":"m","params":[]}"#, "", "{", "null",
        #"{"jsonrpc":"2.0","id":1,"method":"m","params":["é"]}"#,                             // non-ASCII
        #"{"jsonrpc":"2.0","id":1234567890123456,"method":"m","params":[]}"#,                 // 16 digits
    ]

    @Test(arguments: simple)
    func simpleBodiesParseAsFoundationDoes(body: String) throws {
        let fast = try #require(JSONRPC.parseSimple(Data(body.utf8)), "should take the simple path")
        let foundation = try JSONRPC.parseWithFoundation(Data(body.utf8))
        #expect(fast.isBatch == foundation.isBatch)
        #expect(fast.calls.map(\.method) == foundation.calls.map(\.method))
        #expect(fast.calls.map(\.params) == foundation.calls.map(\.params))
        #expect(fast.slots.count == foundation.slots.count)
        for (a, b) in zip(fast.slots, foundation.slots) {
            guard case .call(let i, let idA) = a, case .call(let j, let idB) = b else {
                Issue.record("simple bodies hold calls only")
                continue
            }
            #expect(i == j)
            #expect(idA == idB)
        }
    }

    @Test(arguments: notSimple)
    func otherBodiesAreLeftToFoundation(body: String) {
        #expect(JSONRPC.parseSimple(Data(body.utf8)) == nil)
    }
}
