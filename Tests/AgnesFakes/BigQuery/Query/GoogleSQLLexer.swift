/// A token of GoogleSQL text.
struct GoogleSQLToken: Equatable {
    enum Kind: Equatable {
        case word
        /// A backticked name: `` `proj.ds.tbl` `` or `` `my column` ``.
        case quotedName
        case string
        case bytes
        case number
        case symbol
        case space
        case comment
    }

    let kind: Kind
    /// The text as written.
    let text: String
    /// The decoded value of a quoted name or literal; the text otherwise.
    let value: String

    var isSignificant: Bool { kind != .space && kind != .comment }

    /// A word, compared without case.
    func isWord(_ words: String...) -> Bool {
        kind == .word && words.contains(text.uppercased())
    }

    func isSymbol(_ symbol: Character) -> Bool {
        kind == .symbol && text == String(symbol)
    }
}

/// Splits GoogleSQL into tokens: backticked names, string and bytes literals (quoted with `'`, `"`, or
/// tripled; raw with `r`; escapes decoded), `--`, `#` and `/* */` comments, words, numbers, symbols.
enum GoogleSQLLexer {
    static func tokens(_ sql: String) throws(BigQueryError) -> [GoogleSQLToken] {
        let characters = Array(sql)
        var tokens: [GoogleSQLToken] = []
        var index = 0
        func text(from start: Int) -> String { String(characters[start..<index]) }
        while index < characters.count {
            let start = index
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if character.isWhitespace {
                while index < characters.count, characters[index].isWhitespace { index += 1 }
                tokens.append(GoogleSQLToken(kind: .space, text: text(from: start), value: text(from: start)))
            } else if character == "#" || (character == "-" && next == "-") {
                while index < characters.count, !characters[index].isNewline { index += 1 }
                tokens.append(GoogleSQLToken(kind: .comment, text: text(from: start), value: ""))
            } else if character == "/" && next == "*" {
                index += 2
                while index < characters.count, !(characters[index - 1] == "*" && characters[index] == "/") {
                    index += 1
                }
                index = min(index + 1, characters.count)
                tokens.append(GoogleSQLToken(kind: .comment, text: text(from: start), value: ""))
            } else if character == "`" {
                let value = try quoted(characters, &index, isRaw: false, what: "identifier")
                tokens.append(GoogleSQLToken(kind: .quotedName, text: text(from: start), value: value))
            } else if character == "'" || character == "\"" {
                let value = try quoted(characters, &index, isRaw: false, what: "string")
                tokens.append(GoogleSQLToken(kind: .string, text: text(from: start), value: value))
            } else if character.isLetter || character == "_" {
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber
                        || characters[index] == "_"
                {
                    index += 1
                }
                let word = text(from: start).lowercased()
                if ["r", "b", "rb", "br"].contains(word), index < characters.count,
                    characters[index] == "'" || characters[index] == "\""
                {
                    let value = try quoted(characters, &index, isRaw: word.contains("r"), what: "string")
                    let kind: GoogleSQLToken.Kind = word.contains("b") ? .bytes : .string
                    tokens.append(GoogleSQLToken(kind: kind, text: text(from: start), value: value))
                } else {
                    tokens.append(GoogleSQLToken(kind: .word, text: text(from: start), value: text(from: start)))
                }
            } else if character.isNumber || (character == "." && next?.isNumber == true) {
                while index < characters.count,
                    characters[index].isNumber || characters[index] == "."
                        || (characters[index].lowercased() == "e" && index + 1 < characters.count
                            && (characters[index + 1].isNumber || "+-".contains(characters[index + 1])))
                {
                    index += characters[index].lowercased() == "e" ? 2 : 1
                }
                tokens.append(GoogleSQLToken(kind: .number, text: text(from: start), value: text(from: start)))
            } else {
                index += 1
                tokens.append(GoogleSQLToken(kind: .symbol, text: String(character), value: String(character)))
            }
        }
        return tokens
    }

    /// Reads a quoted literal or name starting at `index` (at its opening quote) and returns its value.
    private static func quoted(_ characters: [Character], _ index: inout Int, isRaw: Bool, what: String)
        throws(BigQueryError) -> String
    {
        let quote = characters[index]
        let isTriple =
            quote != "`" && index + 2 < characters.count && characters[index + 1] == quote
            && characters[index + 2] == quote
        let position = index
        index += isTriple ? 3 : 1
        var value = ""
        while index < characters.count {
            let character = characters[index]
            if isTriple, character == quote, index + 2 < characters.count, characters[index + 1] == quote,
                characters[index + 2] == quote
            {
                index += 3
                return value
            }
            if !isTriple, character == quote {
                index += 1
                return value
            }
            if !isTriple, character.isNewline { break }
            if character == "\\", index + 1 < characters.count {
                if isRaw {
                    value.append(character)
                    value.append(characters[index + 1])
                    index += 2
                } else {
                    value += try escape(characters, &index)
                }
                continue
            }
            value.append(character)
            index += 1
        }
        throw .invalidQuery("Syntax error: Unclosed \(what) literal at [1:\(position + 1)]")
    }

    /// Decodes the escape sequence at `index` (a backslash) and moves past it.
    private static func escape(_ characters: [Character], _ index: inout Int) throws(BigQueryError) -> String {
        let code = characters[index + 1]
        index += 2
        let simple: [Character: String] = [
            "n": "\n", "t": "\t", "r": "\r", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "v": "\u{0B}",
            "\\": "\\", "'": "'", "\"": "\"", "`": "`", "?": "?",
        ]
        if let decoded = simple[code] { return decoded }
        let digits: Int? =
            switch code {
            case "x", "X": 2
            case "u": 4
            case "U": 8
            default: nil
            }
        if let digits, index + digits <= characters.count,
            let scalar = UInt32(String(characters[index..<index + digits]), radix: 16).flatMap(Unicode.Scalar.init)
        {
            index += digits
            return String(Character(scalar))
        }
        if code.isNumber, index + 2 <= characters.count,
            let scalar = UInt32(String(characters[index - 1..<index + 2]), radix: 8).flatMap(Unicode.Scalar.init)
        {
            index += 2
            return String(Character(scalar))
        }
        throw .invalidQuery("Syntax error: Illegal escape sequence: \\\(code)")
    }
}
