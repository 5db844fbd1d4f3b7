import Foundation
import Synchronization

/// Commits history entries on a thread of its own, so the ring-buffer reader never
/// waits on the disk (each commit is fsynced: 2–5 ms here), and keeps the state
/// directory under its cap (`prune` after each commit). A commit that fails for want
/// of space is kept and tried again; what could not be kept is counted and said.
final class HistoryWriter: Sendable {
    struct Counts: Sendable, Equatable {
        var committed = 0
        /// Failed commits (disk full, an I/O error): each is tried again, up to the bound.
        var failures = 0
        /// Entries dropped: more were waiting than `maxWaiting`, or the writer stopped first.
        var dropped = 0
        /// The last failure, for the agent's log and `notice`.
        var lastError: String?
    }

    private struct State {
        var waiting: [HistoryEntry] = []
        var stopping = false
        var counts = Counts()
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

    var counts: Counts { state.withLock { $0.counts } }

    func submit(_ entry: HistoryEntry) {
        state.withLock { s in
            if s.waiting.count >= Self.maxWaiting {
                s.waiting.removeFirst()
                s.counts.dropped += 1
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
                    state.withLock { $0.counts.committed += 1 }
                    prune(store, retain: retain, maxBytes: maxBytes)
                } catch {
                    Log.logger.error("history entry not written: \(error)", metadata: [
                        "container": "\(entry.containerName ?? entry.containerID)", "generation": "\(entry.generation)"])
                    state.withLock { s in
                        s.counts.failures += 1
                        s.counts.lastError = error.description
                    }
                    failed.append(entry)
                }
            }
            if stopping {
                state.withLock { $0.counts.dropped += failed.count }
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
