/// What a request's `Accept-Encoding` says about gzip (RFC 9110 §12.5.3).
///
/// `gzip` (or its alias `x-gzip`) with a weight above 0 allows it; without a `gzip` entry, `*` decides;
/// `gzip;q=0` refuses it even when `*` allows everything. No header, an empty one, or only other codings
/// means the body is sent as it is. A weight that is not a valid qvalue (`0` to `1`, at most three
/// decimals) counts as 0: a client that writes nonsense gets the plain body, which it can always read.
///
/// ```swift
/// AcceptEncoding.allowsGzip(["br, gzip;q=0.5"])  // true
/// AcceptEncoding.allowsGzip(["*, gzip;q=0"])     // false
/// ```
enum AcceptEncoding {
    static func allowsGzip(_ fieldValues: [String]) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        for field in fieldValues {
            for element in field.split(separator: ",") {
                let parameters = element.split(separator: ";")
                guard let first = parameters.first else { continue }
                let coding = first.trimmedOfWhitespace.lowercased()
                var weight = 1.0
                for parameter in parameters.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    guard pair.first?.trimmedOfWhitespace.lowercased() == "q" else { continue }
                    weight = pair.count == 2 ? qvalue(pair[1].trimmedOfWhitespace) : 0
                }
                switch coding {
                case "gzip", "x-gzip": gzip = max(gzip ?? 0, weight)
                case "*": wildcard = max(wildcard ?? 0, weight)
                default: break
                }
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`; anything else is 0.
    static func qvalue(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard let lead = bytes.first, lead == UInt8(ascii: "0") || lead == UInt8(ascii: "1") else { return 0 }
        if bytes.count == 1 { return lead == UInt8(ascii: "1") ? 1 : 0 }
        let decimals = bytes.dropFirst(2)
        guard bytes[1] == UInt8(ascii: "."), decimals.count <= 3,
            decimals.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return 0 }
        if lead == UInt8(ascii: "1") { return decimals.allSatisfy { $0 == UInt8(ascii: "0") } ? 1 : 0 }
        return Double(text) ?? 0
    }
}
