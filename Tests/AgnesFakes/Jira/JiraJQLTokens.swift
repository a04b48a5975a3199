/// The tokens of a JQL text, with their offsets for error messages.
struct JiraJQLTokens {
    enum Kind: Equatable {
        case word(String)
        case string(String)
        case symbol(String)
    }

    struct Token {
        let kind: Kind
        let offset: Int
        let text: String
    }

    private var tokens: [Token] = []
    private var index = 0
    private let length: Int

    init(_ text: String) throws(JiraJQL.Failure) {
        let characters = Array(text)
        length = characters.count
        var position = 0
        while position < characters.count {
            let character = characters[position]
            if character.isWhitespace {
                position += 1
            } else if character == "\"" || character == "'" {
                var end = position + 1
                var value = ""
                while end < characters.count, characters[end] != character {
                    if characters[end] == "\\", end + 1 < characters.count { end += 1 }
                    value.append(characters[end])
                    end += 1
                }
                guard end < characters.count else {
                    throw .syntax("The quoted string '\(value)' has not been completed.", at: position)
                }
                tokens.append(Token(kind: .string(value), offset: position, text: String(characters[position...end])))
                position = end + 1
            } else if "=!<>".contains(character) {
                var symbol = String(character)
                if position + 1 < characters.count, characters[position + 1] == "=" { symbol.append("=") }
                guard symbol != "!" else { throw .syntax("Expecting operator but got '!'.", at: position) }
                tokens.append(Token(kind: .symbol(symbol), offset: position, text: symbol))
                position += symbol.count
            } else if "(),".contains(character) {
                tokens.append(Token(kind: .symbol(String(character)), offset: position, text: String(character)))
                position += 1
            } else if "~".contains(character) {
                throw .syntax("The fake Jira does not support the '~' operator.", at: position)
            } else {
                var end = position
                while end < characters.count, !characters[end].isWhitespace, !"=!<>(),\"'~".contains(characters[end]) {
                    end += 1
                }
                let word = String(characters[position..<end])
                tokens.append(Token(kind: .word(word), offset: position, text: word))
                position = end
            }
        }
    }

    var isAtEnd: Bool { index >= tokens.count }
    var current: Token? { isAtEnd ? nil : tokens[index] }
    var offset: Int { current?.offset ?? length }

    mutating func advance() { index += 1 }

    func peekWord(_ word: String) -> Bool {
        if case .word(let text)? = current?.kind { return text.lowercased() == word }
        return false
    }

    func peekSymbol(_ symbol: String, offset: Int) -> Bool {
        index + offset < tokens.count && tokens[index + offset].kind == .symbol(symbol)
    }

    mutating func takeWord(_ word: String) -> Bool {
        guard peekWord(word) else { return false }
        advance()
        return true
    }

    mutating func take(_ symbol: String) -> Bool {
        guard current?.kind == .symbol(symbol) else { return false }
        advance()
        return true
    }

    /// "<expectation> but got '<token>'." or "… before the end of the query."
    func unexpected(_ expectation: String, suffix: String = "") -> JiraJQL.Failure {
        guard let current else { return .syntax("\(expectation) before the end of the query.\(suffix)", at: length) }
        return .syntax("\(expectation) but got '\(current.text)'.\(suffix)", at: current.offset)
    }
}
