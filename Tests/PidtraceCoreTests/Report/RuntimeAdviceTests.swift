import Testing
@testable import PidtraceCore

/// Fixes in the runtime's own commands: the real recordings' stories (nginx-noexec-stop:
/// a shell as PID 1 whose nginx never got SIGTERM; zombies: a PID 1 that never reaps)
/// told as if Docker, Podman, a Kubernetes pod, or a recording that does not say ran them.
@Suite("summary report: fixes in the runtime's own commands")
struct RuntimeAdviceTests {
    static func container(runtime: String?, pod: String? = nil) -> TraceReport.ContainerIdentity {
        TraceReport.ContainerIdentity(id: "c0ffee", name: "web", generation: 1, runtime: runtime,
                                      pod: pod.map { PodMeta(name: $0, namespace: "shop", uid: "u1", isSandbox: false) })
    }

    /// The generation of `fixture` run by `container`.
    static func generation(_ fixture: String, _ container: TraceReport.ContainerIdentity) throws -> TraceReport.Generation {
        var g = try #require(try ReportFixture.report(fixture).generations.first)
        g.container = container
        return g
    }

    static func fix(_ g: TraceReport.Generation, _ kind: String) throws -> String {
        try #require(g.findings.first { $0.kind == kind }?.fix, "\(g.findings)")
    }

    @Test("the init that forwards SIGTERM: `docker run --init`, `podman run --init`, tini in a pod's image")
    func initForwardingSignals() throws {
        let docker = try Self.fix(Self.generation("nginx-noexec-stop", Self.container(runtime: "docker")), "never_got_sigterm")
        #expect(docker.hasSuffix(", or run the container with an init that forwards signals (`docker run --init`)"))
        let podman = try Self.fix(Self.generation("nginx-noexec-stop", Self.container(runtime: "podman")), "never_got_sigterm")
        #expect(podman.hasSuffix(", or run the container with an init that forwards signals (`podman run --init`)"))
        let pod = try Self.fix(Self.generation("nginx-noexec-stop", Self.container(runtime: "containerd", pod: "shop-web")),
                               "never_got_sigterm")
        #expect(pod.hasSuffix(", or make an init that forwards signals (such as tini: `tini -- COMMAND`) the image's "
            + "entrypoint, as a pod has no `--init`"))
        #expect(!pod.contains("run --init"))
        // Not said in the recording: the choices, each as its runtime writes it.
        let unknown = try Self.fix(Self.generation("nginx-noexec-stop", Self.container(runtime: nil)), "never_got_sigterm")
        #expect(unknown.contains("(`docker run --init`, `podman run --init`, or tini as the image's entrypoint in a Kubernetes pod)"))
    }

    @Test("the init that reaps orphans; in a pod, also shareProcessNamespace (pause as PID 1 reaps them)")
    func initReapingOrphans() throws {
        let docker = try Self.fix(Self.generation("zombies", Self.container(runtime: "docker")), "zombies")
        #expect(docker == "run the container with an init that reaps orphans (`docker run --init`), or make PID 1 wait() for its children")
        let pod = try Self.fix(Self.generation("zombies", Self.container(runtime: "cri-o", pod: "shop-web")), "zombies")
        #expect(pod == "make an init that reaps orphans (such as tini) the image's entrypoint, or set `shareProcessNamespace: "
            + "true` in the pod spec so that the pause process is PID 1 and reaps them, or make PID 1 wait() for its children")
    }

    @Test("logs, memory limit, exec and start requests by runtime; names quoted as a shell needs them")
    func otherCommands() {
        let docker = RuntimeAdvice(Self.container(runtime: "docker"))
        #expect(docker.logs == "`docker logs web`" && docker.memoryLimit == "`docker run --memory`")
        #expect(docker.startRequests == "`docker run` or `docker start`" && docker.exec == "`docker exec`")
        let podman = RuntimeAdvice(Self.container(runtime: "podman"))
        #expect(podman.logs == "`podman logs web`" && podman.restartRequest == "`podman restart`")
        let pod = RuntimeAdvice(TraceReport.ContainerIdentity(id: "c0ffee", name: "app", generation: 1, runtime: "containerd",
                                                              pod: PodMeta(name: "web 1", namespace: "shop", uid: "u1",
                                                                           isSandbox: false)))
        #expect(pod.runtime == .kubernetes)
        #expect(pod.logs == "`kubectl logs -n shop 'web 1' -c app --previous` once the kubelet has restarted it")
        #expect(pod.memoryLimit == "`resources.limits.memory` in the pod spec")
        #expect(pod.stopTimeout == "the pod's grace period, `terminationGracePeriodSeconds`")
        #expect(docker.stopTimeout == "the stop timeout" && RuntimeAdvice(nil).stopTimeout == "the stop timeout")
        #expect(RuntimeAdvice(nil).runtime == .unknown)
    }

    @Test("started by: the runtime's own start and restart commands")
    func startedBy() {
        let podman = RuntimeAdvice(Self.container(runtime: "podman"))
        #expect(TraceReport.StartCause.startRequest.text(podman)
            == "a start request to the runtime (`podman run` or `podman start`), not its restart policy")
        #expect(TraceReport.StartCause.restartRequest.text(RuntimeAdvice(Self.container(runtime: "docker")))
            == "a restart request to the runtime (`docker restart`), not its restart policy")
    }
}
