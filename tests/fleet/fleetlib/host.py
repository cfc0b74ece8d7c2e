"""One fleet host: an overlayfs copy of the image in its own namespaces.

`launch()` starts `unshare --pid --mount --uts --ipc [--cgroup] --fork` running
SETUP below as the new PID namespace's PID 1: it mounts the overlay (upper/work
dirs in the host's folder), /proc, a minimal /dev, /run, /tmp and /sys (plus
cgroup2 for systemd hosts), pivots into the overlay and execs the host's init
(corral-fleet-init for light hosts, systemd for systemd hosts). Every mount is
inside the host's private mount namespace, so it vanishes with the host: stopping
a host is killing its PID 1 (the kernel then kills the rest of the namespace).
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import FleetConfig
from .errors import FleetError
from .image import Image
from .proc import ProcRef, first_child

HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LIGHT_INIT = "/usr/local/sbin/corral-fleet-init"
SYSTEMD_INIT = "/lib/systemd/systemd"

OUTER = """\
if [ -n "$FLEET_CGROUP" ]; then echo $$ > "$FLEET_CGROUP/cgroup.procs"; fi
exec unshare --pid --mount --uts --ipc $FLEET_CGROUP_NS --fork --propagation private /bin/sh -c "$FLEET_SETUP"
"""

SETUP = """\
set -eu
R="$FLEET_ROOT"
mount -t overlay overlay -o "lowerdir=$FLEET_LOWER,upperdir=$FLEET_UPPER,workdir=$FLEET_WORK" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount --bind "$R/proc/sys" "$R/proc/sys"
mount -o remount,bind,ro "$R/proc/sys"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
if [ "$FLEET_SYSTEMD" = 1 ]; then mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"; fi
mount -t tmpfs -o mode=755,nosuid,size=16m tmpfs "$R/dev"
cd "$R/dev"
mknod -m 666 null c 1 3; mknod -m 666 zero c 1 5; mknod -m 666 full c 1 7
mknod -m 666 random c 1 8; mknod -m 666 urandom c 1 9; mknod -m 666 tty c 5 0
mknod -m 600 console c 1 3
mkdir pts shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs shm
ln -s pts/ptmx ptmx; ln -s /proc/self/fd fd; ln -s /proc/self/fd/0 stdin
ln -s /proc/self/fd/1 stdout; ln -s /proc/self/fd/2 stderr
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
echo "$FLEET_NAME" > /proc/sys/kernel/hostname
cd "$R"
pivot_root . .
umount -l .
cd /
exec env -i PATH="$FLEET_PATH" TERM=linux LANG=C.UTF-8 container=corral-fleet "$FLEET_INIT"
"""


@dataclass(frozen=True)
class HostSpec:
    name: str
    port: int
    systemd: bool


@dataclass(frozen=True)
class Running:
    """A started host: the unshare process (outside) and the namespace's PID 1."""

    unshare: ProcRef
    pid1: ProcRef
    cgroup: str  # "" when the machine has no cgroup2 hierarchy (light hosts only)


