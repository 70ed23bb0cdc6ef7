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
        var certificates: [NIOSSLCertificate] = []
        // Each file is read once, by its real path: a folder such as /etc/ssl/certs names every
        // certificate two or three times (links by name and by hash) and holds the bundle that
        // SSL_CERT_FILE often names too.
        var loadedFrom: Set<String> = []
        var refused: Set<String> = []
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty {
            let real = realPath(file)
            guard let loaded = pemCertificates(real), !loaded.isEmpty else {
                throw LoadError(description: "SSL_CERT_FILE=\(file): cannot read a PEM certificate from it")
            }
            loadedFrom.insert(real)
            certificates += loaded
        }
        if let folders = environment["SSL_CERT_DIR"], !folders.isEmpty {
            for folder in folders.split(separator: ":").map(String.init) {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                    throw LoadError(description: "SSL_CERT_DIR: cannot list \(folder)")
                }
                // Other files (READMEs, CRLs) may sit beside the certificates: skipped.
                var any = false
                for name in names.sorted() {
                    let path = folder + "/" + name
                    let real = realPath(path)
                    if loadedFrom.contains(real) {
                        any = true  // read already: a link to it, or SSL_CERT_FILE's bundle
                    } else if !refused.contains(real) {
                        // Read where a link leads (a folder laid out by c_rehash holds links).
                        if let loaded = pemCertificates(real), !loaded.isEmpty {
                            certificates += loaded
                            loadedFrom.insert(real)
                            any = true
                        } else {
                            refused.insert(real)
                        }
                    }
                }
                guard any else {
                    throw LoadError(description: "SSL_CERT_DIR: \(folder) holds no PEM certificate")
                }
            }
        }
        return ExtraTrustRoots(certificates: certificates)
    }

    /// The path with its links resolved (itself when it cannot be resolved).
    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private init(certificates: [NIOSSLCertificate]) { self.certificates = certificates }

    /// The certificates of a regular PEM file; nil when it is not one.
    private static func pemCertificates(_ path: String) -> [NIOSSLCertificate]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            (attributes[.size] as? Int ?? 0) <= 4 << 20
        else { return nil }
        return try? NIOSSLCertificate.fromPEMFile(path)
    }
}
