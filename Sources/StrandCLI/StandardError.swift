import Foundation

/// Writes one line to standard error: progress, warnings and errors, never results.
func printToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
