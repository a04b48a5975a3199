import Hummingbird

extension ResponseBody {
    /// This body gzipped by `gzip` chunk by chunk as the route writes it (``GzipBodyWriter``); its
    /// length is unknown, so it is sent chunked. `gzip` belongs to the new body from here on.
    func gzipped(by gzip: GzipStream) -> ResponseBody {
        let body = self
        return ResponseBody { writer in try await Self.write(body, to: writer, through: gzip) }
    }

    private static func write(_ body: ResponseBody, to writer: some ResponseBodyWriter, through gzip: GzipStream)
        async throws
    {
        try await body.write(GzipBodyWriter(parent: writer, gzip: gzip))
    }
}
