"""The fleet operations: up, down, start, stop, reset, exec, status.

Every operation that changes the fleet holds the state dir's lock and records
what it started in the state file before waiting on it, so `down` (from any
process) can always clean up -- even after a failed or interrupted `up`.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from . import host as hostmod
from . import inventory, readiness, state
from .config import FleetConfig, require_root_linux
from .errors import FleetError
from .flavour import ensure_flavour
from .image import Image
from .proc import ProcRef
from .state import FleetState, HostState, RelayState

RELAY_SCRIPT = Path(__file__).resolve().parent.parent / "relay.py"
RELAY_PORT_OFFSET = 1000
LIGHT_TIMEOUT = 60.0
SYSTEMD_TIMEOUT = 120.0
T = TypeVar("T")


def host_names(count: int) -> list[str]:
    return [f"host{i:02d}" for i in range(1, count + 1)]


def parse_relay(arg: str) -> tuple[str, str]:
    """`host03:delay=10` -> ("host03", "delay=10")."""
    name, sep, spec = arg.partition(":")
    if not sep or not name:
        raise FleetError(f"--relay {arg!r}: write HOST:SPEC, e.g. host03:delay=10")
    return name, spec


class Fleet:
    """One fleet, identified by its state dir (config.state_dir)."""

    def __init__(self, config: FleetConfig | None = None) -> None:
        self.config = config or FleetConfig()

    # -- up / down -------------------------------------------------------------------------

    def up(
        self,
        hosts: int,
        systemd: int = 0,
        inventory_path: Path | None = None,
        relays: Sequence[str] = (),
        flavour: str = "base",
    ) -> FleetState:
        """Start `hosts` hosts (the first `systemd` of them boot systemd) of the image
        `flavour` (flavour.py: base, or multi with dnf, zypper, pacman and OpenRC);
        wait until all are usable."""
        require_root_linux()
        if not 0 <= systemd <= hosts or hosts < 1:
            raise FleetError(
                f"--hosts {hosts} --systemd {systemd}: need 1 <= hosts and 0 <= systemd <= hosts"
            )
        image = ensure_flavour(self.config, flavour)
        with state.locked(self.config):
            current = state.load(self.config)
            alive = [h.name for h in current.hosts.values() if h.alive()]
            if alive:
                raise FleetError(
                    f"a fleet is already up in {self.config.state_dir} ({', '.join(alive)}); "
                    "run `fleet down` first, or use another --state-dir and --base-port"
                )
            self._teardown(current)
            fleet = self._plan(hosts, systemd, image, relays)
            fleet.flavour = flavour
            try:
                self._bring_up(fleet, image, inventory_path)
            except BaseException:
                self._teardown(fleet)
                raise
            return fleet

    def down(self) -> list[str]:
        """Stop every host and relay of this fleet, remove their folders. Idempotent."""
        require_root_linux()
        with state.locked(self.config):
            fleet = state.load(self.config)
            self._teardown(fleet)
            return list(fleet.hosts)

    # -- one host ----------------------------------------------------------------------------

    def stop(self, name: str) -> None:
        with state.locked(self.config):
            fleet = state.load(self.config)
            host = fleet.host(name)
            if host.running:
                hostmod.kill(host.running)
                host.running = None
                state.save(self.config, fleet)

    def start(self, name: str) -> None:
        with state.locked(self.config):
            fleet = state.load(self.config)
            host = fleet.host(name)
            if not host.alive():
                host.running = hostmod.launch(self.config, Image(Path(fleet.image)), host.spec)
                state.save(self.config, fleet)
                self._wait_ready(host)

    def reset(self, name: str) -> None:
        """Back to a clean copy of the image: stop, throw away the host's changes, start."""
        with state.locked(self.config):
            fleet = state.load(self.config)
            host = fleet.host(name)
            if host.running:
                hostmod.kill(host.running)
                host.running = None
            hostmod.HostDir(self.config, name).wipe()
            host.running = hostmod.launch(self.config, Image(Path(fleet.image)), host.spec)
            state.save(self.config, fleet)
            self._wait_ready(host)

    def exec(
        self, name: str, cmd: Sequence[str], **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        """Run cmd inside the host through nsenter (no ssh); kwargs go to subprocess.run."""
        host = state.load(self.config).host(name)
        if not host.running or not host.alive():
            raise FleetError(f"{name} is stopped; `fleet start {name}` first")
        return hostmod.exec_in(host.running, host.spec.systemd, cmd, **kwargs)

    def status(self) -> FleetState:
        return state.load(self.config)

    def ssh_argv(self, name: str, user: str = "root") -> list[str]:
        host = state.load(self.config).host(name)
        return readiness.ssh_argv(self.config, host.spec.port, user)

    # -- internals -----------------------------------------------------------------------------

    def _plan(self, hosts: int, systemd: int, image: Image, relays: Sequence[str]) -> FleetState:
        fleet = FleetState(image=str(image.path))
        for index, name in enumerate(host_names(hosts)):
            spec = hostmod.HostSpec(name, self.config.base_port + index, index < systemd)
            fleet.hosts[name] = HostState(spec)
        for name, faults in map(parse_relay, relays):
            _check_faults(faults)
            relay_port = fleet.host(name).spec.port + RELAY_PORT_OFFSET
            fleet.host(name).relay = RelayState(relay_port, faults, ProcRef(0, 0))
        busy = [p for p in self._ports(fleet) if not readiness.port_free(p)]
        if busy:
            raise FleetError(f"ports already in use: {busy}; choose another --base-port")
        return fleet

    @staticmethod
    def _ports(fleet: FleetState) -> list[int]:
        ports = [h.spec.port for h in fleet.hosts.values()]
        return ports + [h.relay.port for h in fleet.hosts.values() if h.relay]

    def _bring_up(self, fleet: FleetState, image: Image, inventory_path: Path | None) -> None:
        if inventory_path is not None:
            fleet.inventory = str(inventory_path.resolve())
        hosts = list(fleet.hosts.values())

        def launch(host: HostState) -> None:
            host.running = hostmod.launch(self.config, image, host.spec)

        try:
            _parallel(launch, hosts)
        finally:
            state.save(self.config, fleet)  # whatever did start, `down` must find
        for host in hosts:
            if host.relay:
                host.relay.proc = self._start_relay(host)
        state.save(self.config, fleet)
        inventory.write_known_hosts(self.config, fleet, image.host_key_line)
        if inventory_path is not None:
            inventory.write_inventory(self.config, fleet, inventory_path)
        _parallel(self._wait_ready, hosts)

    def _wait_ready(self, host: HostState) -> None:
        assert host.running is not None
        log = hostmod.HostDir(self.config, host.name).log
        timeout = SYSTEMD_TIMEOUT if host.spec.systemd else LIGHT_TIMEOUT
        try:
            readiness.wait_ssh(self.config, host.spec.port, timeout)
            if host.spec.systemd:
                readiness.wait_systemd(host.running, timeout, log)
            if host.relay:
                readiness.wait_ssh(self.config, host.relay.port, 10)
        except FleetError as exc:
            raise FleetError(f"{host.name}: {exc}\n--- {log} ---\n{hostmod.tail(log)}") from exc

    def _start_relay(self, host: HostState) -> ProcRef:
        assert host.relay is not None
        log = hostmod.HostDir(self.config, host.name).path / "relay.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(RELAY_SCRIPT),
                    "--listen",
                    str(host.relay.port),
                    "--target",
                    str(host.spec.port),
                    "--spec",
                    host.relay.spec,
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return ProcRef.of(process.pid)

    def _teardown(self, fleet: FleetState) -> None:
        """Kill every process the fleet started, remove its folders and files. Safe to repeat."""
        for host in fleet.hosts.values():
            if host.relay:
                host.relay.proc.kill()
        _parallel(
            lambda h: hostmod.kill(h.running) if h.running else None, list(fleet.hosts.values())
        )
        for host in fleet.hosts.values():
            if host.relay:
                host.relay.proc.wait_gone(5)
        self._kill_leftovers()
        if self.config.hosts_dir.exists():
            shutil.rmtree(self.config.hosts_dir)
        for path in (self.config.state_file, self.config.known_hosts):
            path.unlink(missing_ok=True)

    def _kill_leftovers(self) -> None:
        """Anything still in this fleet's cgroup (e.g. a host started but never recorded)."""
        base = hostmod.cgroup_base(self.config)
        if base is None or not base.exists():
            return
        for child in base.iterdir():
            if child.is_dir():
                hostmod.remove_cgroup(child)
        try:
            base.rmdir()
        except OSError:
            pass


def _check_faults(faults: str) -> None:
    """Parse a relay spec with relay.py's own parser, so a typo fails before anything starts."""
    loader = importlib.util.spec_from_file_location("corral_fleet_relay", RELAY_SCRIPT)
    assert loader is not None and loader.loader is not None
    module = sys.modules.get(loader.name) or importlib.util.module_from_spec(loader)
    sys.modules[loader.name] = module  # dataclasses look their module up there
    loader.loader.exec_module(module)
    try:
        module.Faults.parse(faults)
    except ValueError as exc:
        raise FleetError(f"--relay: {exc}") from exc


def _parallel(func: Callable[[HostState], T], hosts: list[HostState]) -> list[T]:
    """func over hosts in threads; the first error is raised after all finished."""
    if not hosts:
        return []
    with ThreadPoolExecutor(max_workers=min(32, len(hosts))) as pool:
        futures = [pool.submit(func, host) for host in hosts]
        errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        raise errors[0]  # type: ignore[misc]
    return [f.result() for f in futures]
