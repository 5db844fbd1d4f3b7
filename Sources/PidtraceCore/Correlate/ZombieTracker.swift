/// Follows processes from exit to release: a process that exited is a zombie until
/// its parent's wait() reaps it. Reports each reap with its zombie time, orphans
/// that the namespace's init reaped, and zombies older than `zombieAfterNs` once.
/// Reader thread only.
public final class ZombieTracker {
    struct Zombie {
        var exit: ProcessRecord
        var reported = false
    }

    public let zombieAfterNs: UInt64
    /// Asked before a `zombie` record: is the process really still a zombie? The
    /// release tracepoint runs after an RCU grace period, which under load can pass
    /// `zombieAfterNs`; the kernel's own /proc state settles it.
    public var stillZombie: (UInt32) -> Bool = ZombieTracker.procSaysZombie
    private var zombies: [UInt32: Zombie] = [:]
    /// Parent at fork (host PIDs), to tell an orphan's reaper from its parent; only
    /// inside a PID namespace, the one place a reaper can be the namespace's init.
    private var forkParents: [UInt32: UInt32] = [:]
    /// Bounds both tables if releases go missing (lost events).
    static let capacity = 1 << 16

    public init(zombieAfterNs: UInt64) { self.zombieAfterNs = zombieAfterNs }

    /// Notes forks and process exits from the records written.
    public func observe(_ record: ProcessRecord) {
        let e = record.event
        guard !e.isThread else { return }
        switch e.kind {
        case .fork where e.nsLevel > 0:
            if forkParents.count >= Self.capacity { forkParents.removeAll(keepingCapacity: true) }
            forkParents[e.hostPID] = e.hostPPID
        case .exit:
            if zombies.count >= Self.capacity { zombies.removeAll(keepingCapacity: true) }
            zombies[e.hostPID] = Zombie(exit: record)
        default:
            break
        }
    }

    /// The `reap` record for a released process whose exit was recorded.
    public func reap(_ event: ProcessEvent) -> ReapRecord? {
        guard let zombie = zombies.removeValue(forKey: event.hostPID) else {
            if !forkParents.isEmpty { forkParents.removeValue(forKey: event.hostPID) }
            return nil
        }
        let exit = zombie.exit.event
        let forkParent = exit.nsLevel > 0 ? forkParents.removeValue(forKey: event.hostPID) : nil
        guard let reaper = event.peer else { return nil }
        let sameNamespace = reaper.pidns == exit.pidns
        let parentAtFork = forkParent ?? exit.hostPPID
        let byInit = sameNamespace && reaper.nsPID == 1 && exit.nsLevel > 0
        return ReapRecord(
            tsNs: event.tsNs, exit: zombie.exit, reaper: reaper,
            reaperNSPID: sameNamespace ? reaper.nsPID : nil,
            zombieNs: event.tsNs >= exit.tsNs ? event.tsNs - exit.tsNs : 0,
            reparentedToNamespaceInit: byInit && parentAtFork != reaper.hostPID)
    }

    /// Zombies that passed `zombieAfterNs` since the last call, each reported once.
    public func overdue(nowNs: UInt64) -> [ZombieRecord] {
        var result: [ZombieRecord] = []
        for (pid, zombie) in zombies where !zombie.reported {
            let age = nowNs >= zombie.exit.event.tsNs ? nowNs - zombie.exit.event.tsNs : 0
            guard age >= zombieAfterNs else { continue }
            zombies[pid]?.reported = true
            guard stillZombie(pid) else { continue } // reaped; its release is on its way
            result.append(ZombieRecord(tsNs: nowNs, exit: zombie.exit, zombieNs: age))
        }
        // Called at every poll of the ring, nearly always with nothing to sort.
        return result.count < 2 ? result : result.sorted { $0.exit.event.tsNs < $1.exit.event.tsNs }
    }
}

extension ZombieTracker {
    /// State `Z` in /proc/PID/stat (the field after the parenthesised comm).
    public static func procSaysZombie(_ pid: UInt32) -> Bool {
        guard let stat = ProcReader().readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return stat[stat.index(after: close)...].dropFirst().first == "Z"
    }
}
