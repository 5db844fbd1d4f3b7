/// Linux signal names (x86 and arm64 numbering, which agree for 1–31).
public enum SignalName {
    static let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
        7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
        13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
        18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU",
        23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF",
        28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
    ]

    /// "SIGKILL", "SIGRTMIN+3", or "SIG42" for numbers with no name.
    public static func of(_ number: Int32) -> String {
        if let name = names[number] { return name }
        if number >= 34 && number <= 64 { return number == 34 ? "SIGRTMIN" : "SIGRTMIN+\(number - 34)" }
        return "SIG\(number)"
    }

    /// The number of "SIGTERM" or "TERM" (as runtimes write it); nil for others.
    public static func number(_ name: String) -> Int32? {
        let full = name.uppercased().hasPrefix("SIG") ? name.uppercased() : "SIG" + name.uppercased()
        return names.first { $0.value == full }?.key
    }
}

/// Who a signal came from, in words, for the table and the summary alike.
public enum SignalCause {
    /// "from 30099 (runc)", "from the kernel (fault)", "from the kernel: PID 1 (sh)
    /// exited and its namespace was torn down".
    /// - Parameters:
    ///   - origin: the record's `origin` (nil in files written before it existed: a process).
    ///   - sender: host PID and comm of the task that was running when it was generated.
    ///   - senderIsTarget: the sender is the signalled process itself.
    public static func describe(signal: Int32, origin: SignalOrigin?, sender: (hostPID: Int, comm: String)?,
                                senderIsTarget: Bool) -> String {
        let who = sender.map { "\($0.hostPID) (\($0.comm))" } ?? "an unknown process"
        switch origin ?? .process {
        case .process:
            return senderIsTarget ? "from itself" : "from " + who
        case .pidnsTeardown:
            return "from the kernel: PID 1 \(sender.map { "(\($0.comm)) " } ?? "")exited and its namespace was torn down"
        case .kernel:
            switch signal {
            case 17: return "from the kernel: child \(who) exited or stopped"
            case 13: return "from the kernel: write to a pipe or socket with no reader"
            case 25: return "from the kernel: file size limit exceeded"
            case 24: return "from the kernel: CPU time limit exceeded"
            case 29: return "from the kernel: I/O ready on a file set to signal it (O_ASYNC)"
            case 4, 5, 7, 8, 11, 31:
                return senderIsTarget ? "from the kernel: a fault in the process itself" : "from the kernel (while \(who) ran)"
            case 9: return "from the kernel (OOM killer or another kernel kill, while \(who) ran)"
            default: return senderIsTarget ? "from the kernel (on the process's own behalf)" : "from the kernel (while \(who) ran)"
            }
        }
    }

    /// Signals that change a process's fate: fatal by default, stopping, or the
    /// usual requests to end. The others (SIGCHLD, SIGURG, SIGWINCH, SIGCONT, ...)
    /// are noise in a report unless asked for.
    public static func changesFate(_ signal: Int32) -> Bool {
        switch signal {
        case 17, 18, 23, 28: false // SIGCHLD, SIGCONT, SIGURG, SIGWINCH: default action ignore/continue
        default: true
        }
    }
}
