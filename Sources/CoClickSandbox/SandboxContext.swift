import Hummingbird
import NIOCore

/// Request context that keeps the connection's channel, so the `hang` fault can watch and close it.
struct SandboxContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
