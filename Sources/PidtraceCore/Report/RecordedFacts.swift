extension TraceReport {
    /// A process as records name it.
    public struct ProcessRef: Sendable, Equatable {
        public var hostPID: Int
        public var nsPID: Int?
        public var comm: String?
    }

    /// How a process ended, as an `exit` or `container_exit` record says.
    public enum ExitOutcome: Sendable, Equatable {
        case code(Int)
        case signal(Int, name: String, coreDumped: Bool)

        init?(_ json: JSONValue) {
            if let code = json["exit_code"]?.int {
                self = .code(code)
            } else if let number = json["signal"]?.int {
                self = .signal(number, name: Self.signalName(number, recorded: json["signal_name"]?.string),
                               coreDumped: json["core_dumped"]?.bool ?? false)
            } else {
                return nil
            }
        }

        /// The recorded name, else ours (older files), else "SIG<n>" for any number.
        static func signalName(_ number: Int, recorded: String?) -> String {
            recorded ?? Int32(exactly: number).map(SignalName.of) ?? "SIG\(number)"
        }
    }

    /// A `signal` record: what was sent, to whom, by whom, and what the kernel did.
    public struct Signal: Sendable, Equatable {
        public var stamp: Stamp
        public var number: Int
        public var name: String
        public var result: String?
        public var sender: Sender?
        /// `process`, `kernel` or `pidns_teardown`; nil in files written before it was recorded.
        public var origin: String?
        /// The signalled process.
        public var target: ProcessRef?

        public struct Sender: Sendable, Equatable {
            public var hostPID: Int?
            public var nsPID: Int?
            public var comm: String?
            public var containerName: String?
        }

        init(stamp: Stamp, number: Int, name: String) {
            self.stamp = stamp
            self.number = number
            self.name = name
        }

        init(_ json: JSONValue, stamp: Stamp) {
            self.stamp = stamp
            number = json["signal"]?.int ?? 0
            name = ExitOutcome.signalName(number, recorded: json["signal_name"]?.string)
            result = json["result"]?.string
            origin = json["origin"]?.string
            if let s = json["sender"], case .object = s {
                sender = Sender(hostPID: s["host_pid"]?.int, nsPID: s["ns_pid"]?.int, comm: s["comm"]?.string,
                                containerName: s["container_name"]?.string ?? s["container_id"]?.string)
            }
        }
    }

    /// A process that stayed a zombie: from a `zombie` record (never reaped) or a
    /// `reap` record (reaped, with the reaper).
    public struct Zombie: Sendable, Equatable {
        public var process: ProcessRef
        public var stamp: Stamp
        /// Exit to reap (reaped) or exit to the last `zombie` record (never reaped).
        public var zombieNs: Int?
        public var reaper: ProcessRef?
        public var reparentedToNsInit = false

        init(process: ProcessRef, stamp: Stamp, zombieNs: Int?) {
            self.process = process
            self.stamp = stamp
            self.zombieNs = zombieNs
        }

        init(_ json: JSONValue, process: RecordedProcess, stamp: Stamp) {
            self.init(process: process.ref, stamp: stamp, zombieNs: json["zombie_ns"]?.int)
            if let r = json["reaper"], let hostPID = r["host_pid"]?.int {
                reaper = ProcessRef(hostPID: hostPID, nsPID: r["ns_pid"]?.int, comm: r["comm"]?.string)
            }
            reparentedToNsInit = json["reparented_to_ns_init"]?.bool ?? false
        }
    }
}
