import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

extension KeboolaResponder {
    /// An object-store GET: S3 (SigV4), GCS (bearer token or the fake's signed URL), Azure (SAS).
    func objectStore(_ route: KeboolaRoute, _ request: IncomingRequest, isExpired: Bool) async throws -> Response {
        switch route {
        case .s3(let bucket, let key): return try await s3(bucket: bucket, key: key, request, isExpired: isExpired)
        case .gcsJSON(let bucket, let key), .gcsXML(let bucket, let key):
            return try await gcs(bucket: bucket, key: key, route: route, request, isExpired: isExpired)
        case .azure(let account, let container, let blob):
            return try await azure(account: account, container: container, blob: blob, request, isExpired: isExpired)
        default:
            return ObjectStoreError.s3(status: 404, code: "NoSuchKey", message: "The specified key does not exist.")
        }
    }

    private func s3(bucket: String, key: String, _ request: IncomingRequest, isExpired: Bool) async throws -> Response {
        let (credentials, object, now) = store.state.withLock { state in
            (state.awsCredentials, state.objects[ObjectAddress(bucket: bucket, key: key)], state.now)
        }
        if isExpired {
            return request.queryParameters["X-Amz-Signature"] != nil
                ? ObjectStoreError.s3(status: 403, code: "AccessDenied", message: "Request has expired")
                : ObjectStoreError.s3(status: 400, code: "ExpiredToken", message: "The provided token has expired.")
        }
        let verifier = SigV4Verifier(
            region: FakeKeboola.Provider.aws.region, credentials: credentials.values.map(\.credential), now: now)
        let accessKeyID: String
        do {
            accessKeyID = try verifier.verify(
                method: request.method, path: request.path, query: request.query, headers: request.headers)
        } catch {
            return ObjectStoreError.s3(error)
        }
        let scope = credentials[accessKeyID]?.scope ?? ""
        guard scope.isEmpty || "\(bucket)/\(key)".hasPrefix(scope) else {
            return ObjectStoreError.s3(status: 403, code: "AccessDenied", message: "Access Denied")
        }
        guard let object, object.provider == .aws else {
            return bucket == FakeKeboola.Provider.aws.filesBucket
                ? ObjectStoreError.s3(
                    status: 404, code: "NoSuchKey", message: "The specified key does not exist.", details: ["Key": key])
                : ObjectStoreError.s3(
                    status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist.",
                    details: ["BucketName": bucket])
        }
        return try await serve(
            object, request,
            invalidRange: ObjectStoreError.s3(
                status: 416, code: "InvalidRange", message: "The requested range is not satisfiable"))
    }

    private func gcs(bucket: String, key: String, route: KeboolaRoute, _ request: IncomingRequest, isExpired: Bool)
        async throws -> Response
    {
        let isJSON = if case .gcsJSON = route { true } else { false }
        let parameters = request.queryParameters
        let signedPath = "/" + request.path.dropFirst("/gcs/".count)
        let (tokens, object, now, expectedSignature) = store.state.withLock { state in
            (
                state.gcsTokens, state.objects[ObjectAddress(bucket: bucket, key: key)], state.now,
                state.googleSignature(
                    path: signedPath, date: parameters["X-Goog-Date"] ?? "", expires: parameters["X-Goog-Expires"] ?? ""
                )
            )
        }
        if isExpired {
            return isJSON
                ? ObjectStoreError.gcsJSON(status: 401, message: "Invalid Credentials", reason: "authError")
                : ObjectStoreError.gcsXML(status: 400, code: "ExpiredToken", message: "The provided token has expired.")
        }
        if !isJSON, let signature = parameters["X-Goog-Signature"] {
            guard signature == expectedSignature, let signedAt = SignedParts.date(parameters["X-Goog-Date"] ?? ""),
                let seconds = Int(parameters["X-Goog-Expires"] ?? "")
            else {
                return ObjectStoreError.gcsXML(
                    status: 403, code: "SignatureDoesNotMatch",
                    message: "The request signature we calculated does not match the signature you provided.")
            }
            guard now < signedAt.addingTimeInterval(TimeInterval(seconds)) else {
                return ObjectStoreError.gcsXML(status: 400, code: "ExpiredToken", message: "Invalid argument.")
            }
        } else {
            let authorization = request.header("authorization") ?? ""
            let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : ""
            guard let scope = tokens[token] else {
                return isJSON
                    ? ObjectStoreError.gcsJSON(status: 401, message: "Invalid Credentials", reason: "authError")
                    : ObjectStoreError.gcsXML(
                        status: 401, code: "AuthenticationRequired", message: "Authentication required.")
            }
            guard "\(bucket)/\(key)".hasPrefix(scope) else {
                let message =
                    "kbc-files@fake-project.iam.gserviceaccount.com does not have storage.objects.get access to the Google Cloud Storage object."
                return isJSON
                    ? ObjectStoreError.gcsJSON(status: 403, message: message, reason: "forbidden")
                    : ObjectStoreError.gcsXML(status: 403, code: "AccessDenied", message: message)
            }
        }
        guard let object, object.provider == .gcp else {
            return isJSON
                ? ObjectStoreError.gcsJSON(status: 404, message: "No such object: \(bucket)/\(key)", reason: "notFound")
                : ObjectStoreError.gcsXML(status: 404, code: "NoSuchKey", message: "The specified key does not exist.")
        }
        if isJSON && parameters["alt"] != "media" {
            return KeboolaJSON.response([
                "kind": "storage#object", "id": "\(bucket)/\(key)", "name": key, "bucket": bucket,
                "size": String(object.size), "contentType": "application/octet-stream",
            ])
        }
        return try await serve(
            object, request,
            invalidRange: ObjectStoreError.gcsJSON(
                status: 416, message: "Requested range not satisfiable", reason: "requestedRangeNotSatisfiable"))
    }

