"""The demo packages of demo_repo.py as rpms and pacman packages, in local repositories.

Built inside the `multi` flavour's rootfs (its own rpmbuild, createrepo_c, zstd and
repo-add), so the build machine needs nothing beyond debootstrap:
  /srv/corral-rpm/main     corral-demo 1.0-1, corral-demo-svc 1.0-1   (createrepo_c)
  /srv/corral-rpm/next     corral-demo 2.0-1
  /srv/corral-pacman/main  corral.db: corral-demo 1.0-1, corral-demo-svc 1.0-1   (repo-add)
  /srv/corral-pacman/next  corral-next.db: corral-demo 2.0-1
rpms carry no automatic requires (the rpm database of a Debian host is empty). One rpm,
corral-fleet-release, is installed in the image and stays: it provides
`system-release(releasever) = 12` (dnf's $releasever), and zypper fails to cache an
empty rpm database (rpmdb2solv), which no real rpm host has.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

from .demo_repo import PACKAGES, DemoPackage

RELEASE = "1"
RPM_ROOT = "srv/corral-rpm"
PACMAN_ROOT = "srv/corral-pacman"
PACMAN_DB = {"main": "corral", "next": "corral-next"}
Chroot = Callable[..., None]  # chroot(*argv): run argv inside the rootfs
RELEASE_PACKAGE = DemoPackage(
    "corral-fleet-release",
    "12",
    "release",
    "corral fleet release file (the rpm database of a multi host)",
    {"etc/corral-fleet-release": ("corral fleet: Debian bookworm, multi flavour\n", 0o644)},
)
RELEASE_PROVIDES = "Provides: system-release\nProvides: system-release(releasever) = 12\n"


def build_repos(rootfs: Path, chroot: Chroot) -> None:
    """Build and index every demo package as rpm and as pacman package."""
    work = rootfs / "tmp/corral-build"
    work.mkdir(parents=True)
    try:
        for package in PACKAGES:
            _build_rpm(rootfs, chroot, package)
            _build_pacman(rootfs, chroot, package)
        for component in sorted({p.component for p in PACKAGES}):
            chroot("createrepo_c", "--quiet", "--no-database", f"/{RPM_ROOT}/{component}")
            _index_pacman(rootfs, chroot, component)
        release = _build_rpm(rootfs, chroot, RELEASE_PACKAGE, RELEASE_PROVIDES, keep=False)
        chroot("rpm", "--install", "--quiet", "--nodeps", f"/{release.relative_to(rootfs)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _files(package: DemoPackage) -> dict[str, tuple[str, int]]:
    """The package's files; systemd units under /usr/lib as rpm and Arch packages have them."""
    return {
        ("usr/" + rel if rel.startswith("lib/") else rel): spec
        for rel, spec in package.files.items()
    }


def _build_rpm(
    rootfs: Path, chroot: Chroot, package: DemoPackage, header: str = "", keep: bool = True
) -> Path:
    """rpmbuild in the rootfs; the rpm goes to its repository (keep) or stays in the build dir."""
    top = Path("/tmp/corral-build") / f"rpm-{package.name}-{package.version}"
    tree = rootfs / top.relative_to("/") / "tree"
    for rel, (content, mode) in _files(package).items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        path.chmod(mode)
    spec = rootfs / top.relative_to("/") / f"{package.name}.spec"
    spec.write_text(_spec(package, top / "tree", header))
    chroot("rpmbuild", "--quiet", "--define", f"_topdir {top}", "-bb", str(top / spec.name))
    (rpm,) = (rootfs / top.relative_to("/") / "RPMS").rglob("*.rpm")
    if not keep:
        return rpm
    out = rootfs / RPM_ROOT / package.component
    out.mkdir(parents=True, exist_ok=True)
    return Path(shutil.move(rpm, out / rpm.name))


def _spec(package: DemoPackage, tree: Path, header: str) -> str:
    conffiles = {c.lstrip("/") for c in package.conffiles}
    files = "\n".join(
        (f"%config(noreplace) /{rel}" if rel in conffiles else f"/{rel}")
        for rel in sorted(_files(package))
    )
    return (
        f"Name: {package.name}\nVersion: {package.version}\nRelease: {RELEASE}\n"
        f"Summary: {package.description}\nLicense: MIT\nBuildArch: noarch\nAutoReqProv: no\n"
        f"{header}\n"
        f"%description\n{package.description}\n\n"
        f"%install\nmkdir -p %{{buildroot}}\ncp -a {tree}/. %{{buildroot}}/\n\n"
        f"%files\n%defattr(-,root,root)\n{files}\n"
    )


def _build_pacman(rootfs: Path, chroot: Chroot, package: DemoPackage) -> None:
    """A .pkg.tar.zst by hand: .PKGINFO and the files in a tar, compressed with zstd."""
    out = rootfs / PACMAN_ROOT / package.component
    out.mkdir(parents=True, exist_ok=True)
    name = f"{package.name}-{package.version}-{RELEASE}-any.pkg.tar"
    (out / name).write_bytes(_pacman_tar(package))
    chroot("zstd", "--quiet", "--rm", f"/{PACMAN_ROOT}/{package.component}/{name}")


def _pacman_tar(package: DemoPackage) -> bytes:
    files = _files(package)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        _add(tar, ".PKGINFO", _pkginfo(package, files).encode(), 0o644)
        dirs = sorted({str(p) for rel in files for p in Path(rel).parents if str(p) != "."})
        for folder in dirs:
            info = tarfile.TarInfo(folder)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
            tar.addfile(info)
        for rel, (content, mode) in sorted(files.items()):
            _add(tar, rel, content.encode(), mode)
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _pkginfo(package: DemoPackage, files: dict[str, tuple[str, int]]) -> str:
    size = sum(len(content) for content, _ in files.values())
    backup = "".join(f"backup = {c.lstrip('/')}\n" for c in package.conffiles)
    return (
        f"pkgname = {package.name}\npkgbase = {package.name}\n"
        f"pkgver = {package.version}-{RELEASE}\npkgdesc = {package.description}\n"
        f"url = https://example.invalid/corral\nbuilddate = {int(time.time())}\n"
        f"packager = corral tests <corral@localhost>\nsize = {size}\narch = any\n"
        f"license = MIT\n{backup}"
    )


def _index_pacman(rootfs: Path, chroot: Chroot, component: str) -> None:
    folder = f"/{PACMAN_ROOT}/{component}"
    packages = sorted(p.name for p in (rootfs / folder.lstrip("/")).glob("*.pkg.tar.zst"))
    chroot(
        "repo-add", "--quiet", f"{folder}/{PACMAN_DB[component]}.db.tar.gz",
        *(f"{folder}/{p}" for p in packages),
    )
