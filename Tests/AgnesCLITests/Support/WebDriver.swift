import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// A headless Chromium driven over the W3C WebDriver protocol, through Debian's `chromedriver`
/// (installed with `chromium` by `scripts/setup.sh`): a session, navigation, elements found by CSS
/// selector, typing, clicking, text, and screenshots. Only what the browser journey needs.
///
/// ```swift
/// let browser = try await WebDriver.start()
/// defer { browser.stop() }
/// try await browser.open("http://127.0.0.1:8000/login")
/// try await browser.find("#email").type("admin@example.com")
/// ```
final class WebDriver: @unchecked Sendable {
    // @unchecked: the process and the session id are set once in `start` and only read afterwards.
    let process = Process()
    private(set) var base = ""
    private(set) var session = ""

    /// The browser binary and the driver: Debian's paths, or `CHROMIUM`/`CHROMEDRIVER`.
    static var chromium: String { ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium" }
    static var chromedriver: String {
        ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String

        /// An element not there yet, or replaced or detached by a navigation or reload (chromedriver says
        /// so in several ways): worth asking again while waiting.
        var isTransient: Bool {
            [
                ": no such element:", ": stale element reference:", "does not belong to the document",
                "Cannot find context with specified id", "Execution context was destroyed",
            ].contains { description.contains($0) }
        }
    }

    /// Starts chromedriver on a free port and opens a headless session `width`×`height` pixels wide.
    static func start(width: Int = 1280, height: Int = 900) async throws -> WebDriver {
        guard FileManager.default.isExecutableFile(atPath: chromedriver) else {
            throw Failure(
                description:
                    "\(chromedriver) is missing: run scripts/setup.sh (it installs Debian's chromium and chromium-driver)"
            )
        }
        let driver = WebDriver()
        let port = try freePort()
        driver.process.executableURL = URL(fileURLWithPath: chromedriver)
        driver.process.arguments = ["--port=\(port)", "--log-level=OFF"]
        driver.process.standardOutput = FileHandle.nullDevice
        driver.process.standardError = FileHandle.nullDevice
        try driver.process.run()
        driver.base = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await driver.call("GET", "/status"), (status["ready"] as? Bool) == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        var options: [String: Any] = [
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=\(width),\(height)", "--no-first-run", "--disable-extensions",
            ],
        ]
        // A desktop window cannot be narrower than about 500 px; a phone is emulated.
        if width < 500 {
            options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 1]]
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome", "goog:chromeOptions": options,
                    // The console (CSP violations, script errors) is read back by ``consoleErrors()``.
                    "goog:loggingPrefs": ["browser": "ALL"],
                ]
            ]
        ]
        let created = try await driver.call("POST", "/session", capabilities)
        guard let id = created["sessionId"] as? String else {
            driver.stop()
            throw Failure(description: "chromedriver opened no session: \(created)")
        }
        driver.session = id
        return driver
    }

    /// Runs `body` with a new browser, which is closed afterwards whether `body` fails or not.
    static func with(
        width: Int = 1280, height: Int = 900, _ body: (WebDriver) async throws -> Void
    ) async throws {
        let browser = try await start(width: width, height: height)
        do {
            try await body(browser)
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
    }

    /// Ends the driver, and with it the browser it started (SIGKILL: chromedriver may wait on an open
    /// session otherwise).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Ends the session (the browser exits), then the driver.
    func quit() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)") }
        stop()
    }

    deinit { stop() }

    // MARK: navigation

    func open(_ url: String) async throws {
        _ = try await call("POST", "/session/\(session)/url", ["url": url])
    }

    func currentURL() async throws -> String {
        try await call("GET", "/session/\(session)/url")["value"] as? String ?? ""
    }

    /// Runs `script` in the page (WebDriver scripts are not subject to the page's CSP) and returns its
    /// result.
    @discardableResult
    func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "/session/\(session)/execute/sync", ["script": script, "args": arguments])["value"]
    }

    /// Waits until `condition` holds, checking every 100 ms, up to `seconds`; fails with `what`.
    func wait(
        _ what: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation,
        until condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            do {
                if try await condition() { return }
            } catch let failure as Failure where failure.isTransient {
                // Not there yet: ask again. Any other failure (a dead session) is the answer.
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let url = (try? await currentURL()) ?? "?"
        let text = (try? await find("body").text()) ?? ""
        throw Failure(description: "timed out waiting for \(what) on \(url): \(text.prefix(600))")
    }

    /// Waits for the page at a path starting with `prefix`.
    func waitForPath(_ prefix: String) async throws {
        try await wait("a page under \(prefix)") {
            guard let url = URL(string: try await currentURL()) else { return false }
            guard url.path.hasPrefix(prefix) else { return false }
            return try await execute("return document.readyState") as? String == "complete"
        }
    }

    /// Runs `script` and returns the element it returns, or nil.
    func executeElement(_ script: String, _ arguments: [Any] = []) async throws -> Element? {
        guard let value = try await execute(script, arguments) as? [String: Any],
            let id = value[Self.elementKey] as? String
        else { return nil }
        return Element(driver: self, id: id)
    }

    /// The browser console's errors since the last call: a CSP violation, a failed load, a script error.
    func consoleErrors() async throws -> [String] {
        let entries = try await call("POST", "/session/\(session)/se/log", ["type": "browser"])["value"]
        return (entries as? [[String: Any]] ?? []).filter { ($0["level"] as? String) == "SEVERE" }.compactMap {
            $0["message"] as? String
        }
    }

    /// Form controls a screen reader could not name: no `<label>`, no `aria-label`.
    func unlabelledControls() async throws -> [String] {
        try await execute(
            """
            return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
              .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
              .map((e) => e.outerHTML.slice(0, 120));
            """) as? [String] ?? []
    }

    // MARK: elements

    struct Element {
        let driver: WebDriver
        let id: String

        func click() async throws { _ = try await driver.call("POST", driver.elementPath(id, "click"), [:]) }
        func clear() async throws { _ = try await driver.call("POST", driver.elementPath(id, "clear"), [:]) }
        /// Types `text`; `WebDriver.Key` characters press keys (modifiers stay down until `Key.release`).
        func type(_ text: String) async throws {
            _ = try await driver.call("POST", driver.elementPath(id, "value"), ["text": text])
        }
        func text() async throws -> String {
            try await driver.call("GET", driver.elementPath(id, "text"))["value"] as? String ?? ""
        }
        func attribute(_ name: String) async throws -> String? {
            try await driver.call("GET", driver.elementPath(id, "attribute/\(name)"))["value"] as? String
        }
    }

    /// Special keys for ``Element/type(_:)``.
    enum Key {
        static let control = "\u{E009}"
        static let enter = "\u{E007}"
        static let release = "\u{E000}"
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    func find(_ selector: String) async throws -> Element {
        let found = try await call("POST", "/session/\(session)/element", ["using": "css selector", "value": selector])
        guard let value = found["value"] as? [String: Any], let id = value[Self.elementKey] as? String else {
            throw Failure(description: "no element \(selector)")
        }
        return Element(driver: self, id: id)
    }

    func findAll(_ selector: String) async throws -> [Element] {
        let found = try await call(
            "POST", "/session/\(session)/elements", ["using": "css selector", "value": selector])
        return (found["value"] as? [[String: Any]] ?? []).compactMap { $0[Self.elementKey] as? String }.map {
            Element(driver: self, id: $0)
        }
    }

    /// Waits for an element and returns it.
    func waitFor(_ selector: String, seconds: Double = 20) async throws -> Element {
        try await wait(selector, seconds: seconds) { !(try await findAll(selector)).isEmpty }
        return try await find(selector)
    }

    func elementPath(_ id: String, _ action: String) -> String { "/session/\(session)/element/\(id)/\(action)" }

    // MARK: screenshots

    /// Saves a PNG of the window as `<directory>/<name>.png`.
    func screenshot(_ name: String, in directory: URL) async throws {
        guard let encoded = try await call("GET", "/session/\(session)/screenshot")["value"] as? String,
            let png = Data(base64Encoded: encoded)
        else { throw Failure(description: "no screenshot") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try png.write(to: directory.appendingPathComponent("\(name).png"))
    }

    // MARK: the protocol

    /// One WebDriver command; returns the answer's object (its `value` unwrapped when that is an object,
    /// else the whole answer). A WebDriver error throws with its message.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = .RAW(value: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \(value["message"] as? String ?? "")")
        }
        if let value = object["value"] as? [String: Any], path == "/session" || path == "/status" { return value }
        return object
    }

    /// A TCP port nobody listens on now.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "no socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
