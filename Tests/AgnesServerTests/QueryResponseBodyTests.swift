import DuckDB
import Foundation
import NIOCore
import Testing

@testable import AgnesServer

/// The hand-written `/api/query` body must say exactly what Foundation's JSON encoder said before.
@Suite struct QueryResponseBodyTests {
    /// The encoding the route used before: DuckDB's JSON form for JSON-native values, the printed
    /// form for the rest, through `JSONEncoder` with sorted keys.
    struct Reference: Encodable {
        let columns: [String]
        let columnTypes: [String]
        let rows: [[Cell]]
        let rowCount: Int
        let truncated: Bool

        enum CodingKeys: String, CodingKey {
            case columns, rows, truncated
            case columnTypes = "column_types"
            case rowCount = "row_count"
        }

        struct Cell: Encodable {
            let value: DuckDBValue

            func encode(to encoder: any Encoder) throws {
                switch value {
                case .null, .boolean, .tinyint, .smallint, .integer, .bigint, .utinyint, .usmallint, .uinteger,
                    .ubigint, .varchar, .enumeration:
                    try value.encode(to: encoder)
                case .float(let v) where v.isFinite: try value.encode(to: encoder)
                case .double(let v) where v.isFinite: try value.encode(to: encoder)
                default:
                    var container = encoder.singleValueContainer()
                    try container.encode(value.description)
                }
            }
        }
    }

    static let queries = [
        """
        SELECT 1::TINYINT AS "a""b", (-128)::TINYINT, 32767::SMALLINT, (-2147483648)::INTEGER,
          (-9223372036854775808)::BIGINT, 255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER,
          18446744073709551615::UBIGINT, true, false, NULL, 170141183460469231731687303715884105727::HUGEINT,
          12.345::DECIMAL(10,3), DATE '2024-02-29', TIMESTAMP '2024-01-02 03:04:05.678', INTERVAL 3 DAY,
          [1, 2, NULL], {'k': 'v', 'n': 1}, MAP {'a': 1}, 'e5a1b6d2-8a4e-4c1f-9d3b-0c2f4e6a8b1d'::UUID,
          '\\x00\\xFF'::BLOB
        """,
        """
        SELECT 0.25::DOUBLE, 1.0::DOUBLE, -0.0::DOUBLE, 1e20::DOUBLE, 1e-7::DOUBLE, 123456789.123::DOUBLE,
          1.7976931348623157e308::DOUBLE, 5e-324::DOUBLE, 0.1::FLOAT, 3.0::FLOAT, 'nan'::DOUBLE,
          'inf'::DOUBLE, '-inf'::FLOAT
        """,
        """
        SELECT '' AS s, 'plain' AS t, 'quote " and \\ backslash / slash', 'é 日本 🎉', chr(1) || chr(31) || chr(127),
          E'line\\nfeed\\ttab\\rcr' || chr(8) || chr(12), chr(8232) || chr(8233)
        """,
        "SELECT * FROM range(3) r(i), (VALUES ('x'), ('y')) v(s) ORDER BY 1, 2",
        "SELECT 1 AS n WHERE false",
    ]

    @Test(arguments: queries)
    func theBodyIsWhatTheJSONEncoderWrote(sql: String) throws {
        let connection = try Database().connect()
        let result = try connection.query(sql)
        for truncated in [false, true] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            let reference = Reference(
                columns: result.columns.map(\.name), columnTypes: result.columns.map { $0.type.description },
                rows: result.rows.map { $0.map(Reference.Cell.init) }, rowCount: result.rows.count,
                truncated: truncated)
            let expected = String(decoding: try encoder.encode(reference), as: UTF8.self)
            let body = QueryResponseBody.encode(columns: result.columns, rows: result.rows, isTruncated: truncated)
            let written = String(buffer: body)
            #expect(written == expected)
            let parsed = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSDictionary
            let parsedReference = try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? NSDictionary
            #expect(parsed != nil && parsed == parsedReference)
        }
    }
}
