"""pytest plugin: a local fleet for the whole test session.

Registered by tests/conftest.py. Use the session fixture `fleet`, mark the tests
`@pytest.mark.fleet`:

    @pytest.mark.fleet
    def test_something(fleet):
        fleet.inventory_path          # Ansible-style inventory for corral
        fleet.exec("host02", "cat /etc/hostname").stdout  # via nsenter, not ssh

Size: CORRAL_FLEET_HOSTS (default 4) light hosts plus CORRAL_FLEET_SYSTEMD
(default 1) systemd hosts; systemd hosts come first (host01). The session fleet
lives in CORRAL_FLEET_PYTEST_STATE (default /run/corral-fleet-pytest) with ports
from CORRAL_FLEET_PYTEST_PORT (default 24201), apart from a fleet started by hand.
A fleet that cannot start fails the test (pytest.fail), never skips.

`multi_fleet` is a second session fleet of the `multi` image flavour (dnf, zypper,
pacman, OpenRC; see fleetlib/flavour.py): CORRAL_FLEET_MULTI_HOSTS (default 2) light
hosts in CORRAL_FLEET_MULTI_STATE (default /run/corral-fleet-pytest-multi), ports from
CORRAL_FLEET_MULTI_PORT (default 24401). Started lazily by the first test using it.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fleetlib import Fleet, FleetConfig, FleetError
from fleetlib.config import require_root_linux
from fleetlib.inventory import add_known_host
from fleetlib.readiness import ssh_argv
from relay import ThreadedRelay

DEFAULT_STATE = "/run/corral-fleet-pytest"
DEFAULT_PORT = 24201
DEFAULT_MULTI_STATE = "/run/corral-fleet-pytest-multi"
DEFAULT_MULTI_PORT = 24401


class FleetHandle:
    """What the `fleet` fixture yields: names, ports, paths and host controls."""

    def __init__(self, fleet: Fleet, inventory_path: Path) -> None:
        self._fleet = fleet
        self._relays: list[ThreadedRelay] = []
        state = fleet.status()
        self.inventory_path = inventory_path
        self.hosts = list(state.hosts)
        self.systemd_hosts = [h.name for h in state.hosts.values() if h.spec.systemd]
        self.light_hosts = [h.name for h in state.hosts.values() if not h.spec.systemd]
        self.key_path = fleet.config.key_path
        self.known_hosts = fleet.config.known_hosts
        self.state_dir = fleet.config.state_dir
        self._ports = {h.name: h.spec.port for h in state.hosts.values()}
        self._host_key = (
            (Path(state.image) / "rootfs/etc/ssh/ssh_host_ed25519_key.pub").read_text().split()[:2]
        )

    def port(self, host: str) -> int:
        """The host's own sshd port on 127.0.0.1."""
        return self._ports[host]

    def exec(
        self,
        host: str,
        cmd: str | Sequence[str],
        *,
        check: bool = False,
        input: str | None = None,
        timeout: float | None = 120,
    ) -> subprocess.CompletedProcess[str]:
        """Run cmd as root inside the host via nsenter (a str goes through sh -c); output captured."""
        argv = ["sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        return self._fleet.exec(
            host, argv, capture_output=True, text=True, check=check, input=input, timeout=timeout
        )

    def ssh(
        self,
        host: str,
        cmd: str,
        *,
        user: str = "root",
        port: int | None = None,
        timeout: float | None = 120,
    ) -> subprocess.CompletedProcess[str]:
        """Run cmd over a real ssh connection (the openssh client), output captured."""
        argv = self.ssh_argv(host, user=user, port=port)
        return subprocess.run(
            [*argv, cmd], capture_output=True, text=True, timeout=timeout, check=False
        )

    def ssh_argv(self, host: str, *, user: str = "root", port: int | None = None) -> list[str]:
        return ssh_argv(self._fleet.config, port or self.port(host), user)

    def alive(self, host: str) -> bool:
        """Whether the host's PID 1 runs (false once it has shut down, e.g. to reboot)."""
        return self._fleet.status().host(host).alive()

    def reset(self, host: str) -> None:
        """Back to a clean copy of the image (stops, discards changes, starts, waits for ssh)."""
        self._fleet.reset(host)

    def stop(self, host: str) -> None:
        self._fleet.stop(host)

    def start(self, host: str) -> None:
        self._fleet.start(host)

    def relay(
        self,
        host: str,
        *,
        delay_up_ms: float = 0,
        delay_down_ms: float = 0,
        drop_after_bytes: int | None = None,
    ) -> ThreadedRelay:
        """A started in-process fault relay in front of host (known_hosts has its port).

        Connect to 127.0.0.1:relay.port; relay.stall(s), relay.drop_all(), relay.set_faults(...),
        relay.stop(). Stopped at the end of the session if the test does not stop it.
        """
        relay = ThreadedRelay(
            0,
            self.port(host),
            delay_up_ms=delay_up_ms,
            delay_down_ms=delay_down_ms,
            drop_after_bytes=drop_after_bytes,
        ).start()
        add_known_host(self._fleet.config, relay.port, " ".join(self._host_key))
        self._relays.append(relay)
        return relay

    def close_relays(self) -> None:
        for relay in self._relays:
            relay.stop()
        self._relays.clear()


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        pytest.fail(f"{name}={os.environ[name]!r} is not a number", pytrace=False)


