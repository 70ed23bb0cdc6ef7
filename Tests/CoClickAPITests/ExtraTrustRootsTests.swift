import CoClickAPI
import Foundation
import Testing

/// Extra trusted roots from `SSL_CERT_FILE` and `SSL_CERT_DIR`: every certificate named is
/// loaded, each file read once and each certificate parsed once (a folder such as
/// /etc/ssl/certs names a certificate by its name and by hash links, beside the bundle
/// SSL_CERT_FILE names), and a root the user meant to trust is never dropped silently.
@Suite("Extra trust roots")
struct ExtraTrustRootsTests {
    /// Two self-signed certificates (P-256, made for these tests; their keys were discarded).
    static let first = """
        -----BEGIN CERTIFICATE-----
        MIIBhzCCAS2gAwIBAgIUczBop7M+rW022oFpMHEgv/DOlYIwCgYIKoZIzj0EAwIw
        GTEXMBUGA1UEAwwOY29jbGljay10ZXN0LWEwHhcNMjYxMjAyMjEzNzM0WhcNMzYx
        MTI5MjEzNzM0WjAZMRcwFQYDVQQDDA5jb2NsaWNrLXRlc3QtYTBZMBMGByqGSM49
        AgEGCCqGSM49AwEHA0IABEBg/DFa3J4zb8o62+8yXKRL6kgFkrQSZbvaQ1auK8Lh
        Cd6UrNJxccbuXIkaIlgMRMH0oA/EvnHuZ9GSK/DZFA2jUzBRMB0GA1UdDgQWBBQq
        YZhUlqBwA55qwS/k3VtrKfaPmDAfBgNVHSMEGDAWgBQqYZhUlqBwA55qwS/k3Vtr
        KfaPmDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIHb/rzjaD7dB
        7Ra+KVbPAb9RprhXQ0zmnqlUyAvjFuTbAiEA2ouSgX25ZvZ391LBENPvALMC1VY1
        NcTu9sMZZbdVkSo=
        -----END CERTIFICATE-----
        """
    static let second = """
        -----BEGIN CERTIFICATE-----
        MIIBiDCCAS2gAwIBAgIUCR1bWjtWY5de8D1old1UaQ87UogwCgYIKoZIzj0EAwIw
        GTEXMBUGA1UEAwwOY29jbGljay10ZXN0LWIwHhcNMjYxMjAyMjEzNzM0WhcNMzYx
        MTI5MjEzNzM0WjAZMRcwFQYDVQQDDA5jb2NsaWNrLXRlc3QtYjBZMBMGByqGSM49
        AgEGCCqGSM49AwEHA0IABKWqApjmCPPZKglEA3+XpkIxIVQcqya5YU5ZtF2YVe8A
        OOdAvf+tqB54csyRU0LujvOQizAy2xlfx8DewqxovSGjUzBRMB0GA1UdDgQWBBRG
        yCit/4MC0ww21D6s9SugZ/3p2DAfBgNVHSMEGDAWgBRGyCit/4MC0ww21D6s9Sug
        Z/3p2DAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCccm2hdldT
        z6mPJAGG8TQsxV/GpSvt11LTiNC8gneQJwIhAI5o751RQ703Sd3cVg2lGdjuxwWp
        dB4Q2JB0esOpYeKh
        -----END CERTIFICATE-----
        """

    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("roots-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    func link(_ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: target)
    }

    @Test func eachFileIsReadOnceWhateverNamesIt() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write("bundle.crt", Self.first + "\n" + Self.second + "\n")
        try write("mine.pem", Self.second + "\n")
        try write("README", "not a certificate\n")
        try link("9d66eef0.0", to: "mine.pem")
        try link("first.pem", to: folder + "/bundle.crt")
        // The bundle's two; mine.pem's one is the bundle's second, parsed once.
        let roots = try ExtraTrustRoots.from(environment: ["SSL_CERT_FILE": folder + "/bundle.crt", "SSL_CERT_DIR": folder])
        #expect(roots.count == 2)
        try write("third.pem", Self.first.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        let folderOnly = try ExtraTrustRoots.from(environment: ["SSL_CERT_DIR": folder])
        #expect(folderOnly.count == 3)  // the same certificate in other text is not known as such: parsed again
        let linkedFile = try ExtraTrustRoots.from(environment: ["SSL_CERT_FILE": folder + "/first.pem"])
        #expect(linkedFile.count == 2)
    }

    /// A folder whose certificates are all SSL_CERT_FILE's bundle still names certificates.
    @Test func aFolderHoldingOnlyTheBundleIsAccepted() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write("bundle.crt", Self.first + "\n")
        let roots = try ExtraTrustRoots.from(environment: ["SSL_CERT_FILE": folder + "/bundle.crt", "SSL_CERT_DIR": folder])
        #expect(roots.count == 1)
    }

    @Test func aFolderWithoutCertificatesIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write("README", "not a certificate\n")
        try link("README.0", to: "README")
        #expect(throws: ExtraTrustRoots.LoadError.self) { try ExtraTrustRoots.from(environment: ["SSL_CERT_DIR": folder]) }
        #expect(throws: ExtraTrustRoots.LoadError.self) {
            try ExtraTrustRoots.from(environment: ["SSL_CERT_FILE": folder + "/README"])
        }
    }
}
