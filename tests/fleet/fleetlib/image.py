"""The base image: Debian bookworm (minbase) + sshd, systemd, python3, sudo, demo apt repo.

Cached at <cache>/image-<recipe hash>/rootfs and rebuilt only when the recipe
changes: the hash covers this file, demo_repo.py, files/*, the package list
and the fleet's client public key. The build runs in <cache>/build-*/ and is
renamed into place, so a half-built image is never used.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import demo_repo
from .config import FleetConfig
from .errors import FleetError
from .proc import run

SUITE = "bookworm"
PACKAGES = (
    "openssh-server",
    "systemd",
    "systemd-sysv",
    "dbus",
    "python3",
    "sudo",
    "iproute2",
    "procps",
    "apt-utils",
    "git",  # the git module clones over file:// and ssh
    "python3-venv",  # the pip module creates virtualenvs
    "python3-pip",
    "cron",  # the cron module edits users' crontabs with crontab(1)
    "locales",  # locale_gen
    "python3-apt",  # ansible-core's apt module needs it (the differential suite's apt case)
)
USERS = {"deploy": "", "alice": "alice-secret"}  # name -> password ("" = locked, key only)
FILES_DIR = Path(__file__).parent / "files"

# Units that cannot work (or must not act on the machine) inside a fleet host.
MASKED_UNITS = (
    "systemd-udevd.service",
    "systemd-udevd-control.socket",
    "systemd-udevd-kernel.socket",
    "systemd-udev-trigger.service",
    "systemd-udev-settle.service",
    "systemd-hwdb-update.service",
    "getty.target",
    "console-getty.service",
    "getty@tty1.service",
    "serial-getty@.service",
    "systemd-networkd.service",
    "systemd-networkd.socket",
    "systemd-networkd-wait-online.service",
    "systemd-timesyncd.service",
    "systemd-sysctl.service",
    "systemd-modules-load.service",
    "systemd-binfmt.service",
    "proc-sys-fs-binfmt_misc.automount",
    "proc-sys-fs-binfmt_misc.mount",
    "sys-kernel-debug.mount",
    "sys-kernel-tracing.mount",
    "sys-kernel-config.mount",
    "sys-fs-fuse-connections.mount",
    "dev-hugepages.mount",
    "dev-mqueue.mount",
    "systemd-remount-fs.service",
    "systemd-journald-audit.socket",
    "systemd-firstboot.service",
    "systemd-machine-id-commit.service",
    "systemd-pstore.service",
    "systemd-random-seed.service",
    "apt-daily.timer",
    "apt-daily-upgrade.timer",
    "e2scrub_all.timer",
    "e2scrub_reap.service",
    "fstrim.timer",
    "cryptsetup.target",
    "remote-fs.target",
)


@dataclass(frozen=True)
class Image:
    path: Path

    @property
    def rootfs(self) -> Path:
        return self.path / "rootfs"

    @property
    def host_key_line(self) -> str:
        """`ssh-ed25519 AAAA...`: the host key every fleet host presents."""
        key_type, key = (self.rootfs / "etc/ssh/ssh_host_ed25519_key.pub").read_text().split()[:2]
        return f"{key_type} {key}"


def ensure_image(config: FleetConfig) -> Image:
    """Return the cached image for the current recipe, building it if needed."""
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    with _locked(config.cache_dir / "build.lock"):
        ensure_client_key(config)
        image = Image(config.cache_dir / f"image-{recipe_hash(config)}")
        if not image.rootfs.is_dir():
            _build(config, image)
        return image


def ensure_client_key(config: FleetConfig) -> None:
    if not config.key_path.exists():
        run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "corral-fleet",
                "-f",
                str(config.key_path),
            ],
            what="generating the fleet ssh key",
        )


def recipe_hash(config: FleetConfig) -> str:
    digest = hashlib.sha256()
    for path in [Path(__file__), Path(demo_repo.__file__), *sorted(FILES_DIR.iterdir())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(config.key_path.with_suffix(".pub").read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _build(config: FleetConfig, image: Image) -> None:
    _remove_stale_builds(config.cache_dir)
    work = config.cache_dir / f"build-{image.path.name}-{os.getpid()}"
    started = time.monotonic()
    print(
        f"fleet: building image {image.path} (debootstrap, takes a few minutes)...", file=sys.stderr
    )
    _debootstrap(config, work / "rootfs")
    _configure(config, work / "rootfs")
    (work / "recipe.txt").write_text(f"built {time.ctime()} from {Path(__file__).parent}\n")
    os.rename(work, image.path)
    print(f"fleet: image built in {time.monotonic() - started:.0f}s", file=sys.stderr)
    prune_unused_images(config.cache_dir, keep=image.path)


def prune_unused_images(cache_dir: Path, keep: Path, pattern: str = "image-*") -> None:
    """Delete older images (``pattern``) that no running host of any fleet has mounted."""
    in_use = _mounted_lowerdirs()
    for old in cache_dir.glob(pattern):
        if old != keep and str(old / "rootfs") not in in_use:
            shutil.rmtree(old, ignore_errors=True)


def _mounted_lowerdirs() -> set[str]:
    found: set[str] = set()
    for mountinfo in Path("/proc").glob("[0-9]*/mountinfo"):
        try:
            text = mountinfo.read_text()
        except OSError:
            continue
        for option in text.replace(",", " ").split():
            if option.startswith("lowerdir="):
                found.add(option.removeprefix("lowerdir="))
    return found


def _remove_stale_builds(cache_dir: Path) -> None:
    """Builds left by a crashed run (we hold the build lock, so none is live)."""
    for stale in cache_dir.glob("build-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _debootstrap(config: FleetConfig, rootfs: Path) -> None:
    debs = config.cache_dir / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    rootfs.mkdir(parents=True)
    # In a private mount namespace: whatever debootstrap mounts dies with it.
    run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "debootstrap",
            "--variant=minbase",
            f"--cache-dir={debs}",
            f"--include={','.join(PACKAGES)}",
            SUITE,
            str(rootfs),
            config.mirror,
        ],
        what="debootstrap of the fleet image",
        timeout=1800,
    )


def _chroot(rootfs: Path, *cmd: str, stdin: str | None = None) -> None:
    run(
        ["unshare", "--mount", "--propagation", "private", "chroot", str(rootfs), *cmd],
        what=f"{' '.join(cmd)} in the image",
        input=stdin,
        timeout=600,
        env={
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "LC_ALL": "C",
            "DEBIAN_FRONTEND": "noninteractive",
        },
    )


def _configure(config: FleetConfig, rootfs: Path) -> None:
    _install_files(rootfs)
    _add_users(config, rootfs)
    _mask_units(rootfs)
    demo_repo.build_repo(rootfs / "srv/corral-repo")
    _write_apt_sources(rootfs)
    _chroot(rootfs, "apt-get", "update", "-qq")
    _chroot(rootfs, "apt-get", "clean")
    for leftover in ("etc/motd", "etc/hostname"):
        (rootfs / leftover).unlink(missing_ok=True)


def _install_files(rootfs: Path) -> None:
    for name, dest, mode in (
        ("corral-fleet-init", "usr/local/sbin/corral-fleet-init", 0o755),
        ("corral-fleet-enable-next", "usr/local/sbin/corral-fleet-enable-next", 0o755),
        ("sshd-corral-fleet.conf", "etc/ssh/sshd_config.d/corral-fleet.conf", 0o644),
    ):
        target = rootfs / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FILES_DIR / name, target)
        target.chmod(mode)


def _add_users(config: FleetConfig, rootfs: Path) -> None:
    pubkey = config.key_path.with_suffix(".pub").read_text()
    _authorize(rootfs, "root", pubkey)
    for user, password in USERS.items():
        _chroot(rootfs, "useradd", "--create-home", "--shell", "/bin/bash", user)
        if password:
            _chroot(rootfs, "chpasswd", stdin=f"{user}:{password}\n")
            _chroot(rootfs, "usermod", "-aG", "sudo", user)  # %sudo: sudo asks for the password
        _authorize(rootfs, user, pubkey)
    sudoers = rootfs / "etc/sudoers.d/corral-fleet-deploy"
    sudoers.write_text("deploy ALL=(ALL:ALL) NOPASSWD: ALL\n")
    sudoers.chmod(0o440)


def _authorize(rootfs: Path, user: str, pubkey: str) -> None:
    uid, gid, home = _passwd_entry(rootfs, user)
    ssh_dir = rootfs / home.lstrip("/") / ".ssh"
    ssh_dir.mkdir(mode=0o700, exist_ok=True)
    keys = ssh_dir / "authorized_keys"
    keys.write_text(pubkey)
    keys.chmod(0o600)
    for path in (ssh_dir, keys):
        os.chown(path, uid, gid)


def _passwd_entry(rootfs: Path, user: str) -> tuple[int, int, str]:
    for line in (rootfs / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == user:
            return int(fields[2]), int(fields[3]), fields[5]
    raise FleetError(f"user {user} missing from the image")


def _mask_units(rootfs: Path) -> None:
    system = rootfs / "etc/systemd/system"
    for unit in MASKED_UNITS:
        link = system / unit
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to("/dev/null")
    for wants in system.glob("*.wants"):
        for link in wants.iterdir():
            if link.name in MASKED_UNITS:
                link.unlink()


def _write_apt_sources(rootfs: Path) -> None:
    sources = rootfs / "etc/apt/sources.list.d"
    (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
    (sources / "debian.sources").write_text(
        f"# Disabled so hosts stay offline and apt-get update is instant; set Enabled: yes to use it.\n"
        f"Types: deb\nURIs: {DEFAULT_DEBIAN_URI}\nSuites: {SUITE}\nComponents: main\nEnabled: no\n"
    )
    (sources / "corral.sources").write_text(_local_source("main", enabled=True))
    (sources / "corral-next.sources").write_text(_local_source("next", enabled=False))


DEFAULT_DEBIAN_URI = "http://deb.debian.org/debian"


def _local_source(component: str, *, enabled: bool) -> str:
    return (
        f"# corral fleet local repository, component {component}"
        f"{' (enable with corral-fleet-enable-next)' if not enabled else ''}\n"
        f"Types: deb\nURIs: file:/srv/corral-repo/{component}\nSuites: ./\nTrusted: yes\n"
        f"Enabled: {'yes' if enabled else 'no'}\n"
    )
