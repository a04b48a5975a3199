import Foundation
import Testing

@testable import AgnesServer

/// The hand-read `/api/query` body must mean exactly what `JSONDecoder` reads from the same bytes, and
/// leave everything outside its common shape to the decoder.
@Suite struct QueryRequestBodyTests {
    static func decoded(_ bytes: [UInt8]) -> QueryRequestBody? {
        try? JSONDecoder().decode(QueryRequestBody.self, from: Data(bytes))
    }

    @Test(
        arguments: [
            (#"{"sql":"SELECT 1","limit":1000}"#, "SELECT 1", 1000),
            (#"{"sql": "SELECT 1"}"#, "SELECT 1", nil),
            (#" {"limit" : null , "sql" : "SELECT 1" } "#, "SELECT 1", nil),
            (
                "{\n\t\"sql\": \"SELECT *\\nFROM \\\"orders\\\"\\tWHERE a = '\\u00e9\\/'\",\r\n\"limit\": 5\n}",
                "SELECT *\nFROM \"orders\"\tWHERE a = 'é/'", 5
            ),
            (#"{"sql":"SELECT '\ud83d\ude00' AS e, '\\' AS b","limit":-0}"#, "SELECT '😀' AS e, '\\' AS b", 0),
            (#"{"sql":"SELECT 'ünïcödé ✓'","limit":9223372036854775807}"#, "SELECT 'ünïcödé ✓'", Int.max),
            (#"{"sql":"x","limit":-9223372036854775808}"#, "x", Int.min),
            (#"{"format":"json","sql":"SELECT 1","dry":false,"note":null,"ok":true}"#, "SELECT 1", nil),
            (#"{"\u0073ql":"SELECT 2"}"#, "SELECT 2", nil),
            (#"{"sql":""}"#, "", nil),
        ] as [(String, String, Int?)])
    func readsTheCommonShapeAsTheDecoderDoes(body: String, sql: String, limit: Int?) throws {
        let bytes = Array(body.utf8)
        let read = try #require(QueryRequestBody(bytes: bytes))
        #expect(read == QueryRequestBody(sql: sql, limit: limit))
        #expect(Self.decoded(bytes) == read)
    }

    /// Outside the common shape the reader says nil, and the decoder (valid or not) has the last word.
    @Test(arguments: [
        "", "   ", "null", "[]", "{}", #"{"limit":5}"#, #"{"sql":5}"#, #"{"sql":null}"#, #"{"sql":"a","limit":"5"}"#,
        #"{"sql":"a","limit":5.0}"#, #"{"sql":"a","limit":5e2}"#, #"{"sql":"a","limit":05}"#,
        #"{"sql":"a","limit":99999999999999999999}"#, #"{"sql":"a","limit":-}"#, #"{"sql":"a","sql":"b"}"#,
        #"{"sql":"a","extra":{"x":1}}"#, #"{"sql":"a","extra":[1]}"#, #"{"sql":"a","extra":1}"#,
        #"{"sql":"a"} x"#, #"{"sql":"a",}"#, #"{"sql":"a""#, #"{"sql":"a\q"}"#, #"{"sql":"\ud800"}"#,
        #"{"sql":"\udc00x"}"#, #"{"sql":"\u12"}"#, "{\"sql\":\"a\u{01}b\"}", #"{'sql':'a'}"#, #"{sql:"a"}"#,
        "\u{FEFF}{\"sql\":\"a\"}", #"{"sql":"a" "limit":1}"#, #"{"sql":"a",,"limit":1}"#, #"{"sql":tru}"#,
    ])
    func leavesEverythingElseToTheDecoder(body: String) {
        #expect(QueryRequestBody(bytes: Array(body.utf8)) == nil)
    }

    @Test func invalidUTF8IsLeftToTheDecoder() {
        for bytes: [UInt8] in [
            Array(#"{"sql":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"sql":"a\n"#.utf8) + [0xFF] + Array(#""}"#.utf8),
        ] {
            #expect(QueryRequestBody(bytes: bytes) == nil)
            #expect(Self.decoded(bytes) == nil)
        }
    }

    /// Thousands of bodies mutated at random (a byte changed, dropped or repeated): whenever the reader
    /// answers, the decoder must read the same bytes to the same request.
    @Test func agreesWithTheDecoderOnMutatedBodies() {
        let seeds = [
            #"{"sql":"SELECT event_type, count(*) FROM events GROUP BY 1","limit":1000}"#,
            "{\"sql\": \"SELECT \\\"a\\\" FROM t WHERE s = '\\u00e9\\n'\", \"limit\": 20, \"x\": null}",
            #"{"limit":-12,"sql":"\ud83d\ude00 \\ \/ \b\f\r\t","flag":true}"#,
        ].map { Array($0.utf8) }
        var generator = SeededGenerator(seed: 0x5EED)
        let alphabet = Array(#"{}[],:"\/ubfnrt0123456789-+.eE aZé"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        var (answered, mutations) = (0, 0)
        for seed in seeds {
            for _ in 0..<3000 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(bytes[index], at: index)
                    }
                    if bytes.isEmpty { bytes = seed }
                }
                mutations += 1
                guard let read = QueryRequestBody(bytes: bytes) else { continue }
                answered += 1
                #expect(Self.decoded(bytes) == read, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        // The mutations must leave the reader plenty to answer, or the comparison would prove nothing.
        #expect(answered > mutations / 10)
    }
}

/// A small deterministic generator (SplitMix64), so a failing mutation can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
