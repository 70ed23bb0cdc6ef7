/// Waits until `condition` holds, probing it every few milliseconds for at most `bound`: a wait
/// for a state (a request counted, a fault injected, a file present), never for a time. False
/// if it never held; `bound` only keeps a broken case from hanging the run.
public func waitUntil(bound: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + bound
    while !(await condition()) {
        if ContinuousClock.now > end { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
