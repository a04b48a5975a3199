// swift-tools-version: 6.1
import Foundation
import PackageDescription

// DuckDB comes from the `duckdb` PyPI wheel, unpacked by scripts/setup.sh into .duckdb/lib.
let duckDBLibDir = Context.packageDirectory + "/.duckdb/lib"
if !FileManager.default.fileExists(atPath: duckDBLibDir + "/libduckdb.so") {
    print("warning: DuckDB is not installed at \(duckDBLibDir); run scripts/setup.sh first")
}

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "agnes",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agnes", targets: ["agnes"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(name: "CDuckDB", path: "Sources/CDuckDB/include"),
        .systemLibrary(
            name: "CArgon2", path: "Sources/CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "DuckDB",
            dependencies: ["CDuckDB"],
            swiftSettings: strictSettings,
            linkerSettings: [
                .unsafeFlags(["-L\(duckDBLibDir)", "-Xlinker", "-rpath", "-Xlinker", duckDBLibDir])
            ]
        ),
        .target(
            name: "AgnesCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesStore",
            dependencies: [
                "AgnesCore", "DuckDB",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesData",
            dependencies: [
                "AgnesCore", "AgnesStore", "DuckDB",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesConnectors",
            dependencies: [
                "AgnesCore", "AgnesData", "AgnesAuth", "DuckDB", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesJobs",
            dependencies: [
                "AgnesCore", "AgnesStore", "AgnesData", "AgnesConnectors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesAuth",
            dependencies: [
                "AgnesCore", "AgnesStore", "DuckDB", "CArgon2",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesIntelligence",
            dependencies: [
                "AgnesCore", "AgnesConnectors", "AgnesStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesServer",
            dependencies: [
                "AgnesCore", "AgnesStore", "AgnesData", "AgnesConnectors", "AgnesJobs", "AgnesAuth", "AgnesMail",
                "AgnesClient", "AgnesIntelligence",
                "DuckDB", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesMail",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesCLI",
            dependencies: [
                "AgnesClient", "AgnesCore", "AgnesStore", "DuckDB",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "agnes",
            dependencies: [
                "AgnesCore", "AgnesStore", "AgnesData", "AgnesConnectors", "AgnesJobs", "AgnesServer", "AgnesClient",
                "AgnesCLI",
                "DuckDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "agnes-bench",
            dependencies: [
                "DuckDB", "AgnesCore", "AgnesData", "AgnesStore", "AgnesAuth", "AgnesJobs", "AgnesServer",
                "AgnesConnectors", "AgnesIntelligence",
                "AgnesFakes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/Sources/agnes-bench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesIntelligenceTests",
            dependencies: ["AgnesIntelligence", "AgnesCore", "AgnesConnectors", "AgnesStore", "AgnesFakes"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "DuckDBTests", dependencies: ["DuckDB", "AgnesTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "AgnesCoreTests",
            dependencies: ["AgnesCore", "AgnesTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesDataTests",
            dependencies: [
                "AgnesData", "AgnesConnectors", "AgnesStore", "AgnesCore", "DuckDB",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesAuthTests",
            dependencies: [
                "AgnesAuth", "AgnesStore", "AgnesCore", "AgnesTestSupport", "DuckDB",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesServerTests",
            dependencies: [
                "AgnesServer", "AgnesAuth", "AgnesConnectors", "AgnesData", "AgnesJobs", "AgnesStore", "AgnesCore",
                "AgnesMail", "AgnesTestSupport", "AgnesIntelligence",
                "AgnesFakes",
                "DuckDB",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesTestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/AgnesTestSupport",
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AgnesFakes",
            dependencies: [
                "CZlib", "DuckDB",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/AgnesFakes",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesConnectorsTests",
            dependencies: [
                "AgnesConnectors", "AgnesData", "AgnesCore", "AgnesFakes", "AgnesTestSupport", "DuckDB",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesMailTests",
            dependencies: [
                "AgnesMail", "AgnesTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesCLITests",
            dependencies: [
                "AgnesCLI", "AgnesClient", "AgnesCore", "AgnesFakes", "AgnesStore", "AgnesTestSupport", "DuckDB",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AgnesStoreTests",
            dependencies: ["AgnesStore", "AgnesCore", "DuckDB", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
    ]
)
