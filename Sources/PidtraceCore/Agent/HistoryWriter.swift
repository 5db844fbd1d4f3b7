import Foundation
import Synchronization

/// Commits history entries on a thread of its own, so the ring-buffer reader never
/// waits on the disk (each commit is fsynced: 2–5 ms here), and keeps the state
/// directory under its cap (`prune` after each commit). A commit that fails for want
/// of space is kept and tried again; what could not be kept is counted and said.
final class HistoryWriter: Sendable {
    private struct State {
        var waiting: [HistoryEntry] = []
        var stopping = false
        /// Each failed or dropped commit, said once (`takeProblems`).
        var problems: [String] = []
    }

    /// Entries waiting for the disk at most (a full disk for hours must not grow memory).
    static let maxWaiting = 1024

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// `store` is used from the writer thread only, from now on.
    init(store: sending HistoryStore, retain: Duration, maxBytes: Int) {
        nonisolated(unsafe) let store = store
        let thread = Thread { [self] in self.loop(store: store, retain: retain, maxBytes: maxBytes) }
        thread.name = "pidtrace-history"
        thread.start()
    }

    /// Failed and dropped commits since the last call, one line each.
    func takeProblems() -> [String] {
        state.withLock { s in
            defer { s.problems.removeAll() }
            return s.problems
        }
    }

    func submit(_ entry: HistoryEntry) {
        state.withLock { s in
            if s.waiting.count >= Self.maxWaiting {
                let dropped = s.waiting.removeFirst()
                s.problems.append("the history entry of \(dropped.containerName ?? dropped.containerID) generation "
                    + "\(dropped.generation) was dropped: \(Self.maxWaiting) entries were waiting for the disk")
            }
            s.waiting.append(entry)
        }
        wake.signal()
    }

    /// Commits what is waiting (one more try for a failing disk), then stops the thread.
    func finish() {
        state.withLock { $0.stopping = true }
        wake.signal()
        done.wait()
    }

    private func loop(store: HistoryStore, retain: Duration, maxBytes: Int) {
        prune(store, retain: retain, maxBytes: maxBytes)
        while true {
            let (batch, stopping) = state.withLock { s in
                defer { s.waiting.removeAll() }
                return (s.waiting, s.stopping)
            }
            var failed: [HistoryEntry] = []
            for entry in batch {
                do {
                    try store.commit(entry)
                    prune(store, retain: retain, maxBytes: maxBytes)
                } catch {
                    Log.logger.error("history entry not written: \(error)", metadata: [
                        "container": "\(entry.containerName ?? entry.containerID)", "generation": "\(entry.generation)"])
                    state.withLock { s in
                        if s.problems.count < Self.maxWaiting {
                            s.problems.append("the history entry of \(entry.containerName ?? entry.containerID) generation "
                                + "\(entry.generation) could not be written (\(error)); it is tried again in 5 s")
                        }
                    }
                    failed.append(entry)
                }
            }
            if stopping {
                for entry in failed {
                    Log.logger.error("history entry dropped at stop", metadata: [
                        "container": "\(entry.containerName ?? entry.containerID)", "generation": "\(entry.generation)"])
                }
                store.close()
                done.signal()
                return
            }
            if !failed.isEmpty {
                // Tried again first, before what came meanwhile.
                state.withLock { s in
                    s.waiting = Array((failed + s.waiting).suffix(Self.maxWaiting))
                }
                _ = wake.wait(timeout: .now() + .seconds(5)) // a full disk does not empty at once
                continue
            }
            wake.wait()
        }
    }

    private func prune(_ store: HistoryStore, retain: Duration, maxBytes: Int) {
        do {
            let result = try store.prune(retain: retain, maxBytes: maxBytes)
            if result.expired + result.evicted > 0 {
                Log.logger.info("history pruned", metadata: ["expired": "\(result.expired)", "evicted": "\(result.evicted)"])
            }
        } catch {
            Log.logger.warning("history not pruned: \(error)")
        }
    }
}
