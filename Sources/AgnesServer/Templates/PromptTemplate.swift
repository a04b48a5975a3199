import Foundation
import Mustache

/// A Mustache template of plain text (Markdown): values are inserted as they are, never HTML-escaped,
/// and a name the context does not have is an error rather than an empty string.
///
/// Mustache is not Jinja2: there are no expressions or filters. `{{name}}` and `{{a.b}}` insert a
/// value, `{{#list}}…{{/list}}` repeats, `{{#value}}…{{/value}}` shows its content when the value is
/// present (not null, not false, not an empty list), `{{^value}}…{{/value}}` when it is not, and
/// `{{! comment }}` is dropped. Inside a list, `{{^last()}}, {{/last()}}` separates items. Partials
/// (`{{> name}}`) are not available.
///
/// ```swift
/// let template = try PromptTemplate("Hello {{user.email}}")
/// let text = try template.render(.object(["user": .object(["email": "ana@example.com"])]))
/// ```
struct PromptTemplate: Sendable {
    /// Why a template cannot be used; ``description`` is the `detail` an admin reads.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The text is not valid Mustache.
        case syntax(line: Int, column: Int, reason: String)
        /// The template uses a name the context does not have.
        case unknownVariable(String)

        var description: String {
            switch self {
            case .syntax(let line, let column, let reason):
                "Template syntax error at line \(line), column \(column): \(reason)"
            case .unknownVariable(let name): "Unknown template variable '\(name)'"
            }
        }
    }

    /// Rendering as plain text: without it, swift-mustache escapes `<`, `&` and quotes for HTML.
    static let textPragma = "{{%CONTENT_TYPE:TEXT}}"

    let source: String
    let compiled: MustacheTemplate

    /// Parses `source`; throws ``Failure/syntax(line:column:reason:)``.
    init(_ source: String) throws(Failure) {
        self.source = source
        // Without a library a partial or a parent renders as nothing: refuse it rather than drop text.
        for tag in ["{{>", "{{<"] {
            if let range = source.range(of: tag) {
                let before = source[..<range.lowerBound]
                let line = before.count(where: \.isNewline) + 1
                let column =
                    before.distance(
                        from: before.lastIndex(where: \.isNewline).map(before.index(after:)) ?? before.startIndex,
                        to: before.endIndex) + 1
                throw .syntax(line: line, column: column, reason: "partials are not available")
            }
        }
        do {
            compiled = try MustacheTemplate(string: Self.textPragma + source)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber
            // The pragma sits before the first line's text.
            let column =
                line == 1 ? max(1, error.context.columnNumber - Self.textPragma.count) : error.context.columnNumber
            throw .syntax(line: line, column: column, reason: Self.reason(error.error))
        } catch {
            throw .syntax(line: 1, column: 1, reason: "\(error)")
        }
    }

    /// The text for `context`; throws ``Failure/unknownVariable(_:)`` for the first unknown name.
    func render(_ context: TemplateValue) throws(Failure) -> String {
        guard case .object(let fields) = context else { preconditionFailure("a template context is an object") }
        let misses = TemplateScope.Misses(known: context.names)
        let text = compiled.render(TemplateScope(fields: fields, path: "", misses: misses))
        if let name = misses.names.first { throw .unknownVariable(name) }
        return text
    }

    /// Words for a parser error.
    static func reason(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: "a section is closed with another name than it was opened with"
        case .unfinishedName: "a tag is not closed"
        case .expectedSectionEnd: "a section is not closed"
        case .invalidSetDelimiter: "invalid delimiter change"
        case .transformAppliedToInheritanceSection, .illegalTokenInsideInheritSection, .textInsideInheritSection:
            "template inheritance is not available"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: "invalid pragma"
        case .none: "the template ends inside a tag"
        }
    }
}
