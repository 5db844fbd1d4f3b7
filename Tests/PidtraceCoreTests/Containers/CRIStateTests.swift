import Foundation
import Testing
@testable import PidtraceCore

/// CRI state on disk: a bundle's config.json (an OCI spec, its pod annotations) and
/// pid file, laid out as containerd and CRI-O keep them.
@Suite("CRI state: pods from the runtimes' bundles on disk")
struct CRIStateTests {
    static let appID = String(repeating: "a1", count: 32)
    static let sandboxID = String(repeating: "5b", count: 32)

    /// An OCI spec as the runtimes write it: the annotations among much else.
    static func spec(_ annotations: String) -> String {
        #"{"ociVersion":"1.0.2-dev","process":{"user":{"uid":0,"gid":0},"args":["sh","-c","echo \"caf\u00e9\""],"#
            + #""env":["PATH=/bin"],"cwd":"/"},"root":{"path":"rootfs"},"linux":{"namespaces":[{"type":"pid"}],"#
            + #""resources":{"memory":{"limit":16777216},"cpu":{"shares":2}}},"annotations":{"# + annotations + "}}"
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("containerd: an app container and its sandbox, with the init's PID")
    func containerd() throws {
        let root = TemporaryDirectory("pidtrace-cri")
        let tasks = root.path + "/io.containerd.runtime.v2.task/k8s.io/"
        try Self.write(Self.spec(#""io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-name":"web-7d\u00e9","#
                                 + #""io.kubernetes.cri.sandbox-namespace":"shop","io.kubernetes.cri.sandbox-uid":"u-1","#
                                 + #""io.kubernetes.cri.container-name":"app","io.kubernetes.cri.sandbox-id":"\#(Self.sandboxID)""#),
                       to: tasks + Self.appID + "/config.json")
        try Self.write("4242\n", to: tasks + Self.appID + "/init.pid")
        try Self.write(Self.spec(#""io.kubernetes.cri.container-type":"sandbox","io.kubernetes.cri.sandbox-name":"web-7d\u00e9","#
                                 + #""io.kubernetes.cri.sandbox-namespace":"shop""#),
                       to: tasks + Self.sandboxID + "/config.json")
        let state = CRIState(roots: [root.path])
        let app = try #require(state.container(id: Self.appID))
        #expect(app == CRIContainer(id: Self.appID, pod: PodMeta(name: "web-7dé", namespace: "shop", uid: "u-1", isSandbox: false),
                                    name: "app", sandboxID: Self.sandboxID, runtime: "containerd", initPID: 4242))
        let sandbox = try #require(state.container(id: Self.sandboxID))
        #expect(sandbox.name == CRIContainer.sandboxName && sandbox.pod.isSandbox && sandbox.sandboxID == Self.sandboxID)
        #expect(sandbox.initPID == nil)
        #expect(state.containers().map(\.id) == [Self.sandboxID, Self.appID])
    }

    @Test("CRI-O: its own annotation keys and bundle layout")
    func crio() throws {
        let root = TemporaryDirectory("pidtrace-cri")
        let bundle = root.path + "/overlay-containers/" + Self.appID + "/userdata/"
        try Self.write(Self.spec(#""io.kubernetes.cri-o.ContainerType":"container","io.kubernetes.pod.name":"web","#
                                 + #""io.kubernetes.pod.namespace":"shop","io.kubernetes.pod.uid":"u-2","#
                                 + #""io.kubernetes.container.name":"app","io.kubernetes.cri-o.SandboxID":"\#(Self.sandboxID)""#),
                       to: bundle + "config.json")
        try Self.write("77", to: bundle + "pidfile")
        let app = try #require(CRIState(roots: [root.path]).container(id: Self.appID))
        #expect(app == CRIContainer(id: Self.appID, pod: PodMeta(name: "web", namespace: "shop", uid: "u-2", isSandbox: false),
                                    name: "app", sandboxID: Self.sandboxID, runtime: "cri-o", initPID: 77))
    }

    @Test("a bundle that is no pod's, or unreadable, is no container",
          arguments: [
            "not json",
            #"{"annotations":"x"}"#,
            #"{"ociVersion":"1.0.2"}"#,
            spec(#""io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-name":"web""#),
            spec(#""io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-name":"web","#
                 + #""io.kubernetes.cri.sandbox-namespace":7,"io.kubernetes.cri.container-name":"app""#),
          ])
    func notAPod(config: String) throws {
        let root = TemporaryDirectory("pidtrace-cri")
        try Self.write(config, to: root.path + "/io.containerd.runtime.v2.task/k8s.io/" + Self.appID + "/config.json")
        #expect(CRIState(roots: [root.path]).container(id: Self.appID) == nil)
    }
}
