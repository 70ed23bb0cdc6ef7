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
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty {
            guard let loaded = pemCertificates(file), !loaded.isEmpty else {
                throw LoadError(description: "SSL_CERT_FILE=\(file): cannot read a PEM certificate from it")
            }
            certificates += loaded
        }
        if let folders = environment["SSL_CERT_DIR"], !folders.isEmpty {
            for folder in folders.split(separator: ":").map(String.init) {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                    throw LoadError(description: "SSL_CERT_DIR: cannot list \(folder)")
                }
                // Other files (READMEs, CRLs) may sit beside the certificates: skipped.
                let loaded = names.sorted().flatMap { pemCertificates(folder + "/" + $0) ?? [] }
                guard !loaded.isEmpty else {
                    throw LoadError(description: "SSL_CERT_DIR: \(folder) holds no PEM certificate")
                }
                certificates += loaded
            }
        }
        return ExtraTrustRoots(certificates: certificates)
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
