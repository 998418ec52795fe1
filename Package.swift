// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Madoguchi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "madoguchi", targets: ["madoguchi"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Pure domain: registry values, calendars, facilities. Foundation only.
        .target(name: "MadoguchiDomain"),
        // Storage: SQLite through GRDB and PostgreSQL through PostgresNIO, one SQL for both; migrations, stores.
        .target(
            name: "MadoguchiStore",
            dependencies: [
                "MadoguchiDomain",
                "MadoguchiPKI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteTuning",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // One process-wide SQLite setting Swift cannot reach (a variadic C function).
        .systemLibrary(name: "CSQLiteTuning", path: "Sources/CSQLiteTuning", providers: [.apt(["libsqlite3-dev"])]),
        // The synthetic demo city (never real people).
        .target(
            name: "MadoguchiDemo",
            dependencies: ["MadoguchiDomain", "MadoguchiStore", "MadoguchiImport", .product(name: "GRDB", package: "GRDB.swift")]),
        // Import of residents from the core 住民記録 system (CSV, UTF-8 or CP932).
        .target(name: "MadoguchiImport", dependencies: ["MadoguchiDomain", "MadoguchiStore"]),
        // System libraries for documents: cairo (seal images and the 地紋 rasterised, the PDF canvas for sheets'
        // raster parts), librsvg (seal images), libqrencode (QR symbols), HarfBuzz (shaping and subsetting, IVS).
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CRsvg", path: "Sources/CRsvg", pkgConfig: "librsvg-2.0", providers: [.apt(["librsvg2-dev"])]),
        .systemLibrary(
            name: "CQREncode", path: "Sources/CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // HarfBuzz (shaping with IVS, for the certificate's own PDF writer), fontconfig (where a font's file is), zlib.
        .systemLibrary(
            name: "CHarfBuzz", path: "Sources/CHarfBuzz", pkgConfig: "harfbuzz",
            providers: [.apt(["libharfbuzz-dev", "libfontconfig-dev", "zlib1g-dev"])]),
        // Document-signing keys, compact JWS (ES256), JWKS; later the card authority.
        .target(
            name: "MadoguchiPKI",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Certificate layouts rendered to PDF.
        .target(
            name: "MadoguchiDocuments", dependencies: ["MadoguchiDomain", "CCairo", "CRsvg", "CQREncode", "CHarfBuzz"]),
        // Use cases: request → eligibility → fee → ledger → certificate; void; reprint.
        .target(
            name: "MadoguchiIssuance",
            dependencies: [
                "MadoguchiDomain", "MadoguchiStore", "MadoguchiDocuments", "MadoguchiPKI",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // HTTP: JSON API and pages.
        .target(
            name: "MadoguchiServer",
            dependencies: [
                "MadoguchiDomain",
                "MadoguchiDocuments",
                "MadoguchiImport",
                .product(name: "GRDB", package: "GRDB.swift"),
                "MadoguchiStore",
                "MadoguchiIssuance",
                "MadoguchiPKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The pages' templates, style sheets and script, compiled into the binary (no resource bundle to lose
            // when the binary is copied to a server).
            resources: [.embedInCode("Views/Templates"), .embedInCode("Views/Assets")]
        ),
        // The store ↔ city relay (stateless), the kiosk protocol client and the store copier simulator.
        .target(
            name: "MadoguchiHub",
            dependencies: [
                "MadoguchiDomain",
                "MadoguchiPKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            // The store copier's touch screen, compiled into the binary.
            resources: [.embedInCode("Assets")]
        ),
        // The one executable: a thin shell over the library targets.
        .executableTarget(
            name: "madoguchi",
            dependencies: [
                "MadoguchiDomain",
                "MadoguchiStore",
                "MadoguchiDemo",
                "MadoguchiImport",
                "MadoguchiIssuance",
                "MadoguchiPKI",
                "MadoguchiDocuments",
                "MadoguchiServer",
                "MadoguchiHub",
                "MadoguchiProcess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "MadoguchiDomainTests", dependencies: ["MadoguchiDomain"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MadoguchiStoreTests",
            dependencies: ["MadoguchiDomain", "MadoguchiStore", "MadoguchiDemo", "MadoguchiImport", "MadoguchiTestSupport"]
        ),
        .testTarget(
            name: "MadoguchiEvaluationTests",
            dependencies: [
                "MadoguchiDomain", "MadoguchiImport", "MadoguchiStore", "MadoguchiDocuments", "MadoguchiTestSupport", "MadoguchiDemo",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "MadoguchiServerTests",
            dependencies: [
                "MadoguchiServer", "MadoguchiStore", "MadoguchiDemo", "MadoguchiImport", "MadoguchiTestSupport", "MadoguchiIssuance", "MadoguchiPKI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "MadoguchiPKITests",
            dependencies: [
                "MadoguchiPKI", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // Child processes started with nothing of this process's but what they are given, waited for with a limit: the
        // tests' checkers and daemons, and the benches' cities and hubs.
        .target(name: "MadoguchiProcess"),
        // Helpers for tests only: poppler and friends read real files back; both storage engines for the contract suite.
        .target(name: "MadoguchiTestSupport", dependencies: ["MadoguchiStore", "MadoguchiProcess"], path: "Sources/MadoguchiTestSupport"),
        .testTarget(
            name: "MadoguchiDocumentsTests",
            dependencies: [
                "MadoguchiDocuments", "MadoguchiDomain", "MadoguchiPKI", "MadoguchiTestSupport",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates"),
            ]),
        .testTarget(
            name: "MadoguchiIssuanceTests",
            dependencies: [
                "MadoguchiIssuance", "MadoguchiStore", "MadoguchiDemo", "MadoguchiDomain", "MadoguchiTestSupport", "MadoguchiPKI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "MadoguchiCLITests",
            dependencies: [
                "MadoguchiDomain", "MadoguchiStore", "MadoguchiIssuance", "MadoguchiDocuments", "MadoguchiTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
