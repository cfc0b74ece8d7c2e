"""Where the fleet keeps things, and the checks that it can run at all."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FleetError

DEFAULT_CACHE = "/var/cache/corral-fleet"
DEFAULT_STATE = "/run/corral-fleet"
DEFAULT_BASE_PORT = 22201
DEFAULT_MIRROR = "http://deb.debian.org/debian"
REQUIRED_TOOLS = ("debootstrap", "dpkg-deb", "unshare", "nsenter", "mount", "ssh", "ssh-keygen")


@dataclass(frozen=True)
class FleetConfig:
    """Paths and defaults; every field can come from the environment."""

    cache_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("CORRAL_FLEET_CACHE", DEFAULT_CACHE))
    )
    state_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("CORRAL_FLEET_STATE", DEFAULT_STATE))
    )
    base_port: int = field(
        default_factory=lambda: int(os.environ.get("CORRAL_FLEET_BASE_PORT", DEFAULT_BASE_PORT))
    )
    mirror: str = field(
        default_factory=lambda: os.environ.get("CORRAL_FLEET_MIRROR", DEFAULT_MIRROR)
    )

    @property
    def key_path(self) -> Path:
        return self.cache_dir / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.state_dir / "known_hosts"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def lock_file(self) -> Path:
        return self.state_dir / "lock"

    @property
    def hosts_dir(self) -> Path:
        return self.state_dir / "hosts"

    @property
    def fleet_id(self) -> str:
        """A short name for this state dir, unique per concurrent fleet."""
        return hashlib.sha256(str(self.state_dir.resolve()).encode()).hexdigest()[:10]


def require_root_linux() -> None:
    """Fail with a clear message when the fleet cannot run on this machine."""
    if not sys.platform.startswith("linux"):
        raise FleetError(
            f"the local fleet needs Linux (namespaces, overlayfs); this is {sys.platform}"
        )
    if os.geteuid() != 0:
        raise FleetError(
            "the local fleet needs root (mount, unshare, debootstrap); run it with sudo"
        )
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise FleetError(
            f"missing tools: {', '.join(missing)}; install the packages in tests/fleet/REQUIREMENTS-apt.txt"
        )
