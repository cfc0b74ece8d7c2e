"""Image flavours: the base image, or `multi` -- the base plus dnf, zypper, pacman and OpenRC.

`multi` is built FROM the cached base image (a copy of its rootfs, then
`apt-get install` in a chroot with the Debian source enabled for that one step,
from CORRAL_FLEET_MIRROR; the source is disabled again, so hosts stay offline).
It adds local rpm and pacman repositories of the demo packages (multi_repo.py),
dnf and zypper repo files (`corral-next` disabled until corral-fleet-enable-next),
a pacman.conf, `%_dbpath /var/lib/rpm` (Debian's rpm defaults to ~/.rpmdb, so dnf
and zypper would each see another database), and OpenRC: its runlevels are
emptied and light hosts boot them (`openrc sysinit/boot/default`) before sshd,
so `rc-service` and `rc-update` really work.

Cached at <cache>/flavour-multi-<hash>/rootfs; the hash covers the base image's
name, this file, multi_repo.py and files-multi/*. Built in <cache>/build-flavour-*
and renamed into place; older flavour images no host has mounted are deleted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

from . import multi_repo
from .config import FleetConfig
from .errors import FleetError
from .image import Image, _locked, ensure_image, prune_unused_images
from .proc import run

FLAVOURS = ("base", "multi")
MULTI_PACKAGES = (
    "dnf",
    "rpm",
    "createrepo-c",
    "zypper",
    "pacman-package-manager",
    "libarchive-tools",  # bsdtar, for repo-add
    "makepkg",  # the shell libraries repo-add sources
    "zstd",
    "openrc",
)
FILES_DIR = Path(__file__).parent / "files-multi"
CHROOT_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL": "C",
    "HOME": "/root",
    "DEBIAN_FRONTEND": "noninteractive",
}
RPM_REPO = (
    "[{name}]\nname=corral fleet local rpm repository ({component}){note}\n"
    "baseurl=file:///srv/corral-rpm/{component}\n{extra}enabled={enabled}\ngpgcheck=0\n"
)


def ensure_flavour(config: FleetConfig, flavour: str) -> Image:
    """The cached image of `flavour`, building it (and the base image) if needed."""
    if flavour not in FLAVOURS:
        raise FleetError(f"unknown flavour {flavour!r}; choose one of {', '.join(FLAVOURS)}")
    base = ensure_image(config)
    if flavour == "base":
        return base
    with _locked(config.cache_dir / "build.lock"):
        image = Image(config.cache_dir / f"flavour-{flavour}-{flavour_hash(base)}")
        if not image.rootfs.is_dir():
            _build(config, base, image)
        return image


def flavour_hash(base: Image) -> str:
    digest = hashlib.sha256(base.path.name.encode() + b"\0")
    for path in [Path(__file__), Path(multi_repo.__file__), *sorted(FILES_DIR.iterdir())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _build(config: FleetConfig, base: Image, image: Image) -> None:
    for stale in config.cache_dir.glob("build-flavour-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = config.cache_dir / f"build-{image.path.name}-{os.getpid()}"
    started = time.monotonic()
    print(f"fleet: building image {image.path} from {base.path.name}...", file=sys.stderr)
    work.mkdir()
    rootfs = work / "rootfs"
    run(["cp", "-a", "--reflink=auto", str(base.rootfs), str(rootfs)], what="copying the base image")
    _install_packages(config, rootfs)
    _configure(rootfs)
    (work / "recipe.txt").write_text(f"built {time.ctime()} from {base.path}\n")
    os.rename(work, image.path)
    print(f"fleet: image built in {time.monotonic() - started:.0f}s", file=sys.stderr)
    prune_unused_images(config.cache_dir, keep=image.path, pattern="flavour-*")


def chroot(rootfs: Path, *cmd: str, script: str = "", timeout: float = 600) -> None:
    """Run cmd in the rootfs (with /proc); `script` is shell run first, outside the chroot,
    in the same private mount namespace (for bind mounts)."""
    setup = f"set -e\nmount -t proc proc {rootfs}/proc\n{script}\n"
    run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         setup + 'exec chroot "$0" "$@"', str(rootfs), *cmd],
        what=f"{' '.join(cmd)} in the {rootfs.parent.name} image",
        timeout=timeout,
        env=CHROOT_ENV,
    )


def _install_packages(config: FleetConfig, rootfs: Path) -> None:
    """apt-get install with the Debian source enabled for this step only; debs are cached."""
    sources = rootfs / "etc/apt/sources.list.d/debian.sources"
    offline = sources.read_text()
    sources.write_text(
        f"Types: deb\nURIs: {config.mirror}\nSuites: bookworm\nComponents: main\nEnabled: yes\n"
    )
    debs = config.cache_dir / "debs"
    (debs / "partial").mkdir(parents=True, exist_ok=True)
    mounts = f"mount --bind {debs} {rootfs}/var/cache/apt/archives\n"
    if Path("/etc/resolv.conf").exists():
        (rootfs / "etc/resolv.conf").unlink(missing_ok=True)
        (rootfs / "etc/resolv.conf").touch()
        mounts += f"mount --bind /etc/resolv.conf {rootfs}/etc/resolv.conf\n"
    install = "apt-get update -qq && apt-get install -y -q --no-install-recommends " + " ".join(
        MULTI_PACKAGES
    )
    try:
        chroot(rootfs, "sh", "-c", install, script=mounts, timeout=1800)
    finally:
        sources.write_text(offline)
    chroot(rootfs, "apt-get", "update", "-qq")  # drops the Debian lists: offline again


def _configure(rootfs: Path) -> None:
    _install_files(rootfs)
    _configure_rpm(rootfs)
    _configure_openrc(rootfs)
    multi_repo.build_repos(rootfs, lambda *cmd: chroot(rootfs, *cmd))
    chroot(rootfs, "dnf", "--quiet", "makecache")
    chroot(rootfs, "zypper", "--non-interactive", "--quiet", "refresh")
    chroot(rootfs, "pacman", "-Sy", "--noconfirm")
    shutil.rmtree(rootfs / "var/cache/dnf/logs", ignore_errors=True)
    for log in ("var/log/dnf.log", "var/log/dnf.librepo.log", "var/log/dnf.rpm.log"):
        (rootfs / log).unlink(missing_ok=True)


def _install_files(rootfs: Path) -> None:
    sbin = rootfs / "usr/local/sbin"
    os.rename(sbin / "corral-fleet-init", sbin / "corral-fleet-sshd-init")
    os.rename(sbin / "corral-fleet-enable-next", sbin / "corral-fleet-enable-next-apt")
    for name, dest, mode in (
        ("corral-fleet-openrc-init", "usr/local/sbin/corral-fleet-init", 0o755),
        ("corral-fleet-enable-next", "usr/local/sbin/corral-fleet-enable-next", 0o755),
        ("pacman.conf", "etc/pacman.conf", 0o644),
    ):
        shutil.copyfile(FILES_DIR / name, rootfs / dest)
        (rootfs / dest).chmod(mode)


def _configure_rpm(rootfs: Path) -> None:
    (rootfs / "etc/rpm").mkdir(exist_ok=True)
    (rootfs / "etc/rpm/macros").write_text(
        "# One rpm database for rpm, dnf and zypper (Debian's rpm defaults to ~/.rpmdb)\n"
        "%_dbpath /var/lib/rpm\n"
    )
    for folder, extra in (("etc/yum.repos.d", "metadata_expire=0\n"),
                          ("etc/zypp/repos.d", "type=rpm-md\nautorefresh=1\n")):
        (rootfs / folder).mkdir(parents=True, exist_ok=True)
        for component, name in (("main", "corral"), ("next", "corral-next")):
            enabled = component == "main"
            note = "" if enabled else ", enable with corral-fleet-enable-next"
            (rootfs / folder / f"{name}.repo").write_text(RPM_REPO.format(
                name=name, component=component, note=note, extra=extra, enabled=int(enabled)))


def _configure_openrc(rootfs: Path) -> None:
    """Empty runlevels (the light init starts sshd itself); no hwclock, cgroups, sysctl."""
    for link in (rootfs / "etc/runlevels").glob("*/*"):
        if link.is_symlink():
            link.unlink()
    rc_conf = rootfs / "etc/rc.conf"
    rc_conf.write_text(rc_conf.read_text() + '\n# corral fleet: a container\nrc_sys="lxc"\n')
    if not (rootfs / "sbin/openrc").exists() and not (rootfs / "usr/sbin/openrc").exists():
        raise FleetError("openrc is missing from the multi image")
