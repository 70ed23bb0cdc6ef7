import ArgumentParser
import CoClickRunner
import CoClickSandbox

/// `coclick sandbox`: serves a CoClick-compatible API on loopback until SIGINT or SIGTERM.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve a local CoClick-compatible API with demo data and optional faults.",
        discussion: """
            Prints first, on standard output, a comment line and three shell assignments, then \
            serves until interrupted (Ctrl-C or SIGTERM: exit status 0):

              # CoClick sandbox listening on http://127.0.0.1:8080/api/v1
              export COCLICK_BASE_URL=http://127.0.0.1:8080/api/v1
              export COCLICK_SECRET_ID=<32 hex>
              export COCLICK_SECRET_KEY=<64 hex>

            The key pair is a demo key derived from --seed, not a secret. A script can \
            run `coclick sandbox > env.sh &`, wait until env.sh has 4 lines, then source it.

            FAULTS (--faults): comma-separated items, e.g.
              503=0.2,latency=50ms,token_ttl=30s
              STATUS=RATE|xN      error STATUS (400-599) at probability RATE
                                  (0-1 or N%), or on the next N requests
              malformed=RATE|xN   200 with a truncated JSON body
                                  (the request is still served)
              html=RATE|xN        502 with an HTML error page
              hang=RATE|xN        serve the request, never answer
              retry_after=SECONDS Retry-After on injected 429 and 503
              latency=DURATION    delay on every response (250ms, 1.5s)
              token_ttl=DURATION  token lifetime (overrides --token-ttl)
              auth_faults=0|1     1: faults also hit POST /authenticate
            Faults hit the meeting endpoints only unless auth_faults=1; latency hits every \
            request. xN items fire first, in order; then each RATE item draws from a \
            generator seeded by --seed.
            """
    )

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8080

    @Option(help: "Seed of the demo data, key pair and fault decisions.")
    var seed: UInt64 = 1

    @Option(help: "Number of seeded meetings.")
    var meetings: Int = 60

    @Option(help: "Faults to inject (grammar below).")
    var faults: String?

    @Option(help: "Lifetime of issued tokens, e.g. 30s or 500ms.")
    var tokenTTL: String = "3600s"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...1_000_000).contains(meetings) else { throw ValidationError("--meetings must be between 0 and 1000000") }
        _ = try makeConfiguration()
    }

    private func makeConfiguration() throws -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.port = port
        configuration.seed = seed
        configuration.meetingCount = meetings
        do {
            configuration.tokenTTL = try FaultPlan.duration(parsing: tokenTTL)
            if configuration.tokenTTL <= .zero { throw ValidationError("--token-ttl must be positive") }
            if let faults { configuration.faults = try FaultPlan(parsing: faults) }
        } catch let error as FaultSpecError {
            throw ValidationError(error.description)
        }
        return configuration
    }

    func run() throws {
        throw ExitCode(SandboxService.serve(try makeConfiguration()))
    }
}
