import Foundation

extension KeboolaJSON {
    /// A `tableExport` job (apiary "Asynchronous Export" 202 body, "Job detail").
    static func job(_ job: ExportJob, base: String) -> [String: Any] {
        var json: [String: Any] = [
            "id": job.id, "status": job.status, "url": base + "/v2/storage/jobs/\(job.id)", "tableId": job.tableID,
            "operationName": "tableExport", "operationParams": ["export": job.parameters.json, "queue": "main_fast"],
            "createdTime": date(job.created), "startTime": date(job.started), "endTime": date(job.ended),
            "runId": NSNull(), "results": NSNull(), "creatorToken": creatorToken,
            "metrics": [
                "inCompressed": false, "inBytes": 0, "inBytesUncompressed": 0, "outCompressed": false, "outBytes": 0,
                "outBytesUncompressed": 0,
            ],
        ]
        switch job.status {
        case "success":
            json["results"] = ["file": ["id": job.fileID], "cacheHit": false]
        case "error":
            json["error"] = ["code": "storage.jobs.failed", "message": job.failure ?? "", "exceptionId": exceptionID()]
        default:
            break
        }
        return json
    }

    /// A file's detail (apiary "File detail"; keboola-sdk-go `File`), with download credentials when issued.
    static func file(_ file: ExportFile, url: String, credentials: IssuedCredentials?, base: String) -> [String: Any] {
        var json: [String: Any] = [
            "id": file.id, "created": date(file.created), "isPublic": false, "isSliced": true, "isEncrypted": true,
            "name": file.name, "url": url, "provider": file.provider.name, "region": file.provider.region,
            "sizeBytes": file.sizeBytes, "tags": ["table-export"], "maxAgeDays": 15, "runId": NSNull(),
            "runIds": [Any](), "creatorToken": creatorToken, "fileType": "csv",
        ]
        switch file.provider {
        case .aws: json["s3Path"] = ["bucket": file.bucket, "key": file.keyPrefix]
        case .gcp: json["gcsPath"] = ["bucket": file.bucket, "key": file.keyPrefix]
        case .azure: json["absPath"] = ["container": file.bucket, "name": file.keyPrefix]
        }
        switch credentials {
        case .aws(let credential):
            json["credentials"] = [
                "AccessKeyId": credential.accessKeyID, "SecretAccessKey": credential.secretAccessKey,
                "SessionToken": credential.sessionToken ?? "", "Expiration": KeboolaDate.aws(credential.expiration!),
            ]
        case .gcs(let accessToken):
            json["gcsCredentials"] = [
                "access_token": accessToken, "token_type": "Bearer", "expires_in": 3599,
                "projectId": "kbc-fake-project",
            ]
        case .azure(let sas, let expiration):
            json["absCredentials"] = [
                "SASConnectionString":
                    "BlobEndpoint=\(base)/azure/\(FakeKeboola.azureAccount);SharedAccessSignature=\(sas)",
                "expiration": date(expiration),
            ]
        case nil:
            break
        }
        return json
    }

    /// `GET /tokens/verify` (apiary "Token verification"): a master token of project 578.
    static func verification(token: String, provider: FakeKeboola.Provider, bucketIDs: [String], base: String)
        -> [String: Any]
    {
        let created = KeboolaDate.storage(KeboolaDate.epoch.addingTimeInterval(-86_400))
        return [
            "id": "27978", "created": created, "refreshed": created, "description": "fake-keboola token",
            "uri": base + "/v2/storage/tokens/27978", "isMasterToken": true, "canManageBuckets": true,
            "canManageTokens": true, "canReadAllFileUploads": true, "canPurgeTrash": true,
            "canManageProtectedDefaultBranch": false, "canCreateJobs": false, "expires": NSNull(), "isExpired": false,
            "isDisabled": false, "dailyCapacity": 0, "token": token,
            "bucketPermissions": phpMap(Dictionary(bucketIDs.map { ($0, "manage" as Any) }) { first, _ in first }),
            "creatorToken": ["id": 1, "description": "dev@example.com"], "componentAccess": [Any](),
            "admin": [
                "id": 124, "name": "Fake Admin", "features": [Any](), "isOrganizationMember": true, "role": "admin",
            ],
            "organization": ["id": 123],
            "owner": [
                "name": "Fake project", "id": "578", "type": "production", "region": provider.region,
                "created": created, "expires": NSNull(), "features": [Any](), "dataSizeBytes": 0, "rowsCount": 0,
                "hasSnowflake": true, "hasBigquery": false, "defaultBackend": "snowflake",
                "limits": ["storage.jobsParallelism": ["name": "storage.jobsParallelism", "value": 10]],
                "metrics": [String: Any](), "isDisabled": false, "dataRetentionTimeInDays": 7,
                "assignedBackends": ["snowflake"], "fileStorageProvider": provider.name,
            ],
        ]
    }

    static var creatorToken: [String: Any] { ["id": "27978", "description": "fake-keboola token"] }
}
