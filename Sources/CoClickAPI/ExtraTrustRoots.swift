import Foundation
import NIOSSL

/// Certificate authorities trusted besides the system's, named as OpenSSL's tools name them:
/// `SSL_CERT_FILE` (a PEM file, several certificates allowed) and `SSL_CERT_DIR` (folders,
/// `:`-separated, whose PEM files each hold certificates). A company's TLS-inspecting proxy
/// needs its root here; nothing turns verification off.
public struct ExtraTrustRoots: Sendable {
    let certificates: [NIOSSLCertificate]

    public init() { certificates = [] }

    /// How many certificates were loaded.
    public var count: Int { certificates.count }

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The roots the environment names (none when it names none).
    /// - Throws: `LoadError` naming the variable and path, when a file cannot be read or holds
    ///   no PEM certificate, or a folder cannot be listed or holds none: a root the user meant
    ///   to trust is never dropped silently.
    public static func from(environment: [String: String]) throws(LoadError) -> ExtraTrustRoots {
        var loader = Loader()
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty {
            guard loader.load(file) else {
                throw LoadError(description: "SSL_CERT_FILE=\(file): cannot read a PEM certificate from it")
            }
        }
        if let folders = environment["SSL_CERT_DIR"], !folders.isEmpty {
            for folder in folders.split(separator: ":").map(String.init) {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                    throw LoadError(description: "SSL_CERT_DIR: cannot list \(folder)")
                }
                // Other files (READMEs, CRLs) may sit beside the certificates: skipped.
                var any = false
                for name in names.sorted() where loader.load(folder + "/" + name) { any = true }
                guard any else {
                    throw LoadError(description: "SSL_CERT_DIR: \(folder) holds no PEM certificate")
                }
            }
        }
        return ExtraTrustRoots(certificates: loader.certificates)
    }

    /// Reads each file once, by its real path, and parses each certificate once, by its PEM
    /// text: a folder such as /etc/ssl/certs names every certificate two or three times (links
    /// by name and by hash) beside the bundle, which SSL_CERT_FILE often names too. Parsing was
    /// the cost: 300 certificates, 20 ms of every run that set both variables.
    private struct Loader {
        var certificates: [NIOSSLCertificate] = []
        private var parsed: Set<[UInt8]> = []
        private var holding: Set<String> = []
        private var refused: Set<String> = []

        /// Whether the file at `path` (a link followed) holds a PEM certificate; its new ones
        /// are added.
        mutating func load(_ path: String) -> Bool {
            let real = ExtraTrustRoots.realPath(path)
            if holding.contains(real) { return true }
            if refused.contains(real) { return false }
            var any = false
            for block in ExtraTrustRoots.pemBlocks(real) ?? [] {
                if parsed.contains(block) {
                    any = true
                } else if let certificate = try? NIOSSLCertificate(bytes: block, format: .pem) {
                    certificates.append(certificate)
                    parsed.insert(block)
                    any = true
                }
            }
            if any { holding.insert(real) } else { refused.insert(real) }
            return any
        }
    }

    /// The path with its links resolved (itself when it cannot be resolved).
    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The PEM certificate blocks of a regular file of at most 4 MiB; nil when it is not one.
    private static func pemBlocks(_ path: String) -> [[UInt8]]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            (attributes[.size] as? Int ?? 0) <= 4 << 20,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        let text = [UInt8](data.prefix(4 << 20))
        let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
        let end = Array("-----END CERTIFICATE-----".utf8)
        var blocks: [[UInt8]] = []
        var from = 0
        while let start = find(begin, in: text, from: from), let stop = find(end, in: text, from: start + begin.count) {
            blocks.append(Array(text[start..<stop + end.count]) + [0x0A])
            from = stop + end.count
        }
        return blocks
    }

    /// The offset of `needle` in `text` at or after `from`: `memchr` to each candidate first
    /// byte (a dash: only the markers have them in PEM), `memcmp` there. (Foundation's
    /// `firstRange(of:)` took 8 ms over a 200 KB bundle.)
    private static func find(_ needle: [UInt8], in text: [UInt8], from: Int) -> Int? {
        text.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { pattern -> Int? in
                guard let base = haystack.baseAddress, let key = pattern.baseAddress, let first = needle.first else {
                    return nil
                }
                var at = from
                while haystack.count - at >= pattern.count {
                    guard let hit = memchr(base + at, Int32(first), haystack.count - pattern.count + 1 - at) else {
                        return nil
                    }
                    at = UnsafeRawPointer(hit) - base
                    if memcmp(base + at, key, pattern.count) == 0 { return at }
                    at += 1
                }
                return nil
            }
        }
    }

    private init(certificates: [NIOSSLCertificate]) { self.certificates = certificates }
}
