extension FakeKeboola.Provider {
    /// The file's `provider` value and `owner.fileStorageProvider` of token verification.
    var name: String {
        switch self {
        case .aws: "aws"
        case .gcp: "gcp"
        case .azure: "azure"
        }
    }

    /// The stack's region: the S3 SigV4 scope must name it.
    var region: String {
        switch self {
        case .aws: "eu-central-1"
        case .gcp: "europe-west3"
        case .azure: "northeurope"
        }
    }

    /// The files bucket (S3, GCS); Azure uses a container per file in ``FakeKeboola/azureAccount``.
    var filesBucket: String {
        switch self {
        case .aws: "kbc-sapi-files"
        case .gcp: "kbc-fake-files-storage"
        case .azure: ""
        }
    }
}
