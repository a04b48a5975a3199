import AgnesCore
import Foundation
import Testing

/// Object members come out in the order they were encoded; the text is JSON Foundation reads back.
@Suite struct OrderedJSONEncoderTests {
    struct Row: Encodable {
        let id: Int
        let zeta: String?
        let alpha: [Double]
        let nested: OrderedMembers<Bool>
        let when: Date

        enum CodingKeys: String, CodingKey { case id, zeta, alpha, nested, when }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(zeta, forKey: .zeta)
            try container.encode(alpha, forKey: .alpha)
            try container.encode(nested, forKey: .nested)
            try container.encode(when, forKey: .when)
        }
    }

    @Test func membersKeepTheirEncodingOrderAndTextIsEscaped() throws {
        let row = Row(
            id: 7, zeta: "a \"quote\", a \\ and\n\u{01} /slash ✓", alpha: [1, 2.5, -0.125],
            nested: OrderedMembers([("z", true), ("a", false)]), when: Date(timeIntervalSince1970: 0))
        let text = String(decoding: try OrderedJSONEncoder().encode(row), as: UTF8.self)
        #expect(
            text
                == #"{"id":7,"zeta":"a \"quote\", a \\ and\n\u0001 /slash ✓","alpha":[1,2.5,-0.125],"nested":{"z":true,"a":false},"when":"1970-01-01T00:00:00Z"}"#
        )
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(back["zeta"] as? String == row.zeta)
        let absent = Row(
            id: 1, zeta: nil, alpha: [], nested: OrderedMembers(sorting: ["b": true, "a": false]),
            when: Date(timeIntervalSince1970: 1))
        #expect(
            String(decoding: try OrderedJSONEncoder().encode(absent), as: UTF8.self)
                == #"{"id":1,"zeta":null,"alpha":[],"nested":{"a":false,"b":true},"when":"1970-01-01T00:00:01Z"}"#)
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode([1.0, .nan]) }
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode(["x": Double.infinity]) }
    }
}
