/// Decides, request by request, which fault of the current `FaultPlan` fires.
final class FaultInjector: Sendable {
    private struct State {
        var plan: FaultPlan
        /// Requests left for each rule (index into `plan.rules`), for `xN` rules.
        var remaining: [Int: Int]
        var random: SplitMix64
    }

    private let seed: UInt64
    private let state: Locked<State>

    init(plan: FaultPlan, seed: UInt64) {
        self.seed = seed
        state = Locked(Self.fresh(plan: plan, seed: seed))
    }

    /// Replaces the plan; counters and the generator restart, so a plan behaves the same each time it is set.
    func set(_ plan: FaultPlan) {
        state.withLock { $0 = Self.fresh(plan: plan, seed: seed) }
    }

    var plan: FaultPlan { state.withLock { $0.plan } }

    /// The fault for an eligible request, if one fires.
    func draw(isAuthentication: Bool) -> FaultPlan.Kind? {
        state.withLock { state in
            if isAuthentication && !state.plan.appliesToAuthentication { return nil }
            for (index, rule) in state.plan.rules.enumerated() {
                guard case .count = rule.trigger, let left = state.remaining[index], left > 0 else { continue }
                state.remaining[index] = left - 1
                return rule.kind
            }
            for rule in state.plan.rules {
                guard case .rate(let rate) = rule.trigger else { continue }
                if state.random.nextUnit() < rate { return rule.kind }
            }
            return nil
        }
    }

    private static func fresh(plan: FaultPlan, seed: UInt64) -> State {
        var remaining: [Int: Int] = [:]
        for (index, rule) in plan.rules.enumerated() {
            if case .count(let count) = rule.trigger { remaining[index] = count }
        }
        return State(plan: plan, remaining: remaining, random: SplitMix64(seed: seed ^ 0x6661_756C_7473))
    }
}
