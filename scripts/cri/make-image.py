#!/usr/bin/python3
"""Writes a docker-archive image (what `docker save` writes; `ctr images import`
reads it) of busybox-static with an entrypoint, without Docker or a registry:

  make-image.py OUT.tar NAME:TAG [ENTRYPOINT...]

The rootfs is /bin/busybox with its applet links; used for the pods' sandbox
("pause") image and their app containers in the CRI tests.
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile


def layer_bytes(busybox):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ["bin", "tmp", "proc", "sys", "dev", "etc"]:
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        tar.add(busybox, arcname="bin/busybox")
        applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
        for applet in applets:
            if applet == "busybox":
                continue
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type, info.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(info)
    return buf.getvalue()


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out, name, entrypoint = argv[1], argv[2], argv[3:]
    layer = layer_bytes("/bin/busybox")
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    config = {"architecture": arch, "os": "linux",
              "config": {"Entrypoint": entrypoint or None, "Env": ["PATH=/bin"]},
              "rootfs": {"type": "layers", "diff_ids": [diff_id]}}
    config_bytes = json.dumps(config).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [name], "Layers": ["layer.tar"]}]
    with tarfile.open(out, "w") as tar:
        for member, data in [("layer.tar", layer), (config_name, config_bytes),
                             ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main(sys.argv)
