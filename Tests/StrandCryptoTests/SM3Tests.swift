import StrandCrypto
import StrandPrimitives
import Testing

/// SM3 against GB/T 32905-2016's examples.
@Suite struct SM3Tests {
    @Test func theStandardsExamples() throws {
        #expect(SM3.hash(Array("abc".utf8)) == (try Hash(hex: "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")))
        #expect(SM3.hash(Array(String(repeating: "abcd", count: 16).utf8))
                == (try Hash(hex: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")))
    }

    @Test func theEmptyMessage() throws {
        #expect(SM3.hash([]) == (try Hash(hex: "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")))
    }
}
