import CoClickAPI
import CoClickLua

/// The one place the runner installs the `coclick.*` API bindings.
enum SessionBindings {
    static func install(in state: LuaState, provider: ClientProvider, dryRun: DryRun? = nil) {
        CoClickBindings.install(in: state, client: { try provider.get() }, dryRun: dryRun)
    }
}
