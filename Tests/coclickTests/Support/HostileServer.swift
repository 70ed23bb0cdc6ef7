import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A CoClick impostor on 127.0.0.1 for the hostile-server suite: a raw TCP listener, with no
/// HTTP library between the test and the bytes, so that it can send what no well-behaved server
/// would (a wrong Content-Length, a cut body, invalid UTF-8, a redirect, a body past the cap).
/// `POST /authenticate` gets a valid token unless `reply` answers it; every request is counted.
final class HostileServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names in lower case.
        var headers: [String: String]
    }

    /// What to send back on one connection, which is then closed.
    enum Reply: Sendable {
        /// These bytes, as they are (status line, headers, body).
        case raw(Data)
        /// A chunked 200 whose body is `total` bytes of JSON-looking filler, sent until the
        /// client hangs up.
        case endlessChunked(total: Int)
        /// The head and this part of the body, then silence with the connection left open.
        case stall(Data)
    }

    let port: Int
    private let listener: Int32
    private let reply: @Sendable (Request) -> Reply?
    private let lock = NSLock()
    private var seen: [Request] = []
    private var open: Set<Int32> = []
    private var stopped = false

    var baseURL: String { "http://127.0.0.1:\(port)/api/v1" }

    /// Every request received so far, in arrival order.
    var requests: [Request] { lock.withLock { seen } }

    /// The requests for `path` (under /api/v1) so far.
    func requests(to path: String) -> [Request] { requests.filter { $0.path.hasPrefix("/api/v1" + path) } }

    /// - Parameter reply: the reply to a request, or nil for the default (a token for
    ///   `/authenticate`, an empty page otherwise).
    init(reply: @escaping @Sendable (Request) -> Reply?) throws {
        self.reply = reply
        // The client hanging up mid-body must not kill the test runner.
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ready else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "hostile server"
        thread.start()
    }

    /// Stops listening and drops the connections still open (a stalled reply).
    func stop() {
        let fds: [Int32] = lock.withLock {
            stopped = true
            return Array(open)
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let keep = lock.withLock { () -> Bool in
                if stopped { return false }
                open.insert(fd)
                return true
            }
            guard keep else {
                close(fd)
                return
            }
            Thread.detachNewThread { [self] in
                serve(fd)
                lock.withLock { _ = open.remove(fd) }
                close(fd)
            }
        }
    }

    private func serve(_ fd: Int32) {
        guard let request = readRequest(fd) else { return }
        lock.withLock { seen.append(request) }
        switch reply(request) ?? Self.defaultReply(request) {
        case .raw(let bytes):
            send(fd, bytes)
        case .endlessChunked(let total):
            send(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8))
            let piece = Data(repeating: UInt8(ascii: " "), count: 64 * 1024)
            var chunk = Data("\(String(piece.count, radix: 16))\r\n".utf8)
            chunk.append(piece)
            chunk.append(Data("\r\n".utf8))
            guard send(fd, Data("1\r\n[\r\n".utf8)) else { return }
            var sent = 1
            while sent < total, send(fd, chunk) { sent += piece.count }
        case .stall(let bytes):
            send(fd, bytes)
            // Wait for the client to give up (or for stop()): read returns 0 or fails then.
            var byte: UInt8 = 0
            while read(fd, &byte, 1) > 0 {}
        }
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads the request head (and the body a Content-Length announces, unused).
    private func readRequest(_ fd: Int32) -> Request? {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil {
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 || buffer.count > 64 * 1024 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
        }
        guard let end = buffer.range(of: separator) else { return nil }
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var remaining = Int(headers["content-length"] ?? "0").map { $0 - (buffer.count - end.upperBound) } ?? 0
        while remaining > 0 {
            let count = read(fd, &chunk, min(chunk.count, remaining))
            if count <= 0 { break }
            remaining -= count
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
    }

    @discardableResult
    private func send(_ fd: Int32, _ bytes: Data) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                let count = Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if count < 0, errno == EINTR { continue }
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
    }

    // MARK: Replies

    /// A complete response with a correct Content-Length.
    static func response(
        _ status: Int, _ body: Data, contentType: String = "application/json",
        headers: [String] = []
    ) -> Reply {
        var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\nContent-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        for header in headers { head += header + "\r\n" }
        var bytes = Data((head + "\r\n").utf8)
        bytes.append(body)
        return .raw(bytes)
    }

    static func response(
        _ status: Int, _ body: String, contentType: String = "application/json",
        headers: [String] = []
    ) -> Reply {
        response(status, Data(body.utf8), contentType: contentType, headers: headers)
    }

    /// A 200 whose head announces `contentLength`, followed by `body` (however long it is).
    static func lying(contentLength: Int, _ body: String) -> Reply {
        var bytes = Data("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(contentLength)\r\nConnection: close\r\n\r\n".utf8)
        bytes.append(Data(body.utf8))
        return .raw(bytes)
    }

    /// A token for `/authenticate`, an empty list otherwise.
    static func defaultReply(_ request: Request) -> Reply {
        if request.path.hasSuffix("/authenticate") {
            let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            return response(200, "{\"token\":\"hostile-token-0123456789\",\"expires_at\":\"\(expires)\",\"company\":\"Hostile\"}")
        }
        return response(200, "[]")
    }

    /// A page of `count` summaries whose ids start at `first`, as the API lists them.
    static func page(first: Int, count: Int) -> String {
        let items = (first..<(first + count)).map { n in
            let id = String(format: "%064x", n)
            return "{\"id\":\"\(id)\",\"user\":\"u\(n % 5)@example.com\",\"status\":\"scheduled\",\"starts_at\":\"2026-12-01T10:00:00.000+00:00\"}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }
}
