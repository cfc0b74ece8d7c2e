"""What one controller pays per host, kept small: bounded handshakes, one module lookup
per name and run, the cheap SSH cipher first (numbers in tests/bench/scale/README.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from corral.executor import connections
from corral.executor.connections import MAX_HANDSHAKES, ConnectionPool
from corral.executor.options import RunOptions
from corral.modules.registry import ModuleRegistry
from corral.transport.ciphers import PREFERRED_CIPHERS, cipher_preference


class _SlowHandshake:
    """A connection whose open() takes a while and records how many run at once."""

    def __init__(self, meter: dict[str, int]) -> None:
        self.meter = meter

    async def open(self) -> None:
        self.meter["now"] += 1
        self.meter["peak"] = max(self.meter["peak"], self.meter["now"])
        await asyncio.sleep(0.01)
        self.meter["now"] -= 1


def test_connections_open_a_bounded_number_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    meter = {"now": 0, "peak": 0}
    monkeypatch.setattr(ConnectionPool, "_connect",
                        lambda self, host, host_vars: _SlowHandshake(meter))

    async def main() -> int:
        pool = ConnectionPool(RunOptions())
        hosts = [f"h{i}" for i in range(3 * MAX_HANDSHAKES)]
        opened: list[Any] = await asyncio.gather(*(pool.connection(h, {}) for h in hosts))
        return len({id(c) for c in opened})

    assert asyncio.run(main()) == 3 * MAX_HANDSHAKES
    assert meter["peak"] == connections.MAX_HANDSHAKES


def test_a_module_name_is_looked_up_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = ModuleRegistry()
    calls: list[str] = []
    locate = ModuleRegistry._locate

    def counting(self: ModuleRegistry, name: str) -> Path | None:
        calls.append(name)
        return locate(self, name)

    monkeypatch.setattr(ModuleRegistry, "_locate", counting)
    found = [registry.find("ping") for _ in range(100)] + [registry.find("no_such_module")] * 2
    assert calls == ["ping", "no_such_module"]
    assert found[0] is not None and found[0] is found[99] and found[-1] is None


@pytest.mark.parametrize(("config", "expected"), [
    (None, PREFERRED_CIPHERS),  # no ~/.ssh/config
    ("Host *\n  User deploy\n", PREFERRED_CIPHERS),
    ("Host *\n  Ciphers aes256-ctr\n", None),  # the user's choice wins
    ("Host *\n    ciphers=aes256-ctr\n", None),
    ("Include ~/.ssh/config.d/*\n", None),  # may hold a Ciphers line
])
def test_aes_gcm_first_unless_the_ssh_config_chooses(config: str | None, expected: str | None,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "config"
    if config is not None:
        path.write_text(config)
    assert cipher_preference(path) == expected


def test_asyncssh_reads_the_preference_as_gcm_first_then_its_defaults() -> None:
    options = asyncssh.SSHClientConnectionOptions(encryption_algs=PREFERRED_CIPHERS,
                                                  known_hosts=None, config=[])
    algs = [a.decode() for a in options.encryption_algs]
    assert algs[:2] == ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com"]
    assert "chacha20-poly1305@openssh.com" in algs[2:]
