import Foundation

/// Where a connection goes: the scheme, host and port of an absolute http(s) URL.
struct HTTPOrigin: Hashable, Sendable {
    var secure: Bool
    /// Lowercased; an IPv6 address without its brackets.
    var host: String
    var port: Int
    /// An IP address is not sent as TLS's server name (SNI takes host names only); the
    /// certificate is then checked against the address connected to.
    var isIPAddress: Bool

    /// The `Host` header: the host, bracketed if IPv6, with the port unless it is the scheme's.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
    }
}

/// An absolute http(s) URL split as an HTTP/1.1 request needs it: the origin to connect to and
/// the target of the request line.
struct HTTPRequestTarget: Sendable {
    var origin: HTTPOrigin
    /// The path and query ("/" when the URL has no path); the fragment is never sent.
    var pathAndQuery: String

    /// nil for anything but a plain absolute http or https URL: only visible ASCII (what a
    /// request line may carry: no space, no line break), no user info (it would be a credential
    /// in the clear), a host of letters, digits, `-`, `.` and `_` or a bracketed IPv6 address,
    /// and a port from 1 to 65535.
    init?(_ url: String) {
        let bytes = Array(url.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            bytes[(colon + 1)...].starts(with: "//".utf8)
        else { return nil }
        let secure: Bool
        switch String(decoding: bytes[..<colon], as: UTF8.self).lowercased() {
        case "http": secure = false
        case "https": secure = true
        default: return nil
        }
        let authorityStart = colon + 3
        let authorityEnd =
            bytes[authorityStart...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? bytes.endIndex
        guard let (host, port, isIP) = Self.authority(bytes[authorityStart..<authorityEnd], secure: secure) else { return nil }
        var rest = bytes[authorityEnd...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        var target = String(decoding: rest, as: UTF8.self)
        if !target.hasPrefix("/") { target = "/" + target }
        origin = HTTPOrigin(secure: secure, host: host, port: port, isIPAddress: isIP)
        pathAndQuery = target
    }

    /// `host[:port]` or `[v6][:port]` -> (host, port, is an IP address).
    private static func authority(_ part: ArraySlice<UInt8>, secure: Bool) -> (String, Int, Bool)? {
        guard !part.isEmpty, !part.contains(UInt8(ascii: "@")) else { return nil }
        var hostPart: ArraySlice<UInt8>
        var portPart: ArraySlice<UInt8>?
        var bracketed = false
        if part.first == UInt8(ascii: "[") {
            guard let close = part.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostPart = part[(part.startIndex + 1)..<close]
            let after = part[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return nil }
                portPart = after.dropFirst()
            }
            bracketed = true
        } else if let colon = part.firstIndex(of: UInt8(ascii: ":")) {
            hostPart = part[..<colon]
            portPart = part[(colon + 1)...]
        } else {
            hostPart = part
        }
        var port = secure ? 443 : 80
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(String(decoding: portPart, as: UTF8.self)), (1...65535).contains(value)
            else { return nil }
            port = value
        }
        let host = String(decoding: hostPart, as: UTF8.self).lowercased()
        guard !host.isEmpty else { return nil }
        if bracketed {
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
            return (host, port, true)
        }
        let allowed = hostPart.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                true
            default: false
            }
        }
        guard allowed else { return nil }
        var address = in_addr()
        return (host, port, inet_pton(AF_INET, host, &address) == 1)
    }
}
