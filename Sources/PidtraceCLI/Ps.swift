import ArgumentParser
import Glibc
import PidtraceCore

struct Ps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List the live processes of running containers with their host and container PIDs.",
        discussion: """
            Reads /proc; needs no BPF. Containers and their names come from the Docker
            Engine API (or Podman's compatible one). Without a reachable API, running
            containers are found by the IDs in their processes' cgroup paths, so IDs
            and ID prefixes still work but names do not.

            Examples:
              pidtrace ps                                  every running container
              pidtrace ps web db                           these two (same as --container web --container db)
              pidtrace ps --container web --json           NDJSON, one process per line
              pidtrace ps --container 3f2a9c               by unique ID prefix
              pidtrace ps --docker-host unix:///run/podman/podman.sock
              pidtrace ps --pod web --namespace shop       a Kubernetes pod (containerd, CRI-O)
            """)

    @OptionGroup(title: "Containers")
    var selection: ContainerSelection

    // `pidtrace ps web` is what people type first; it means `--container web`.
    @Argument(help: ArgumentHelp("Only these containers, as with --container.", valueName: "NAME|ID"))
    var names: [String] = []

    /// Every container asked for: the --container ones, then the positional ones.
    var refs: [String] { selection.containers + names }

    @Flag(help: "Write NDJSON (one process per line) instead of the table.")
    var json = false

    mutating func validate() throws {
        try selection.check(refs: refs)
    }

    func run() throws {
        let listing: [(ContainerInfo, [ProcessEntry])]
        do {
            let selectors = selection.podSelectors(refs: refs)
            if selectors.isEmpty {
                listing = try PsListing.collect(refs: refs, resolver: try ContainerResolver(dockerHost: selection.dockerHost))
            } else {
                listing = try PsListing.collect(pods: selectors, state: selection.criState)
            }
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(error.exitStatus)
        }
        do {
            try OutputFile.standardOutput().write(json ? PsListing.ndjson(listing) : PsListing.table(listing))
        } catch .brokenPipe {
            return
        } catch {
            StandardError.line("pidtrace: error: \(error)")
            throw ExitCode(.ioError)
        }
    }
}

/// What `pidtrace ps` prints, apart from the command line so tests can reach it.
enum PsListing {
    /// The named containers (each once, in the order given), or every running one.
    static func collect(refs: [String], resolver: ContainerResolver,
                        proc: ProcReader = ProcReader()) throws(ContainerError) -> [(ContainerInfo, [ProcessEntry])] {
        var targets: [ContainerInfo] = []
        if refs.isEmpty {
            targets = try resolver.runningContainers()
        } else {
            for ref in refs {
                let info = try resolver.resolve(ref)
                if !targets.contains(where: { $0.id == info.id }) { targets.append(info) }
            }
        }
        return targets.map { ($0, ProcessSnapshot.processes(of: $0, proc: proc)) }
    }

    /// The containers of these pods that are running, sandboxes first.
    static func collect(pods: [PodSelector], state: CRIState,
                        proc: ProcReader = ProcReader()) throws(ContainerError) -> [(ContainerInfo, [ProcessEntry])] {
        var infos: [ContainerInfo] = []
        for c in try PodFollower.resolve(pods, state: state) { infos.append(try PodFollower.readableInfo(c, proc: proc)) }
        return infos.filter(\.running)
            .map { ($0, PodFollower.processes(of: $0, proc: proc)) }
    }

    static func ndjson(_ listing: [(ContainerInfo, [ProcessEntry])]) -> [UInt8] {
        var out = JSONBuffer()
        for (container, processes) in listing {
            for p in processes {
                out.beginObject()
                out.field("container_id", container.id)
                if let name = container.name { out.field("container_name", name) }
                NDJSONEncoder.encodeRuntime(container.runtime, pod: container.pod, &out)
                NDJSONEncoder.encodeProcessEntry(p, &out)
                out.endObject()
                out.endLine()
            }
        }
        return out.bytes
    }

    /// The PID columns in the trace table's order (host view first), at its widths.
    static let columns = ["HOST-PID", "HOST-PPID", "NS-PID", "NS-PPID"]

    static func table(_ listing: [(ContainerInfo, [ProcessEntry])]) -> [UInt8] {
        let width = max(9, listing.map { $0.0.displayName.count }.max() ?? 0)
        var text = pad("CONTAINER", width) + " HOST-PID HOST-PPID  NS-PID NS-PPID " + pad("COMM", 16) + " ARGS\n"
        for (container, processes) in listing {
            for p in processes {
                text += pad(container.displayName, width) + " "
                text += lpad(String(p.hostPID), 8) + " " + lpad(String(p.hostPPID), 9) + " "
                text += lpad(String(p.nsPID), 7) + " " + lpad(String(p.nsPPID), 7) + " "
                text += pad(printable(Array(p.comm.utf8)), 16) + " "
                text += p.argv.isEmpty ? "[\(printable(Array(p.comm.utf8)))]" : ShellQuote.join(p.argv.map(printable))
                text += "\n"
            }
        }
        return Array(text.utf8)
    }

    /// Arguments are arbitrary bytes: control characters become '?'.
    static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).unicodeScalars
            .map { $0.value < 0x20 || $0.value == 0x7f ? "?" : String($0) }.joined()
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    private static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
}
