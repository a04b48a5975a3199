import Foundation

/// Arrow's own reader, pyarrow, from the test venv that scripts/setup.sh fills (or the Python named
/// in `AGNES_TEST_PYTHON`): an independent check of the Arrow IPC streams we write.
public enum PyArrow {
    /// The Python that has pyarrow.
    public static var python: String {
        if let path = ProcessInfo.processInfo.environment["AGNES_TEST_PYTHON"], !path.isEmpty { return path }
        return SMTPTestServer.repositoryRoot.appending(path: ".duckdb/test-venv/bin/python").path
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `stream` with `pyarrow.ipc.open_stream`, validates it fully and returns
    /// `{"rows": n, "schema": [type, …], "names": [name, …], "columns": {name: [value, …]}}` as JSON.
    public static func read(_ stream: [UInt8]) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-\(UUID().uuidString).arrows")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(stream).write(to: file)
        let script = """
            import json, sys, pyarrow.ipc as ipc
            table = ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
            table.validate(full=True)
            print(json.dumps({'rows': table.num_rows, 'schema': [str(f.type) for f in table.schema],
                'names': table.schema.names, 'columns': table.to_pydict()}, default=str))
            """
        let result = try TestProcess.run(python, ["-c", script, file.path])
        guard result.status == 0 else {
            throw Failure(
                description: "pyarrow (\(python)) refused the stream; run scripts/setup.sh if it is missing: "
                    + result.standardError)
        }
        let data = result.standardOutput
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "pyarrow printed no JSON object")
        }
        return object
    }
}
