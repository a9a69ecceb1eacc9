import StrandNode
import StrandPrimitives

/// What the developer's executable `strand-dev` adds to `node`: switches that make a node faulty
/// for fault tests (a lying validator, a skewed clock). `strand` installs none, and its binary
/// links none of the code behind them.
public struct NodeFaultSwitches: Sendable {
    /// The name the command line then goes by.
    public var commandName: String
    /// A paragraph for `node --help`.
    public var help: String
    /// Applies the switches to a node's settings and gives the clock it is to run on.
    public var apply: @Sendable (inout NodeConfig) throws -> any NodeClock

    public init(commandName: String, help: String, apply: @escaping @Sendable (inout NodeConfig) throws -> any NodeClock) {
        self.commandName = commandName
        self.help = help
        self.apply = apply
    }

    /// Set once, by `strand-dev`'s main, before the command line is parsed.
    nonisolated(unsafe) public static var installed: NodeFaultSwitches?
}
