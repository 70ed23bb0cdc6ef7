import CoClickSandbox
import Testing

@Suite("FaultPlan(parsing:)")
struct FaultPlanParsingTests {
    @Test func parsesEveryItem() throws {
        let plan = try FaultPlan(parsing: " 503=0.2, 429=x1,malformed=5%,html=x2,hang=0,retry_after=3,latency=50ms,token_ttl=1.5s,auth_faults=1 ")
        #expect(
            plan.rules == [
                .init(kind: .status(503), trigger: .rate(0.2)),
                .init(kind: .status(429), trigger: .count(1)),
                .init(kind: .malformed, trigger: .rate(0.05)),
                .init(kind: .html, trigger: .count(2)),
                .init(kind: .hang, trigger: .rate(0)),
            ])
        #expect(plan.retryAfter == 3)
        #expect(plan.latency == .milliseconds(50))
        #expect(plan.tokenTTL == .milliseconds(1500))
        #expect(plan.appliesToAuthentication)
        #expect(try FaultPlan(parsing: plan.description) == plan)
    }

    @Test func emptySpecIsNoFaults() throws {
        #expect(try FaultPlan(parsing: "") == FaultPlan())
        #expect(try FaultPlan(parsing: "  ").rules.isEmpty)
    }

    @Test(arguments: [
        ("503=1.5", #"bad fault "503=1.5": rate must be between 0 and 1"#),
        ("503=-0.1", #"bad fault "503=-0.1": rate must be between 0 and 1"#),
        ("503=often", #"bad fault "503=often": expected a rate between 0 and 1 or xN"#),
        ("503=xtwo", #"bad fault "503=xtwo": count must be xN with N a whole number"#),
        ("200=0.5", #"bad fault "200=0.5": status must be between 400 and 599"#),
        (
            "teapot=1",
            #"bad fault "teapot=1": unknown fault "teapot" (expected a status, malformed, html, hang, retry_after, latency, token_ttl or auth_faults)"#
        ),
        ("latency=50", #"bad fault "latency=50": duration needs a unit, ms or s (e.g. 50ms, 2s)"#),
        ("token_ttl=0s", #"bad fault "token_ttl=0s": token_ttl must be positive"#),
        ("retry_after=soon", #"bad fault "retry_after=soon": retry_after must be a whole number of seconds"#),
        ("auth_faults=maybe", #"bad fault "auth_faults=maybe": auth_faults must be 0 or 1"#),
        ("hang", #"bad fault "hang": expected NAME=VALUE"#),
        ("html=", #"bad fault "html=": missing value"#),
    ])
    func rejectsBadItemsNamingThem(spec: String, message: String) {
        #expect(throws: FaultSpecError.self) { try FaultPlan(parsing: spec) }
        do {
            _ = try FaultPlan(parsing: "latency=10ms," + spec)
            Issue.record("\(spec) was accepted")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func anEmptyItemBetweenCommasIsAnError() {
        #expect(throws: FaultSpecError(item: "", reason: "empty item")) { try FaultPlan(parsing: "503=x1,,429=x1") }
    }
}
