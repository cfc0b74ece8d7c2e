"""corral's local fleet: real Debian hosts on this machine for tests and benchmarks.

Stdlib only, Python >= 3.10, needs root and Linux. Layout:

    config.py     where things live (cache, state dir, ports) -- FleetConfig
    proc.py       running commands, process identity (pid + start time)
    image.py      the debootstrap'd base image, cached by recipe hash
    demo_repo.py  the small .deb packages and the local apt repository
    flavour.py    image flavours: `multi` = base + dnf, zypper, pacman, OpenRC
    multi_repo.py the demo packages as rpms and pacman packages, their repositories
    host.py       one host: overlayfs + namespaces, start/kill/exec
    state.py      the state file (locked JSON) shared by every fleet command
    readiness.py  waiting for sshd / systemd
    inventory.py  the Ansible-style inventory and known_hosts
    fleet.py      up/down/start/stop/reset/status -- the operations
    cli.py        argument parsing for tests/fleet/fleet
"""

from __future__ import annotations

from .config import FleetConfig
from .errors import FleetError
from .fleet import Fleet

__all__ = ["Fleet", "FleetConfig", "FleetError"]
