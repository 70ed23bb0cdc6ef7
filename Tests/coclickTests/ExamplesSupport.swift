import CoClickSandbox
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Paths of the shipped example scripts, and what the examples' tests need to check them
/// independently of the client under test.
enum Examples {
    /// scripts/examples/NAME, from this file's place in the package.
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/examples/\(name)").path
    }

    /// The environment that points the binary at `server` with its demo key pair.
    static func environment(_ home: IsolatedHome, _ server: SandboxServer, _ extra: [String: String] = [:]) -> [String: String] {
        home.environment(
            [
                "COCLICK_BASE_URL": server.baseURL, "COCLICK_SECRET_ID": server.secretID,
                "COCLICK_SECRET_KEY": server.secretKey,
            ].merging(extra) { _, new in new })
    }

    /// A TCP port on 127.0.0.1 that was open a moment ago and is now closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Raw HTTP against a sandbox (URLSession, not the client under test).
struct RawSandbox {
    let server: SandboxServer
    let token: String

    init(_ server: SandboxServer) async throws {
        self.server = server
        var auth = URLRequest(url: URL(string: server.baseURL + "/authenticate")!)
        auth.httpMethod = "POST"
        auth.setValue("application/json", forHTTPHeaderField: "Content-Type")
        auth.httpBody = try JSONSerialization.data(withJSONObject: ["secret_id": server.secretID, "secret_key": server.secretKey])
        let (body, _) = try await URLSession.shared.data(for: auth)
        token = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String)
    }

    /// Every meeting summary, all pages.
    func summaries() async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var page = 1
        while true {
            var list = URLRequest(url: URL(string: server.baseURL + "/meetings")!)
            list.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            list.setValue("\(page)", forHTTPHeaderField: "X-Page")
            list.setValue("100", forHTTPHeaderField: "X-Per")
            let (body, _) = try await URLSession.shared.data(for: list)
            let items = try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
            all += items
            if items.isEmpty || items.count < 100 { return all }
            page += 1
        }
    }

    /// One full meeting.
    func meeting(_ id: String) async throws -> [String: Any] {
        var get = URLRequest(url: URL(string: server.baseURL + "/meetings/\(id)")!)
        get.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: get)
        try #require((response as? HTTPURLResponse)?.statusCode == 200, "GET /meetings/\(id)")
        return try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }
}

/// A small RFC 4180 reader for checking the scripts' output (quoted fields, doubled quotes,
/// CRLF or LF line ends), written apart from the `csv` module under test.
enum CSVText {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let c = pending {
                pending = nil
                return c
            }
            return chars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\r\n", "\n":
                row.append(field)
                field = ""
                rows.append(row)
                row = []
            case "\r": break
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Rows keyed by the header row.
    static func records(_ text: String) -> (header: [String], records: [[String: String]]) {
        let all = rows(text)
        guard let header = all.first else { return ([], []) }
        let records = all.dropFirst().map { row in
            Dictionary(zip(header, row).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        }
        return (header, records)
    }
}
