import Testing

@testable import AgnesCore

@Suite struct EnvironmentOverlayTests {
    let file = "data/state/.env_overlay"

    @Test func parsesCommentsBlanksExportsAndQuotes() throws {
        let text = """
            # written by agnes configure

            KEBOOLA_STORAGE_TOKEN=abc-123
            export BIGQUERY_PROJECT=my-project
              SPACED = value with spaces\u{20}\u{20}
            DOUBLE="quoted # not a comment"
            SINGLE='it''s literal \\n'
            ESCAPED="line1\\nline2 \\"q\\" back\\\\slash"
            EMPTY=
            URL=https://example.com/a?b=c#frag
            REPEATED=first
            REPEATED=second
            """
        let overlay = try EnvironmentOverlay.parse(text, file: file)
        #expect(
            overlay.values == [
                "KEBOOLA_STORAGE_TOKEN": "abc-123",
                "BIGQUERY_PROJECT": "my-project",
                "SPACED": "value with spaces",
                "DOUBLE": "quoted # not a comment",
                "SINGLE": #"it''s literal \n"#,
                "ESCAPED": "line1\nline2 \"q\" back\\slash",
                "EMPTY": "",
                "URL": "https://example.com/a?b=c#frag",
                "REPEATED": "second",
            ]
        )
    }

    @Test func acceptsWindowsLineEndings() throws {
        let overlay = try EnvironmentOverlay.parse("A=1\r\nB=\"2\"\r\n", file: file)
        #expect(overlay.values == ["A": "1", "B": "2"])
    }

    @Test func realEnvironmentWins() {
        let overlay = EnvironmentOverlay(values: ["A": "overlay", "B": "overlay"])
        #expect(overlay.applied(under: ["A": "real", "C": "real"]) == ["A": "real", "B": "overlay", "C": "real"])
    }

    @Test(arguments: [
        ("A=1\nthis line has no equals sign\n", "line 2", "expected KEY=VALUE"),
        (
            "A=1\n\n# c\n1BAD=x\n", "line 4",
            #"expected a variable name of letters, digits and underscores before "=", got "1BAD""#
        ),
        ("MY-KEY=x\n", "line 1", #"got "MY-KEY""#),
        ("=value\n", "line 1", #"got """#),
        ("TOKEN=\"unterminated-secret\n", "line 1", #"TOKEN: expected a closing " at the end of the value"#),
        ("TOKEN='mismatched-secret\"\n", "line 1", "TOKEN: expected a closing ' at the end of the value"),
    ])
    func malformedLinesNameFileAndLine(text: String, line: String, detail: String) throws {
        let error = try #require(throws: ConfigError.self) { try EnvironmentOverlay.parse(text, file: file) }
        #expect(error.code == .malformedEnvironmentFile)
        #expect(error.message.hasPrefix("data/state/.env_overlay: \(line): "))
        #expect(error.message.contains(detail))
        #expect(!error.message.contains("secret"))
    }

    @Test func missingFileIsEmpty() throws {
        let directory = try TemporaryDirectory()
        let overlay = try EnvironmentOverlay.load(path: directory.path("state/.env_overlay"))
        #expect(overlay.values.isEmpty)
    }

    @Test func loadsFromDisk() throws {
        let directory = try TemporaryDirectory()
        try directory.write("export A=1\n", to: "state/.env_overlay")
        #expect(try EnvironmentOverlay.load(path: directory.path("state/.env_overlay")).values == ["A": "1"])
    }
}
