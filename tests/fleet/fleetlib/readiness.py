"""Waiting until hosts are usable: sshd answers and, for systemd hosts, boot finished."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from .config import FleetConfig
from .errors import FleetError
from .host import Running, exec_in


def ssh_argv(config: FleetConfig, port: int, user: str = "root") -> list[str]:
    """An ssh command line that trusts exactly the fleet's known_hosts and key."""
    return [
        "ssh",
        "-F",
        "/dev/null",
        "-i",
        str(config.key_path),
        "-p",
        str(port),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        f"UserKnownHostsFile={config.known_hosts}",
        "-o",
        "ConnectTimeout=10",
        "-o",
        "LogLevel=ERROR",
        f"{user}@127.0.0.1",
    ]


def wait_banner(port: int, timeout: float) -> None:
    """Until something on 127.0.0.1:port sends an SSH banner."""
    deadline = time.monotonic() + timeout
    last: Exception | str = "no answer"
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.settimeout(5)
                banner = sock.recv(64)
            if banner.startswith(b"SSH-"):
                return
            last = f"unexpected banner {banner!r}"
        except OSError as exc:
            last = exc
        time.sleep(0.05)
    raise FleetError(f"port {port}: no SSH banner within {timeout:.0f}s ({last})")


def wait_ssh(config: FleetConfig, port: int, timeout: float) -> None:
    """Until `ssh root@127.0.0.1 -p port true` succeeds (a real login)."""
    wait_banner(port, timeout)
    deadline = time.monotonic() + timeout
    while True:
        done = subprocess.run(
            [*ssh_argv(config, port), "true"], capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise FleetError(f"port {port}: ssh login failed: {done.stderr.strip()}")
        time.sleep(0.2)


def wait_systemd(running: Running, timeout: float, log: Path) -> str:
    """Until systemd inside the host says running or degraded; returns that state."""
    deadline = time.monotonic() + timeout
    state = "unknown"
    while time.monotonic() < deadline:
        if not running.pid1.alive():
            raise FleetError(f"systemd exited while booting; see {log}")
        done = exec_in(
            running, True, ["systemctl", "is-system-running"], capture_output=True, text=True
        )
        state = done.stdout.strip()
        if state in ("running", "degraded"):
            return state
        time.sleep(0.2)
    raise FleetError(
        f"systemd did not finish booting within {timeout:.0f}s (state {state!r}); see {log}"
    )


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
