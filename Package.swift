// swift-tools-version:6.0
import Foundation
import PackageDescription

// Debian's multiarch folder of the host's libraries (the release link takes libsqlite3.a there).
#if arch(arm64)
let multiarch = "aarch64-linux-gnu"
#else
let multiarch = "x86_64-linux-gnu"
#endif

// The C++ runtime's archive of the GCC whose libstdc++.so the link finds (the newest that has one,
// as the toolchain's clang picks it), for the release link: nil when there is none.
let libstdcxxArchive: String? = {
    let folder = "/usr/lib/gcc/\(multiarch)"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { Int($0) }
    guard let version = versions.sorted().last(where: { FileManager.default.fileExists(atPath: "\(folder)/\($0)/libstdc++.so") })
    else { return nil }
    let archive = "\(folder)/\(version)/libstdc++.a"
    return FileManager.default.fileExists(atPath: archive) ? archive : nil
}()

// Linux only: the sources import Glibc throughout, so no Apple platform is declared.
let package = Package(
    name: "coclick",
    products: [
        .executable(name: "coclick", targets: ["coclick"])
    ],
    dependencies: [
        // The command line front: subcommands, ValidationError, completion scripts.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // HTTP client with a shared connection pool and timeouts (CoClickAPI).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        // The sandbox's HTTP server (CoClickSandbox).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // TLS settings of the client: extra trusted roots (SSL_CERT_FILE / SSL_CERT_DIR).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The sandbox stops gracefully (ServiceGroup): connections accepted and not yet served
        // are served, not dropped (NIO traps on an async channel dropped unfinished).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // config.toml: a maintained TOML parser instead of a hand-written one.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // RFC 4180 CSV reading and writing for csv.encode/decode.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        // The state database (coclick.state, run history, the at-most-once creation journal):
        // SQLite through a maintained package rather than hand-written C bindings.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // secret_key_command's child process: spawning with every signal at its default, its own
        // process group, the pipe read without blocking a thread and ended when the child exits
        // even if a grandchild holds it open, the group killed on teardown (CoClickConfig).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // FileDescriptor: reads and writes that retry EINTR, writes in full (CoClickPOSIX,
        // CoClickAPI, CoClickConfig, CoClickRunner) instead of hand-written read/write loops.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // Lua 5.4 from Debian's liblua5.4-dev; the header re-exposes Lua's macros to Swift.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // C side of the Lua bridge: everything that may raise (longjmp) lives here.
        .target(name: "CLuaSupport", dependencies: ["CLua"]),
        // The `json` helper's codec, in C (it raises Lua errors freely); depends on Lua alone.
        .target(name: "CLuaJSON", dependencies: ["CLua"]),
        // libedit (BSD), never GNU readline: its header (histedit.h) alone. Nothing links it (no
        // pkg-config, whose flags would add -ledit): CEditLineShim loads libedit.so.2 (dlopen)
        // when the REPL opens its editor, so no other start maps it and its dependencies.
        .systemLibrary(
            name: "CEditLine",
            providers: [.apt(["libedit-dev"])]
        ),
        // The one signal owner (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH): the only sigaction
        // calls for them, a stack of subscriptions, an eventfd each. Prefix csig_.
        .target(name: "CSignals"),
        // The completion hook and libedit's globals, kept in C; libedit loaded by the first
        // editor; Ctrl-C at the prompt through a subscription to CSignals.
        .target(name: "CEditLineShim", dependencies: ["CEditLine", "CSignals"]),

        // Raw POSIX pieces the Lua runtime, the configuration, the runner and the REPL share: a
        // write in full to a descriptor, and SignalSubscription (the Swift side of CSignals).
        .target(
            name: "CoClickPOSIX",
            dependencies: ["CSignals", .product(name: "SystemPackage", package: "swift-system")]
        ),

        .target(
            name: "CoClickAPI",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "CoClickSandbox",
            dependencies: [
                // ISO8601Components and CivilCalendar: one date parser and calendar in the package.
                "CoClickAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "CoClickLua",
            dependencies: [
                "CLua", "CLuaSupport", "CLuaJSON", "CoClickAPI", "CoClickPOSIX",
                .product(name: "CSV", package: "CSV.swift"),
            ],
            // The Lua prelude (Prelude.swift), compiled into the binary as bytes.
            resources: [.embedInCode("Prelude/prelude.lua")]
        ),
        // What lasts between runs: $XDG_STATE_HOME/coclick/state.db (SQLite, through GRDB).
        .target(
            name: "CoClickState",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Configuration (flags, environment, config.toml, defaults), the key pair, the secret
        // key command and its child process, the secret prompt and its echo suppression.
        .target(
            name: "CoClickConfig",
            dependencies: [
                "CoClickPOSIX", "CoClickAPI",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The interactive loop: line editing (libedit), completion, history, printing, the pager.
        .target(
            name: "CoClickREPL",
            dependencies: ["CoClickPOSIX", "CoClickLua", "CEditLineShim"]
        ),
        // A run: the session (configuration, client, sandbox, Lua state), the run guard, exit
        // statuses, the unattended plumbing (lock, ping, report, state) and the auth, api,
        // doctor and sandbox commands.
        .target(
            name: "CoClickRunner",
            dependencies: [
                "CoClickPOSIX", "CoClickConfig", "CoClickREPL", "CoClickLua", "CoClickAPI",
                "CoClickSandbox", "CoClickState",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // scripts/bench: Swift bindings against plain C functions, json.decode against lua-cjson.
        .executableTarget(name: "CoClickLuaBench", dependencies: ["CoClickLua", "CLuaSupport"]),
        .executableTarget(
            name: "coclick",
            dependencies: [
                "CoClickRunner", "CoClickSandbox", "CoClickLua",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [
                // Release only. SQLite (GRDB) linked in from Debian's libsqlite3-dev archive, so
                // that the package depends on liblua5.4-0 and libedit2 alone (SPEC "Installing";
                // liblua5.4-0 is the one linked, libedit.so.2 is loaded by the REPL: CEditLine):
                // GRDB's autolinked -lsqlite3 comes first on the link line, where no -Bstatic of
                // ours can reach, so lld remaps the shared library it finds to the archive beside
                // it. No exported symbol table (nothing dlsym()s the executable): 3 MB smaller.
                // Relative relocations packed (RELR, glibc 2.36: Debian 12, Ubuntu 24.04): 136,000
                // of them took 3.2 MB as RELA entries. The C++ runtime (Swift's runtime, TOMLKit's
                // toml++), the unwinder and zlib (NIO's HTTP decompression) linked in the same way,
                // from their archives: 0.7 MB more, and each start no longer maps and relocates
                // libstdc++.so.6, libgcc_s.so.1 and libz.so.1 (1.1 ms of a 7.1 ms eval 'return 1').
                .unsafeFlags(
                    [
                        "-use-ld=lld",
                        "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--remap-inputs=*/libsqlite3.so=/usr/lib/\(multiarch)/libsqlite3.a",
                        "-Xlinker", "--remap-inputs=*/libz.so=/usr/lib/\(multiarch)/libz.a",
                        "-Xclang-linker", "-static-libgcc",
                    ] + (libstdcxxArchive.map { ["-Xlinker", "--remap-inputs=*/libstdc++.so=\($0)"] } ?? []),
                    .when(configuration: .release))
            ],
            plugins: ["BuildCommit"]
        ),
        // The commit `coclick --version` names, generated at build time (BuildCommit.id).
        .plugin(name: "BuildCommit", capability: .buildTool()),

        // scripts/bench: lists a 10,000-meeting sandbox through the client (release build).
        .executableTarget(name: "CoClickBench", dependencies: ["CoClickAPI", "CoClickSandbox"]),

        // The tests' one sandbox harness: a sandbox started and stopped around a test, an
        // injectable clock, waits for states.
        .target(name: "CoClickSandboxTesting", dependencies: ["CoClickSandbox", "CoClickAPI"]),

        .testTarget(
            name: "CoClickAPITests",
            dependencies: [
                "CoClickAPI", "CoClickSandbox", "CoClickSandboxTesting",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CoClickSandboxTests",
            dependencies: [
                "CoClickSandbox", "CoClickSandboxTesting",
                // Raw HTTP against the sandbox, independent of the CoClickAPI client under test elsewhere.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CoClickLuaTests", dependencies: ["CoClickLua", "CoClickAPI", "CoClickSandbox", "CoClickSandboxTesting"]),
        .testTarget(name: "CoClickConfigTests", dependencies: ["CoClickConfig"]),
        .testTarget(name: "CoClickREPLTests", dependencies: ["CoClickREPL", "CoClickLua", "CoClickAPI"]),
        .testTarget(name: "CoClickRunnerTests", dependencies: ["CoClickRunner", "CoClickConfig", "CoClickAPI"]),
        // Runs the built binary: depends on it so that `swift test` builds it first.
        .testTarget(
            name: "coclickTests",
            dependencies: [
                "coclick", "CoClickSandbox", "CoClickSandboxTesting",
                // A webhook receiver for the digest example's test.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
