/// The faults a sandbox injects, parsed from a short text spec.
///
/// Grammar: comma-separated items, spaces around items ignored, an empty spec means no faults.
///
///     STATUS=RATE | STATUS=xN    an HTTP error status 400...599 (JSON body `{"error": ...}`),
///                                at probability RATE (0...1, or a percentage such as 20%),
///                                or for the next N eligible requests
///     malformed=RATE | xN        200 with a truncated, invalid JSON body (the request is still served)
///     html=RATE | xN             502 with an HTML error page, as a proxy in front of Rails would send
///     hang=RATE | xN             serve the request and never answer (until the client or the server closes)
///     retry_after=SECONDS        Retry-After header (whole seconds) on injected 429 and 503
///     latency=DURATION           delay added to every response, authentication included
///     token_ttl=DURATION         lifetime of the tokens issued from now on
///     auth_faults=0|1            1: faults also hit POST /authenticate (default 0: meeting endpoints only)
///
/// DURATION is a number with a unit: `ms` or `s` (`250ms`, `1.5s`).
/// Example: `503=0.2,429=x1,retry_after=2,latency=50ms,token_ttl=30s`.
///
/// On each eligible request the `xN` items are consulted first, in spec order (the first with
/// requests left fires), then each rate item in spec order draws from the seeded generator;
/// the first that fires decides the fault. Settings given twice: the last wins.
public struct FaultPlan: Sendable, Equatable, CustomStringConvertible {
    /// What an injected fault does.
    public enum Kind: Sendable, Equatable {
        case status(Int)
        case malformed
        case html
        case hang
    }

    /// When a fault fires.
    public enum Trigger: Sendable, Equatable {
        /// On each eligible request with this probability.
        case rate(Double)
        /// On the next N eligible requests.
        case count(Int)
    }

    public struct Rule: Sendable, Equatable {
        public var kind: Kind
        public var trigger: Trigger
        public init(kind: Kind, trigger: Trigger) {
            self.kind = kind
            self.trigger = trigger
        }
    }

    public var rules: [Rule] = []
    /// Seconds sent in `Retry-After` on injected 429 and 503.
    public var retryAfter: Int?
    /// Delay added to every response.
    public var latency: Duration?
    /// Overrides `SandboxConfiguration.tokenTTL` for tokens issued while the plan is active.
    public var tokenTTL: Duration?
    /// Whether `/authenticate` is subject to the rules (latency always applies).
    public var appliesToAuthentication = false

    public init() {}

    /// Parses the grammar above; throws `FaultSpecError` naming the bad item.
    public init(parsing spec: String) throws {
        for raw in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingSpaces()
            if item.isEmpty {
                if spec.trimmingSpaces().isEmpty { continue }
                throw FaultSpecError(item: item, reason: "empty item")
            }
            try apply(item: item)
        }
    }

    private mutating func apply(item: String) throws {
        func fail(_ reason: String) -> FaultSpecError { FaultSpecError(item: item, reason: reason) }
        guard let equals = item.firstIndex(of: "=") else { throw fail("expected NAME=VALUE") }
        let name = item[..<equals].trimmingSpaces().lowercased()
        let value = item[item.index(after: equals)...].trimmingSpaces()
        guard !value.isEmpty else { throw fail("missing value") }

        switch name {
        case "retry_after":
            guard let seconds = Int(value), seconds >= 0 else {
                throw fail("retry_after must be a whole number of seconds")
            }
            retryAfter = seconds
        case "latency":
            latency = try Self.duration(value, fail: fail)
        case "token_ttl":
            let ttl = try Self.duration(value, fail: fail)
            guard ttl > .zero else { throw fail("token_ttl must be positive") }
            tokenTTL = ttl
        case "auth_faults":
            switch value.lowercased() {
            case "1", "true", "yes", "on": appliesToAuthentication = true
            case "0", "false", "no", "off": appliesToAuthentication = false
            default: throw fail("auth_faults must be 0 or 1")
            }
        case "malformed":
            rules.append(Rule(kind: .malformed, trigger: try Self.trigger(value, fail: fail)))
        case "html":
            rules.append(Rule(kind: .html, trigger: try Self.trigger(value, fail: fail)))
        case "hang":
            rules.append(Rule(kind: .hang, trigger: try Self.trigger(value, fail: fail)))
        default:
            guard let status = Int(name) else {
                throw fail("unknown fault \"\(name)\" (expected a status, malformed, html, hang, retry_after, latency, token_ttl or auth_faults)")
            }
            guard (400...599).contains(status) else { throw fail("status must be between 400 and 599") }
            rules.append(Rule(kind: .status(status), trigger: try Self.trigger(value, fail: fail)))
        }
    }

    private static func trigger(_ value: String, fail: (String) -> FaultSpecError) throws -> Trigger {
        if value.hasPrefix("x") || value.hasPrefix("X") {
            guard let count = Int(value.dropFirst()), count >= 0 else {
                throw fail("count must be xN with N a whole number")
            }
            return .count(count)
        }
        var rate: Double?
        if value.hasSuffix("%") {
            rate = Double(value.dropLast()).map { $0 / 100 }
        } else {
            rate = Double(value)
        }
        guard let rate, rate.isFinite else { throw fail("expected a rate between 0 and 1 or xN") }
        guard (0...1).contains(rate) else { throw fail("rate must be between 0 and 1") }
        return .rate(rate)
    }

    /// Parses a DURATION of the grammar (`250ms`, `1.5s`); the error names `text`.
    public static func duration(parsing text: String) throws -> Duration {
        let value = text.trimmingSpaces()
        return try duration(value) { FaultSpecError(item: text, reason: $0) }
    }

    private static func duration(_ value: String, fail: (String) -> FaultSpecError) throws -> Duration {
        let (number, scale): (Substring, Double)
        if value.hasSuffix("ms") {
            (number, scale) = (value.dropLast(2), 1)
        } else if value.hasSuffix("s") {
            (number, scale) = (value.dropLast(1), 1000)
        } else {
            throw fail("duration needs a unit, ms or s (e.g. 50ms, 2s)")
        }
        guard let amount = Double(number), amount.isFinite, amount >= 0 else {
            throw fail("duration must be a non-negative number with a unit, ms or s")
        }
        let milliseconds = amount * scale
        guard milliseconds <= 86_400_000 else { throw fail("duration must be at most a day") }
        return .microseconds(Int64((milliseconds * 1000).rounded()))
    }

    /// The plan in the grammar above (round-trips through `init(parsing:)`).
    public var description: String {
        var items: [String] = rules.map { rule in
            let name: String
            switch rule.kind {
            case .status(let code): name = String(code)
            case .malformed: name = "malformed"
            case .html: name = "html"
            case .hang: name = "hang"
            }
            switch rule.trigger {
            case .rate(let rate): return "\(name)=\(rate)"
            case .count(let count): return "\(name)=x\(count)"
            }
        }
        if let retryAfter { items.append("retry_after=\(retryAfter)") }
        if let latency { items.append("latency=\(latency.milliseconds)ms") }
        if let tokenTTL { items.append("token_ttl=\(tokenTTL.milliseconds)ms") }
        if appliesToAuthentication { items.append("auth_faults=1") }
        return items.joined(separator: ",")
    }
}

/// A fault spec that does not follow `FaultPlan`'s grammar.
public struct FaultSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending item, as written.
    public var item: String
    /// Why it was rejected.
    public var reason: String

    public init(item: String, reason: String) {
        self.item = item
        self.reason = reason
    }

    public var description: String { "bad fault \"\(item)\": \(reason)" }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