    private func azure(account: String, container: String, blob: String, _ request: IncomingRequest, isExpired: Bool)
        async throws -> Response
    {
        let parameters = request.queryParameters
        let expiry = parameters["se"] ?? ""
        let (object, now, expectedSignature) = store.state.withLock { state in
            (
                state.objects[ObjectAddress(bucket: container, key: blob)], state.now,
                state.sasSignature(container: container, expiry: expiry)
            )
        }
        let failed =
            "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature."
        guard account == FakeKeboola.azureAccount, let sig = parameters["sig"], parameters["sr"] == "c",
            parameters["sp"]?.contains("r") == true, sig == expectedSignature
        else {
            return ObjectStoreError.azure(
                status: 403, code: "AuthenticationFailed", message: failed,
                detail: "Signature did not match. String to sign used was r\n\n\(expiry)\n/blob/\(account)/\(container)"
            )
        }
        let expiresAt = try? Date(expiry, strategy: .iso8601)
        guard !isExpired, let expiresAt, now < expiresAt else {
            return ObjectStoreError.azure(
                status: 403, code: "AuthenticationFailed", message: failed,
                detail: "Signed expiry time [\(expiry)] must be after signed start time [\(KeboolaDate.aws(now))]")
        }
        guard let object, object.provider == .azure else {
            return ObjectStoreError.azure(
                status: 404, code: "BlobNotFound", message: "The specified blob does not exist.", detail: nil)
        }
        return try await serve(
            object, request,
            invalidRange: ObjectStoreError.azure(
                status: 416, code: "InvalidRange",
                message: "The range specified is invalid for the current size of the resource.", detail: nil))
    }

    /// The object, whole or the single `Range: bytes=…` asked for (206); files stream in chunks.
    private func serve(_ object: StoredObject, _ request: IncomingRequest, invalidRange: Response) async throws
        -> Response
    {
        var headers: HTTPFields = [
            .contentType: "application/octet-stream", .acceptRanges: "bytes",
            .eTag: "\"\(object.fileID)-\(object.size)\"",
        ]
        var range = 0..<object.size
        var status = 200
        if let header = request.header("range") {
            guard let requested = ByteRange.parse(header, size: object.size) else { return invalidRange }
            range = requested
            status = 206
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(object.size)"
        }
        let body: ResponseBody
        switch object.body {
        case .bytes(let data):
            let start = data.startIndex + range.lowerBound
            body = ResponseBody(byteBuffer: ByteBuffer(bytes: data[start..<start + range.count]))
        case .file(let url, _):
            body =
                range.isEmpty
                ? ResponseBody()
                : try await FileIO().loadFile(
                    path: url.path, range: range.lowerBound...(range.upperBound - 1), context: request.context,
                    chunkLength: 256 << 10)
        }
        return Response(status: .init(code: status), headers: headers, body: body)
    }
}
