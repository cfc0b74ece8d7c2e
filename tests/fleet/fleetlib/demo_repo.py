"""The local apt repository baked into the image: small packages, built here.

Two flat repositories under /srv/corral-repo in the image:
  main/  corral-demo 1.0, corral-demo-svc 1.0   (enabled)
  next/  corral-demo 2.0                          (sources file present, Enabled: no)
Each package is built with dpkg-deb from the file lists below; the index
(Packages + Release) is written by a tiny indexer so no dpkg-dev is needed.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from .proc import run

SVC_SCRIPT = """\
#!/bin/sh
# corral-demo-svc: a tiny long-running service for corral's tests.
# Copies /etc/corral-demo.conf to /run/corral-demo/active.conf at start and on SIGHUP,
# so a test can tell which configuration the running service has loaded.
state=/run/corral-demo
load() { mkdir -p "$state"; cat /etc/corral-demo.conf > "$state/active.conf" 2>/dev/null || : > "$state/active.conf"; }
trap load HUP
trap 'exit 0' TERM INT
load
echo $$ > "$state/pid"
while :; do sleep 1 & wait $!; done
"""

SVC_UNIT = """\
[Unit]
Description=corral demo service (test fixture)

[Service]
Type=simple
ExecStart=/usr/bin/corral-demo-svc
ExecReload=/bin/kill -HUP $MAINPID

[Install]
WantedBy=multi-user.target
"""


@dataclass(frozen=True)
class DemoPackage:
    name: str
    version: str
    component: str
    description: str
    files: dict[str, tuple[str, int]]  # path -> (content, mode)
    conffiles: tuple[str, ...] = ()


PACKAGES = (
    DemoPackage(
        "corral-demo",
        "1.0",
        "main",
        "corral demo package (test fixture)",
        {"usr/share/corral-demo/VERSION": ("1.0\n", 0o644)},
    ),
    DemoPackage(
        "corral-demo",
        "2.0",
        "next",
        "corral demo package (test fixture)",
        {"usr/share/corral-demo/VERSION": ("2.0\n", 0o644)},
    ),
    DemoPackage(
        "corral-demo-svc",
        "1.0",
        "main",
        "corral demo service (test fixture)",
        {
            "usr/bin/corral-demo-svc": (SVC_SCRIPT, 0o755),
            "lib/systemd/system/corral-demo.service": (SVC_UNIT, 0o644),
            "etc/corral-demo.conf": ("# corral-demo configuration\nmessage=hello\n", 0o644),
        },
        conffiles=("/etc/corral-demo.conf",),
    ),
)


def build_repo(repo_root: Path) -> None:
    """Build every demo package into repo_root/<component>/ and index each component."""
    for package in PACKAGES:
        _build_deb(package, repo_root / package.component)
    for component in sorted({p.component for p in PACKAGES}):
        _index(repo_root / component)


def _build_deb(package: DemoPackage, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        for rel, (content, mode) in package.files.items():
            path = tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            path.chmod(mode)
        size_kb = sum(len(content) for content, _ in package.files.values()) // 1024 + 1
        debian = tree / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(
            f"Package: {package.name}\nVersion: {package.version}\nArchitecture: all\n"
            f"Maintainer: corral tests <corral@localhost>\nInstalled-Size: {size_kb}\n"
            f"Section: misc\nPriority: optional\nDescription: {package.description}\n"
        )
        if package.conffiles:
            (debian / "conffiles").write_text("".join(f"{c}\n" for c in package.conffiles))
        deb = out_dir / f"{package.name}_{package.version}_all.deb"
        run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(tree), str(deb)],
            what=f"building {deb.name}",
        )


def _index(component_dir: Path) -> None:
    stanzas = [_stanza(deb) for deb in sorted(component_dir.glob("*.deb"))]
    packages = component_dir / "Packages"
    packages.write_text("\n".join(stanzas))
    data = packages.read_bytes()
    (component_dir / "Release").write_text(
        f"Origin: corral-fleet\nLabel: corral-fleet {component_dir.name}\n"
        f"Suite: {component_dir.name}\nDate: {formatdate(usegmt=True)}\nArchitectures: all amd64 arm64\n"
        f"MD5Sum:\n {hashlib.md5(data).hexdigest()} {len(data)} Packages\n"
        f"SHA256:\n {hashlib.sha256(data).hexdigest()} {len(data)} Packages\n"
    )


def _stanza(deb: Path) -> str:
    control = run(["dpkg-deb", "--field", str(deb)], what=f"reading {deb.name}").rstrip("\n")
    data = deb.read_bytes()
    return (
        f"{control}\nFilename: ./{deb.name}\nSize: {len(data)}\n"
        f"MD5sum: {hashlib.md5(data).hexdigest()}\nSHA256: {hashlib.sha256(data).hexdigest()}\n"
    )