class HostDir:
    """<state>/hosts/<name>/: upper, work, root (mount point), console.log."""

    def __init__(self, config: FleetConfig, name: str) -> None:
        self.path = config.hosts_dir / name
        self.upper = self.path / "upper"
        self.work = self.path / "work"
        self.root = self.path / "root"
        self.log = self.path / "console.log"

    def prepare(self, spec: HostSpec) -> None:
        for folder in (self.upper, self.work, self.root):
            folder.mkdir(parents=True, exist_ok=True)
        self._write("etc/hostname", f"{spec.name}\n")
        self._write(
            "etc/hosts",
            f"127.0.0.1\tlocalhost\n127.0.1.1\t{spec.name}\n::1\tlocalhost ip6-localhost\n",
        )
        self._write("etc/machine-id", uuid.uuid4().hex + "\n")
        self._write(
            "etc/ssh/sshd_config.d/00-fleet-listen.conf", f"ListenAddress 127.0.0.1:{spec.port}\n"
        )

    def wipe(self) -> None:
        for folder in (self.upper, self.work):
            shutil.rmtree(folder, ignore_errors=True)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _write(self, rel: str, content: str) -> None:
        path = self.upper / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def launch(config: FleetConfig, image: Image, spec: HostSpec) -> Running:
    """Start the host; returns once its PID 1 exists (not when sshd is ready)."""
    host_dir = HostDir(config, spec.name)
    host_dir.prepare(spec)
    cgroup = _make_cgroup(config, spec)
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "FLEET_CGROUP": cgroup,
        "FLEET_CGROUP_NS": "--cgroup" if spec.systemd else "",
        "FLEET_SETUP": SETUP,
        "FLEET_ROOT": str(host_dir.root),
        "FLEET_LOWER": str(image.rootfs),
        "FLEET_UPPER": str(host_dir.upper),
        "FLEET_WORK": str(host_dir.work),
        "FLEET_SYSTEMD": "1" if spec.systemd else "0",
        "FLEET_NAME": spec.name,
        "FLEET_PATH": HOST_PATH,
        "FLEET_INIT": SYSTEMD_INIT if spec.systemd else LIGHT_INIT,
    }
    with open(host_dir.log, "ab") as log:
        process = subprocess.Popen(
            ["/bin/sh", "-c", OUTER],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    unshare = ProcRef.of(process.pid)
    try:
        pid1 = ProcRef.of(first_child(process.pid, timeout=10))
    except FleetError as exc:
        raise FleetError(f"{spec.name} did not start: {exc}\n{tail(host_dir.log)}") from exc
    return Running(unshare, pid1, cgroup)


def kill(running: Running) -> None:
    """Kill the host's PID 1 (and so its namespace), wait, remove its cgroup."""
    running.pid1.kill()
    if running.cgroup:
        _cgroup_kill(Path(running.cgroup))
    running.pid1.wait_gone(10)
    running.unshare.kill()
    running.unshare.wait_gone(10)
    if running.cgroup:
        remove_cgroup(Path(running.cgroup))


def exec_in(
    running: Running, systemd: bool, cmd: Sequence[str], **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run cmd inside the host via nsenter (not ssh), as root, with a clean environment."""
    kwargs.setdefault("check", False)
    return subprocess.run(nsenter_argv(running, systemd, cmd), **kwargs)  # type: ignore[call-overload, no-any-return]


def nsenter_argv(running: Running, systemd: bool, cmd: Sequence[str]) -> list[str]:
    namespaces = ["-m", "-u", "-i", "-p", "-r", "-w"] + (["-C"] if systemd else [])
    return [
        "nsenter",
        "-t",
        str(running.pid1.pid),
        *namespaces,
        "--",
        "/usr/bin/env",
        "-i",
        f"PATH={HOST_PATH}",
        "HOME=/root",
        "LANG=C.UTF-8",
        "TERM=dumb",
        *cmd,
    ]


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def cgroup_base(config: FleetConfig) -> Path | None:
    for root in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        if (root / "cgroup.procs").exists() and (root / "cgroup.controllers").exists():
            return root / f"corral-fleet-{config.fleet_id}"
    return None


def _make_cgroup(config: FleetConfig, spec: HostSpec) -> str:
    base = cgroup_base(config)
    if base is None:
        if spec.systemd:
            raise FleetError(
                "systemd hosts need a cgroup2 hierarchy (/sys/fs/cgroup or /sys/fs/cgroup/unified)"
            )
        return ""
    path = base / spec.name
    if path.exists():
        remove_cgroup(path)
    path.mkdir(parents=True)
    return str(path)


def _cgroup_kill(path: Path) -> None:
    try:
        (path / "cgroup.kill").write_text("1")
    except OSError:
        pass


def remove_cgroup(path: Path, timeout: float = 10) -> None:
    """rmdir the cgroup and everything systemd created under it, deepest first."""
    deadline = time.monotonic() + timeout
    while path.exists():
        _cgroup_kill(path)
        children = sorted((d for d in path.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts))
        try:
            for child in [*children, path]:
                child.rmdir()
        except OSError as exc:
            if time.monotonic() > deadline:
                raise FleetError(f"cannot remove cgroup {path}: {exc}") from exc
            time.sleep(0.05)
    parent = path.parent
    if parent.name.startswith("corral-fleet-"):
        try:
            parent.rmdir()
        except OSError:
            pass  # other hosts still use it
