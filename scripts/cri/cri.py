#!/usr/bin/python3
"""A small CRI client for the tests: creates pods and containers through containerd's
CRI plugin the way the kubelet does (RunPodSandbox, CreateContainer, StartContainer).

The Python stubs are generated at run time from cri_subset.proto (grpcio-tools) into a
temporary directory; nothing generated is kept in the repository.

  cri.py SOCKET version
  cri.py SOCKET runp NAME NAMESPACE UID PIDMODE         -> sandbox ID (PIDMODE: pod|container)
  cri.py SOCKET create SANDBOX NAME NAMESPACE UID PIDMODE CNAME ATTEMPT IMAGE CMD...  -> container ID
  cri.py SOCKET start|stop|rm ID
  cri.py SOCKET stop ID GRACE_SECONDS                   -> SIGTERM, then SIGKILL after the grace period
  cri.py SOCKET stopp|rmp SANDBOX
"""
import os
import sys
import tempfile


def load_stubs():
    here = os.path.dirname(os.path.abspath(__file__))
    out = tempfile.mkdtemp(prefix="pidtrace-cri-")
    from grpc_tools import protoc
    rc = protoc.main(["protoc", f"-I{here}", f"--python_out={out}", f"--grpc_python_out={out}",
                      os.path.join(here, "cri_subset.proto")])
    if rc != 0:
        sys.exit(f"cri.py: protoc failed ({rc})")
    sys.path.insert(0, out)
    import cri_subset_pb2 as pb
    import cri_subset_pb2_grpc as rpc
    return pb, rpc


def sandbox_config(pb, name, namespace, uid, pid_mode):
    pid = pb.POD if pid_mode == "pod" else pb.CONTAINER
    return pb.PodSandboxConfig(
        # Host network: no CNI needed, and then no hostname may be set.
        metadata=pb.PodSandboxMetadata(name=name, namespace=namespace, uid=uid, attempt=0),
        log_directory=f"/tmp/pidtrace-cri-logs/{uid}",
        labels={"io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": namespace,
                "io.kubernetes.pod.uid": uid},
        linux=pb.LinuxPodSandboxConfig(security_context=pb.LinuxSandboxSecurityContext(
            namespace_options=pb.NamespaceOption(network=pb.NODE, pid=pid, ipc=pb.POD))))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    socket, command, args = argv[1], argv[2], argv[3:]
    pb, rpc = load_stubs()
    import grpc
    channel = grpc.insecure_channel(f"unix://{socket}")
    cri = rpc.RuntimeServiceStub(channel)
    timeout = 60
    if command == "version":
        r = cri.Version(pb.VersionRequest(version="v1"), timeout=timeout)
        print(r.runtime_name, r.runtime_version)
    elif command == "runp":
        name, namespace, uid, pid_mode = args
        r = cri.RunPodSandbox(pb.RunPodSandboxRequest(config=sandbox_config(pb, name, namespace, uid, pid_mode)),
                              timeout=timeout)
        print(r.pod_sandbox_id)
    elif command == "create":
        sandbox, name, namespace, uid, pid_mode, cname, attempt, image = args[:8]
        command_line = args[8:]
        pid = pb.POD if pid_mode == "pod" else pb.CONTAINER
        config = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=cname, attempt=int(attempt)),
            image=pb.ImageSpec(image=image), command=command_line,
            labels={"io.kubernetes.container.name": cname, "io.kubernetes.pod.name": name,
                    "io.kubernetes.pod.namespace": namespace, "io.kubernetes.pod.uid": uid},
            # As the kubelet does: the restart count travels as an annotation.
            annotations={"io.kubernetes.container.restartCount": attempt},
            log_path=f"{cname}/{attempt}.log",
            linux=pb.LinuxContainerConfig(security_context=pb.LinuxContainerSecurityContext(
                namespace_options=pb.NamespaceOption(network=pb.NODE, pid=pid, ipc=pb.POD))))
        r = cri.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=sandbox, config=config,
            sandbox_config=sandbox_config(pb, name, namespace, uid, pid_mode)), timeout=timeout)
        print(r.container_id)
    elif command == "start":
        cri.StartContainer(pb.StartContainerRequest(container_id=args[0]), timeout=timeout)
    elif command == "stop":
        # The grace period, as the kubelet gives it (SIGTERM, then SIGKILL after it); 0: SIGKILL at once.
        grace = int(args[1]) if len(args) > 1 else 0
        cri.StopContainer(pb.StopContainerRequest(container_id=args[0], timeout=grace), timeout=timeout + grace)
    elif command == "rm":
        cri.RemoveContainer(pb.RemoveContainerRequest(container_id=args[0]), timeout=timeout)
    elif command == "stopp":
        cri.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=args[0]), timeout=timeout)
    elif command == "rmp":
        cri.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]), timeout=timeout)
    else:
        sys.exit(f"cri.py: unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