class _Session:
    """Brings the fleet up and guarantees one `down`: fixture teardown, atexit or SIGTERM."""

    def __init__(self, state_dir: str, base_port: int, flavour: str = "base") -> None:
        config = FleetConfig(state_dir=Path(state_dir), base_port=base_port)
        self.fleet = Fleet(config)
        self.flavour = flavour
        self.down_done = True

    def up(self, hosts: int, systemd: int) -> FleetHandle:
        inventory_path = self.fleet.config.state_dir / "inventory.yml"
        try:
            require_root_linux()
            self.down_done = False
            atexit.register(self.down)
            self.fleet.down()  # a fleet left by a killed session in the same state dir
            self.fleet.up(hosts + systemd, systemd, inventory_path, flavour=self.flavour)
        except FleetError as exc:
            self._down_quietly()
            failure = str(exc)
        else:
            return FleetHandle(self.fleet, inventory_path)
        pytest.fail(f"the local fleet could not start: {failure}", pytrace=False)

    def down(self) -> None:
        if not self.down_done:
            self.down_done = True
            self.fleet.down()

    def _down_quietly(self) -> None:
        try:
            self.down()
        except FleetError as exc:
            print(f"fleet: cleanup after a failed start also failed: {exc}", file=sys.stderr)


@pytest.fixture(scope="session")
def fleet() -> Iterator[FleetHandle]:
    """The session's fleet (see the module docstring); torn down even on failure or Ctrl-C."""
    session = _Session(
        os.environ.get("CORRAL_FLEET_PYTEST_STATE", DEFAULT_STATE),
        _env_int("CORRAL_FLEET_PYTEST_PORT", DEFAULT_PORT),
    )
    yield from _run_session(
        session, _env_int("CORRAL_FLEET_HOSTS", 4), _env_int("CORRAL_FLEET_SYSTEMD", 1)
    )


@pytest.fixture(scope="session")
def multi_fleet() -> Iterator[FleetHandle]:
    """A second fleet of the `multi` flavour (dnf, zypper, pacman; light hosts boot OpenRC):
    CORRAL_FLEET_MULTI_HOSTS (default 2) light hosts, group `multi` and `openrc` in its
    inventory. Started only when a test asks for it; torn down like `fleet`."""
    session = _Session(
        os.environ.get("CORRAL_FLEET_MULTI_STATE", DEFAULT_MULTI_STATE),
        _env_int("CORRAL_FLEET_MULTI_PORT", DEFAULT_MULTI_PORT),
        flavour="multi",
    )
    yield from _run_session(session, _env_int("CORRAL_FLEET_MULTI_HOSTS", 2), 0)


def _run_session(session: _Session, hosts: int, systemd: int) -> Iterator[FleetHandle]:
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt("SIGTERM")  # unwinds into the finally below

    signal.signal(signal.SIGTERM, on_term)
    handle: FleetHandle | None = None
    try:
        handle = session.up(hosts, systemd)
        yield handle
    finally:
        if handle is not None:
            handle.close_relays()
        session.down()
        signal.signal(signal.SIGTERM, previous)
