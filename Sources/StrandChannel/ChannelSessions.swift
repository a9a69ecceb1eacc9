import Synchronization

/// The channel port's open sessions, shared by the server and its AMOP router.
final class ChannelSessions: Sendable {
    private let byID = Mutex<[ObjectIdentifier: ChannelConnectionHandler]>([:])

    func add(_ session: ChannelConnectionHandler) { byID.withLock { $0[ObjectIdentifier(session)] = session } }

    /// Removes the session; false when it was not there.
    func remove(_ id: ObjectIdentifier) -> Bool { byID.withLock { $0.removeValue(forKey: id) } != nil }

    subscript(id: ObjectIdentifier) -> ChannelConnectionHandler? { byID.withLock { $0[id] } }

    var all: [ChannelConnectionHandler] { byID.withLock { Array($0.values) } }

    var byIdentifier: [ObjectIdentifier: ChannelConnectionHandler] { byID.withLock { $0 } }
}
