import NIOCore

/// Connections held open by the `hang` fault: released when the client closes them, when the
/// task is cancelled, or all at once when the server stops, so that stop() never waits on them.
final class HangRegistry: Sendable {
    private let state = Locked<(stopped: Bool, channels: [ObjectIdentifier: any Channel])>((false, [:]))

    /// Suspends until `channel` closes (or returns at once once the server is stopping).
    func hang(on channel: any Channel) async {
        let key = ObjectIdentifier(channel)
        let registered = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.channels[key] = channel
            return true
        }
        guard registered else { return }
        await withTaskCancellationHandler {
            try? await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        state.withLock { _ = $0.channels.removeValue(forKey: key) }
    }

    /// Closes every hung connection and refuses to hang new ones.
    func releaseAll() {
        let channels = state.withLock { state -> [any Channel] in
            state.stopped = true
            return Array(state.channels.values)
        }
        for channel in channels { channel.close(promise: nil) }
    }
}
