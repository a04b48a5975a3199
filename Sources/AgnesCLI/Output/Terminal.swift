import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Facts about the terminal the CLI writes to.
public enum Terminal {
    /// True when standard output is a terminal.
    public static var isOutputTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    /// True when standard error is a terminal (progress bars go there).
    public static var isErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The width to fit tables to: the terminal's, else `COLUMNS`, else none (piped output is not cut).
    public static func width(environment: [String: String]) -> Int? {
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 20 { return columns }
        guard isOutputTerminal else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 120
    }
}
