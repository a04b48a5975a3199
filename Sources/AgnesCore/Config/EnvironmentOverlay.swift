/// The variables of `DATA_DIR/state/.env_overlay`, which the configure flow writes so that settings
/// survive restarts; they apply only where the real environment does not set the same variable.
///
/// The format is one `KEY=VALUE` per line, with `#` comment lines, blank lines, an optional `export `
/// prefix and optional single or double quotes around the value. Double-quoted values understand `\"`,
/// `\\` and `\n`; single-quoted and bare values are taken literally (a `#` in a bare value is kept).
struct EnvironmentOverlay: Equatable {
    var values: [String: String]

    /// The overlay at `path`, or an empty overlay when there is no file.
    static func load(path: String) throws(ConfigError) -> EnvironmentOverlay {
        guard let text = try ConfigFile.contents(atPath: path) else { return EnvironmentOverlay(values: [:]) }
        return try parse(text, file: path)
    }

    /// Parses overlay text; a later line wins over an earlier one for the same key.
    static func parse(_ text: String, file: String) throws(ConfigError) -> EnvironmentOverlay {
        var values: [String: String] = [:]
        // Split on any line break: Swift reads "\r\n" as one Character, so splitting on "\n" would miss it.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            if let entry = try parseLine(rawLine, file: file, lineNumber: index + 1) {
                values[entry.key] = entry.value
            }
        }
        return EnvironmentOverlay(values: values)
    }

    /// `environment` with the overlay's variables added where it does not already have them.
    func applied(under environment: [String: String]) -> [String: String] {
        environment.merging(values) { real, _ in real }
    }

    /// One line's variable, or `nil` for blank and comment lines. Errors never quote the line, which may
    /// hold a secret.
    private static func parseLine(
        _ rawLine: Substring,
        file: String,
        lineNumber: Int
    ) throws(ConfigError) -> (key: String, value: String)? {
        var line = rawLine.trimmingWhitespace()
        if line.isEmpty || line.hasPrefix("#") { return nil }
        if line.hasPrefix("export "), line.contains("=") {
            line = line.dropFirst("export ".count).trimmingWhitespace()
        }
        func malformed(_ detail: String) -> ConfigError {
            ConfigError(code: .malformedEnvironmentFile, message: "\(file): line \(lineNumber): \(detail)")
        }
        guard let equals = line.firstIndex(of: "=") else {
            throw malformed("expected KEY=VALUE, got a line without \"=\"")
        }
        let key = line[..<equals].trimmingWhitespace()
        guard EnvironmentInterpolator.isVariableName(key) else {
            let got = ConfigValue.string(String(key))
            throw malformed("expected a variable name of letters, digits and underscores before \"=\", got \(got)")
        }
        let value = line[line.index(after: equals)...].trimmingWhitespace()
        guard let quote = value.first, quote == "\"" || quote == "'" else { return (String(key), String(value)) }
        guard value.count >= 2, value.last == quote else {
            throw malformed("\(key): expected a closing \(quote) at the end of the value")
        }
        let inner = value.dropFirst().dropLast()
        return (String(key), quote == "\"" ? unescape(inner) : String(inner))
    }

    private static func unescape(_ text: Substring) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "\"", "\\": result.append(character)
                default: result += "\\\(character)"
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return escaping ? result + "\\" : result
    }
}

extension Substring {
    /// The substring without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[start...end]
    }
}
