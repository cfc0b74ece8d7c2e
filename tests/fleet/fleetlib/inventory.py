"""The files a fleet hands to its users: known_hosts and an Ansible-style inventory."""

from __future__ import annotations

import os
from pathlib import Path

from .config import FleetConfig
from .state import FleetState


def client_port(host_port: int, relay_port: int | None) -> int:
    """The port clients should use: the relay's when one fronts the host."""
    return relay_port if relay_port is not None else host_port


def write_known_hosts(
    config: FleetConfig, state: FleetState, key_line: str, extra_ports: tuple[int, ...] = ()
) -> None:
    """Every host shares the image's host key; list it for each host port and relay port."""
    ports = [h.spec.port for h in state.hosts.values()]
    ports += [h.relay.port for h in state.hosts.values() if h.relay]
    lines = [f"[127.0.0.1]:{port} {key_line}\n" for port in [*ports, *extra_ports]]
    _atomic_write(config.known_hosts, "".join(lines))


def add_known_host(config: FleetConfig, port: int, key_line: str) -> None:
    """Append a port (e.g. a relay started by a test) to the fleet's known_hosts."""
    with open(config.known_hosts, "a") as handle:
        handle.write(f"[127.0.0.1]:{port} {key_line}\n")


def render_inventory(config: FleetConfig, state: FleetState) -> str:
    lines = [
        "# Written by tests/fleet/fleet up; regenerated on every up.",
        "all:",
        "  vars:",
        "    ansible_user: root",
        f"    ansible_ssh_private_key_file: {config.key_path}",
        f"    corral_known_hosts: {config.known_hosts}",
        "  children:",
        "    fleet:",
        "      hosts:",
    ]
    for host in state.hosts.values():
        port = client_port(host.spec.port, host.relay.port if host.relay else None)
        lines.append(f"        {host.name}: {{ansible_host: 127.0.0.1, ansible_port: {port}}}")
    systemd = [h.name for h in state.hosts.values() if h.spec.systemd]
    lines += _group("systemd", systemd)
    if state.flavour != "base":
        # the flavour's hosts; its light hosts boot OpenRC (flavour.py)
        lines += _group(state.flavour, list(state.hosts))
        lines += _group("openrc", [h.name for h in state.hosts.values() if not h.spec.systemd])
    return "\n".join(lines) + "\n"


def _group(name: str, hosts: list[str]) -> list[str]:
    lines = [f"    {name}:", "      hosts:" if hosts else "      hosts: {}"]
    return lines + [f"        {host}: {{}}" for host in hosts]


def write_inventory(config: FleetConfig, state: FleetState, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, render_inventory(config, state))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
