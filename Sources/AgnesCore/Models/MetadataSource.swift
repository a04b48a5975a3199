/// Who wrote a row of column metadata, table metadata or a metric definition (its `source` column).
///
/// The OpenMetadata export owns only the rows it wrote itself (``openMetadata``): it replaces and
/// removes those, and leaves every other row, above all what an admin wrote by hand, as it is.
public enum MetadataSource {
    /// Written by a person through the admin routes (the default of the columns).
    public static let manual = "manual"
    /// Imported from a YAML file of metrics.
    public static let yamlImport = "yaml_import"
    /// Exported from the OpenMetadata catalog by the `catalog-export` job.
    public static let openMetadata = "openmetadata"
    /// Keboola's own table and column descriptions and types, written by the Keboola sync.
    public static let keboola = "keboola"
}
