import ArgumentParser
import PidtraceCore

/// The agent's state directory, which holds the history: shared by `history` and `why`.
struct StateDirectory: ParsableArguments {
    @Option(help: ArgumentHelp("The agent's state directory, which holds the history.", valueName: "DIR"))
    var stateDir = HistoryStore.defaultDirectory

    func check() throws {
        if stateDir.isEmpty { throw ValidationError("--state-dir needs a directory") }
    }

    /// The history, read-only: it never blocks an agent writing it. A failure is one line
    /// on stderr and the error's exit status.
    func openHistory() throws -> HistoryStore {
        try Self.reporting { () throws(HistoryError) in try HistoryStore.openReadOnly(directory: stateDir) }
    }

    /// Runs `body`; a history error becomes one line on stderr and its exit status.
    static func reporting<T>(_ body: () throws(HistoryError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(error.exitStatus)
        }
    }

    /// "the history in DIR has no container 'x'; it knows: web, shop-web/app (shop), …", exit 68.
    func unknown(_ what: String, in store: HistoryStore) throws -> Never {
        let known = try Self.reporting { () throws(HistoryError) in try store.knownContainers() }
        let names = known.reversed().map { c in
            let name = c.name ?? String(c.containerID.prefix(12))
            return c.pod.map { "\($0)/\(name)" + (c.namespace.map { " (\($0))" } ?? "") } ?? name
        }
        let shown = names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", and \(names.count - 20) more" : "")
        StandardError.line("pidtrace: error: the history in \(stateDir) has no \(what)"
                          + (names.isEmpty ? " (it has no entry yet)" : "; it knows: \(shown)"))
        throw ExitCode(.noHost) // as for an unknown container in a live trace
    }

}
