"""The state file: which hosts and relays a fleet started, so any later command can find them.

<state>/state.json, replaced atomically; <state>/lock serializes commands that change it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .config import FleetConfig
from .host import HostSpec, Running
from .proc import ProcRef


@dataclass
class RelayState:
    port: int
    spec: str
    proc: ProcRef


@dataclass
class HostState:
    spec: HostSpec
    running: Running | None = None
    relay: RelayState | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def alive(self) -> bool:
        return self.running is not None and self.running.pid1.alive()


@dataclass
class FleetState:
    image: str = ""
    inventory: str = ""
    flavour: str = "base"
    hosts: dict[str, HostState] = field(default_factory=dict)

    def host(self, name: str) -> HostState:
        from .errors import FleetError

        if name not in self.hosts:
            known = ", ".join(self.hosts) or "none: the fleet is down"
            raise FleetError(f"no host {name!r} in this fleet (hosts: {known})")
        return self.hosts[name]


@contextmanager
def locked(config: FleetConfig) -> Iterator[None]:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    with open(config.lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def load(config: FleetConfig) -> FleetState:
    try:
        data = json.loads(config.state_file.read_text())
    except FileNotFoundError:
        return FleetState()
    return FleetState(
        image=data["image"],
        inventory=data.get("inventory", ""),
        flavour=data.get("flavour", "base"),
        hosts={name: _host_from_json(raw) for name, raw in data["hosts"].items()},
    )


def save(config: FleetConfig, state: FleetState) -> None:
    data = {
        "image": state.image,
        "inventory": state.inventory,
        "flavour": state.flavour,
        "hosts": {name: _host_to_json(host) for name, host in state.hosts.items()},
    }
    tmp = config.state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, config.state_file)


def _host_to_json(host: HostState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": host.spec.name,
        "port": host.spec.port,
        "systemd": host.spec.systemd,
        "running": None,
        "relay": None,
    }
    if host.running:
        out["running"] = {
            "unshare": host.running.unshare.to_json(),
            "pid1": host.running.pid1.to_json(),
            "cgroup": host.running.cgroup,
        }
    if host.relay:
        out["relay"] = {
            "port": host.relay.port,
            "spec": host.relay.spec,
            "proc": host.relay.proc.to_json(),
        }
    return out


def _host_from_json(raw: dict[str, Any]) -> HostState:
    return HostState(
        spec=HostSpec(raw["name"], raw["port"], raw["systemd"]),
        running=_running_from_json(raw["running"]) if raw["running"] else None,
        relay=RelayState(
            raw["relay"]["port"], raw["relay"]["spec"], ProcRef(**raw["relay"]["proc"])
        )
        if raw["relay"]
        else None,
    )


def _running_from_json(raw: dict[str, Any]) -> Running:
    return Running(ProcRef(**raw["unshare"]), ProcRef(**raw["pid1"]), raw["cgroup"])
