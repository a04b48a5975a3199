/// An error raised while loading or validating Agnes configuration.
///
/// The ``message`` always says where the problem is (a file and a dotted key, a file and a line, or an
/// environment variable) and what was expected, so it can be shown to an operator as it is:
///
/// ```
/// config/instance.yaml: remote_query.timeout_seconds: expected a positive integer, got "abc"
/// ```
public struct ConfigError: Error, CustomStringConvertible {
    /// A category of configuration error. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let rawValue: String

        init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// A configuration file exists but could not be read or is not UTF-8.
        public static let unreadableFile = Code("unreadableFile")
        /// A YAML file is not syntactically valid.
        public static let invalidYAML = Code("invalidYAML")
        /// A key holds a value of the wrong kind (a list where an object is expected, for example).
        public static let typeMismatch = Code("typeMismatch")
        /// A key holds a value of the right kind that is out of range or not one of the allowed values.
        public static let invalidValue = Code("invalidValue")
        /// `config_version` is not a version this build understands.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A line of an environment file is not `KEY=VALUE`.
        public static let malformedEnvironmentFile = Code("malformedEnvironmentFile")
        /// An environment variable holds a value that cannot be used.
        public static let invalidEnvironmentVariable = Code("invalidEnvironmentVariable")

        /// The identifier of the code.
        public var description: String { rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// A message for humans naming the file, key or variable and what was expected.
    public var message: String
    /// The underlying error, when there is one (a file-system or YAML parser error).
    public var cause: (any Error)?

    /// Creates an error from its parts.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message; the cause is kept out of it because ``message`` already says everything actionable.
    public var description: String { message }
}

extension ConfigError {
    /// A value of the wrong kind at `key` in `file`.
    static func typeMismatch(file: String, key: String, expected: String, got: ConfigValue) -> ConfigError {
        ConfigError(code: .typeMismatch, message: "\(file): \(key): expected \(expected), got \(got.excerpt)")
    }

    /// A value of the right kind but not an acceptable one at `key` in `file`.
    static func invalidValue(file: String, key: String, expected: String, got: ConfigValue) -> ConfigError {
        ConfigError(code: .invalidValue, message: "\(file): \(key): expected \(expected), got \(got.excerpt)")
    }

    /// An unusable environment variable. `got` is a description, so secrets can be described, not shown.
    static func invalidEnvironment(variable: String, expected: String, got: String) -> ConfigError {
        ConfigError(
            code: .invalidEnvironmentVariable,
            message: "environment variable \(variable): expected \(expected), got \(got)"
        )
    }

    /// An unusable environment variable whose value may be shown.
    static func invalidEnvironment(variable: String, expected: String, value: String) -> ConfigError {
        invalidEnvironment(variable: variable, expected: expected, got: ConfigValue.string(value).excerpt)
    }
}
