import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// A user-facing failure: printed as one line `error: ...` on standard error, exit code 1.
public struct CLIError: Error {
    let message: String

    public init(_ message: String) { self.message = message }
}

extension ParsableCommand {
    /// Runs `body`, turning any error into one line on standard error and exit code 1.
    func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as CLIError {
            fail(error.message)
        } catch let error as ExitCode {
            throw error
        } catch {
            fail("\(error)")
        }
    }

    private func fail(_ message: String) -> Never {
        printToStandardError("error: \(message)")
        Glibc.exit(1)
    }
}
