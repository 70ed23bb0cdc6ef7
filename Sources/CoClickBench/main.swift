// Measures the client against an in-process sandbox: pages of 100 over 10,000 meetings, then
// sequential and concurrent gets. Per-request latency comes from the client's own trace, so a
// Nagle / delayed-ACK stall (~40 ms a request) would show in the mean and the max.
import CoClickAPI
import CoClickSandbox
import Foundation
import Synchronization

let meetingCount = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10_000

final class Recorder: Sendable {
    private let durations = Mutex<[Duration]>([])
    func record(_ event: HTTPTraceEvent) { durations.withLock { $0.append(event.duration) } }
    func take() -> [Duration] {
        durations.withLock {
            let d = $0
            $0 = []
            return d
        }
    }
}

func report(_ name: String, requests: [Duration], wall: Duration, items: Int) {
    let ms = requests.map { $0.seconds * 1000 }
    let mean = ms.isEmpty ? 0 : ms.reduce(0, +) / Double(ms.count)
    let sorted = ms.sorted()
    let p50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    let label = name.padding(toLength: 28, withPad: " ", startingAt: 0)
    let line =
        label
        + String(
            format: " %6d requests %7d items in %7.1f ms: %8.1f req/s, latency mean %.2f ms, p50 %.2f, p99 %.2f, max %.2f ms",
            ms.count, items, wall.seconds * 1000, Double(ms.count) / wall.seconds, mean, p50, p99, sorted.last ?? 0)
    print(line)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

var sandboxConfiguration = SandboxConfiguration()
sandboxConfiguration.meetingCount = meetingCount
let server = try await SandboxServer.start(sandboxConfiguration)
let recorder = Recorder()
let client = CoClickClient(
    configuration: CoClickConfiguration(
        baseURL: server.baseURL,
        credentials: Credentials(secretID: server.secretID, secretKey: server.secretKey)),
    trace: { recorder.record($0) })
print("sandbox \(server.baseURL) with \(meetingCount) meetings")

_ = try await client.token()
_ = recorder.take()

var started = ContinuousClock.now
var ids: [String] = []
for try await summary in client.meetings(per: 100) { ids.append(summary.id) }
report("list all, per=100", requests: recorder.take(), wall: ContinuousClock.now - started, items: ids.count)

started = ContinuousClock.now
var sequential = 0
for id in ids.prefix(500) {
    _ = try await client.meeting(id: id)
    sequential += 1
}
report("get, one at a time", requests: recorder.take(), wall: ContinuousClock.now - started, items: sequential)

started = ContinuousClock.now
let many = try await client.meetings(ids: Array(ids.prefix(2000)), concurrency: 8)
report("get_many, concurrency 8", requests: recorder.take(), wall: ContinuousClock.now - started, items: many.count)

started = ContinuousClock.now
var full = 0
for try await _ in client.fullMeetings(per: 100, limit: 2000, concurrency: 8) { full += 1 }
report("each{full=true}, limit 2000", requests: recorder.take(), wall: ContinuousClock.now - started, items: full)

try await client.shutdown()
await server.stop()
