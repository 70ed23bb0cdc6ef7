import CoClickAPI
import CoClickLua

/// The one place the runner installs the `coclick.*` API bindings.
enum SessionBindings {
    static func install(in state: LuaState, provider: ClientProvider, runState: RunState, dryRun: DryRun? = nil) {
        CoClickBindings.install(
            in: state, client: { try provider.get() }, dryRun: dryRun,
            keyedCreate: { new, key, client, call in
                try KeyedCreation.create(new, key: key, client: client, call: call, runState: runState)
            })
        StateBindings.install(in: state, runState: runState)
    }
}
