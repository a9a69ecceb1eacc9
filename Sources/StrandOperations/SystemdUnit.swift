import Foundation

/// A systemd service unit that runs one node of a chain directory: restarted on failure,
/// a file-descriptor limit for its peers and clients, SIGTERM with time to commit the block in
/// progress, and logs to the journal (the node logs to standard error by default).
public struct SystemdUnit {
    public let name: String
    public let executable: String
    public let configPath: String
    public let workingDirectory: String
    /// Seconds systemd waits after SIGTERM before it kills the node.
    public var stopTimeoutSeconds = 90
    public var fileDescriptorLimit = 65_536

    public init(name: String, executable: String, configPath: String, workingDirectory: String) {
        self.name = name
        self.executable = executable
        self.configPath = configPath
        self.workingDirectory = workingDirectory
    }

    /// The unit for a member of a chain directory, named `strand-NAME.service`.
    public init(member: ChainDirectory.Member, executable: String) {
        self.init(name: "strand-\(member.name)", executable: executable, configPath: member.configPath, workingDirectory: member.directory)
    }

    public var fileName: String { name + ".service" }

    public var text: String {
        """
        # Written by `strand chain init`. Install: copy (or link) into /etc/systemd/system/, then
        # `systemctl daemon-reload && systemctl enable --now \(fileName)`; logs: `journalctl -u \(name)`.
        # Add User= to run it as an account of its own that owns \(workingDirectory).
        [Unit]
        Description=Strand node \(name) (\(configPath))
        After=network-online.target
        Wants=network-online.target

        [Service]
        Type=simple
        ExecStart=\(Self.quoted(executable)) node --config \(Self.quoted(configPath))
        WorkingDirectory=\(workingDirectory)
        Restart=on-failure
        RestartSec=5
        LimitNOFILE=\(fileDescriptorLimit)
        KillSignal=SIGTERM
        TimeoutStopSec=\(stopTimeoutSeconds)
        StandardOutput=journal
        StandardError=journal
        SyslogIdentifier=\(name)

        [Install]
        WantedBy=multi-user.target

        """
    }

    /// A path as one word of a systemd command line.
    static func quoted(_ path: String) -> String {
        path.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" })
            ? "\"" + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            : path
    }

    /// Writes the unit into `directory`; returns its path.
    @discardableResult
    public func write(into directory: String) throws -> String {
        let path = directory + "/" + fileName
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
