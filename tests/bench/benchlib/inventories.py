"""Inventories for a slice of the fleet: YAML for corral and ansible, a Python file for pyinfra.

Each host gets the two variables the template uses (app_port, app_tier). The same
host names, ports, users, key and known_hosts file go to every tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BenchHost:
    name: str
    port: int
    systemd: bool

    @property
    def app_port(self) -> int:
        return 8000 + int(self.name[4:])

    @property
    def app_tier(self) -> str:
        return "front" if int(self.name[4:]) % 2 else "back"


@dataclass(frozen=True)
class Inventories:
    yaml: Path
    pyinfra: Path
    hosts: tuple[BenchHost, ...]


def write_inventories(folder: Path, hosts: tuple[BenchHost, ...], key: Path,
                      known_hosts: Path) -> Inventories:
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{len(hosts)}{'-relay' if 'relay' in folder.name else ''}"
    yaml_path = folder / f"inventory-{tag}.yml"
    py_path = folder / f"inventory_{tag.replace('-', '_')}.py"
    yaml_path.write_text(_yaml(hosts, key, known_hosts))
    py_path.write_text(_pyinfra(hosts, key, known_hosts))
    return Inventories(yaml_path, py_path, hosts)


def _yaml(hosts: tuple[BenchHost, ...], key: Path, known_hosts: Path) -> str:
    lines = [
        "all:",
        "  vars:",
        "    ansible_user: root",
        f"    ansible_ssh_private_key_file: {key}",
        f"    corral_known_hosts: {known_hosts}",
        f"    ansible_ssh_common_args: -o UserKnownHostsFile={known_hosts}",
        "  children:",
        "    fleet:",
        "      hosts:",
    ]
    for h in hosts:
        lines.append(f"        {h.name}: {{ansible_host: 127.0.0.1, ansible_port: {h.port}, "
                     f"app_port: {h.app_port}, app_tier: {h.app_tier}}}")
    systemd = [h.name for h in hosts if h.systemd]
    lines += ["    systemd:", "      hosts:" if systemd else "      hosts: {}"]
    lines += [f"        {name}: {{}}" for name in systemd]
    return "\n".join(lines) + "\n"


def _pyinfra(hosts: tuple[BenchHost, ...], key: Path, known_hosts: Path) -> str:
    lines = ["# pyinfra inventory written by tests/bench/run", "fleet = ["]
    for h in hosts:
        data = {
            "ssh_hostname": "127.0.0.1", "ssh_port": h.port, "ssh_user": "root",
            "ssh_key": str(key), "ssh_known_hosts_file": str(known_hosts),
            "ssh_strict_host_key_checking": "yes",
            "app_port": h.app_port, "app_tier": h.app_tier,
        }
        lines.append(f"    ({h.name!r}, {data!r}),")
    lines.append("]")
    lines.append(f"systemd = {[h.name for h in hosts if h.systemd]!r}")
    return "\n".join(lines) + "\n"
