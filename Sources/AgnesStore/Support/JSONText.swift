import AgnesCore
import Foundation

/// JSON text kept in JSON and VARCHAR columns: checked before it is written, decoded strictly when read,
/// so a bad value fails loudly instead of reading back as empty.
enum JSONText {
    /// The code for a value that cannot be stored as given.
    static let invalidValue = StoreError.Code("invalid_value")

    /// `text`, after checking that it parses as JSON; `invalid_value` otherwise.
    static func validated(_ text: String, column: String) throws -> String {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        guard parsed != nil else { throw StoreError(invalidValue, "\(column) is not valid JSON") }
        return text
    }

    /// `value` as JSON text with sorted keys.
    static func encoded<T: Encodable>(_ value: T, column: String) throws -> String {
        do {
            return String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self)
        } catch {
            throw StoreError(invalidValue, "\(column) cannot be encoded as JSON", cause: error)
        }
    }

    /// `value` as JSON text with its members in the order it encodes them (`OrderedJSONEncoder`).
    static func encodedInOrder<T: Encodable>(_ value: T, column: String) throws -> String {
        do {
            return String(decoding: try OrderedJSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw StoreError(invalidValue, "\(column) cannot be encoded as JSON", cause: error)
        }
    }

    /// `text` decoded as `T`, nil for NULL; `corrupt_row` when it does not decode.
    static func decoded<T: Decodable>(_ type: T.Type, from text: String?, column: String) throws -> T? {
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.corruptRow, "column \(column) holds JSON that is not a \(T.self): \(text)", cause: error)
        }
    }
}
