#!/usr/bin/env python3
"""Benchmark: one controller against a simulated fleet of 1,000s of SSH hosts.

    .venv/bin/python tests/bench/scale/simulated_fleet.py --hosts 1000,5000 [--forks 200]

A stand-in fleet: one asyncssh server in a separate process on a loopback port
(port 0: the kernel picks it), accepting every connection without authentication,
and answering corral's agent protocol with a stand-in agent (it reads the payload,
says hello, and answers every ``run`` with ``ok``; it runs no module). Every
inventory host points at that port, so the controller really does one SSH
handshake, one agent bootstrap and 7 framed round trips per host.

For each host count, a 7-task playbook is applied twice (the second run is the
measured "re-run", as on a converged fleet); for each run: wall time, controller
CPU (user+sys) in total and per host, peak RSS, and peak open files (sampled from
/proc every 50 ms). The server's CPU is not counted. Test-only; not CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PLAYBOOK = """\
- hosts: sim
  gather_facts: false
  tasks:
    - ping:
    - stat: {path: /etc/hostname}
    - file: {path: /srv/app, state: directory, mode: "0755"}
    - lineinfile: {path: /etc/app.conf, line: "port=8080", create: true}
    - ini_file: {path: /etc/app.ini, section: main, option: tier, value: web}
    - replace: {path: /etc/app.conf, regexp: "^port=.*", replace: "port=8080"}
    - command: uname -n
      changed_when: false
"""


# -- the stand-in fleet (server process) ----------------------------------------------

async def _agent(process: Any, payload_size: int, ready: bytes, protocol: int) -> None:
    """Speak the agent protocol on one SSH exec channel."""
    try:
        process.stdout.write(ready)
        await process.stdin.readexactly(payload_size)
        hello = {"op": "hello", "protocol": protocol, "python": [3, 11, 0], "pid": 1, "uid": 1000,
                 "user": "sim", "staging": "/tmp/sim", "cached": []}
        _write(process, hello)
        while True:
            header = await process.stdin.readexactly(4)
            frame = json.loads(await process.stdin.readexactly(struct.unpack(">I", header)[0]))
            op = frame.get("op")
            if op in ("put_begin", "put_chunk", "cancel"):
                continue
            if op == "exit":
                _write(process, {"id": frame.get("id"), "ok": True, "result": {"bye": True}})
                break
            if op == "run":
                result = {"status": "ok", "msg": "", "diff": None, "changes": [], "data": {}}
            elif op == "put_end":
                result = {"path": "/tmp/sim/f", "sha256": frame.get("sha256"), "size": 0}
            else:
                result = {"pong": True, "time": time.time()}
            _write(process, {"id": frame.get("id"), "ok": True, "result": result})
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        pass
    process.exit(0)


def _write(process: Any, frame: dict[str, Any]) -> None:
    body = json.dumps(frame).encode()
    process.stdout.write(struct.pack(">I", len(body)) + body)


async def serve() -> None:
    import asyncssh

    from corral.transport.bootstrap import agent_payload
    from corral.transport.framing import PROTOCOL_VERSION, READY_LINE

    size = len(agent_payload())

    class NoAuth(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return False  # the stand-in fleet lets everyone in

    key = asyncssh.generate_private_key("ssh-ed25519")
    server = await asyncssh.create_server(
        NoAuth, "127.0.0.1", 0, server_host_keys=[key], encoding=None,
        process_factory=lambda p: _agent(p, size, READY_LINE, PROTOCOL_VERSION), backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    await asyncio.Event().wait()


# -- the measurement (controller side) ------------------------------------------------

def _raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _sample_fds(pid: int, peak: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], len(os.listdir(f"/proc/{pid}/fd")))
        except OSError:
            return
        stop.wait(0.05)


def run_once(work: Path, hosts: int, forks: int) -> dict[str, Any]:
    args = [sys.executable, "-m", "corral", "apply", str(work / "play.yml"), "-i",
            str(work / f"sim-{hosts}.ini"), "--forks", str(forks), "--host-key-checking", "off",
            "--report", str(work / f"report-{hosts}.json")]
    started = time.monotonic()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, stop = [0], threading.Event()
    sampler = threading.Thread(target=_sample_fds, args=(process.pid, peak, stop), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    stop.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    report = json.loads((work / f"report-{hosts}.json").read_text())
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "hosts": hosts, "exit": process.returncode, "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1), "cpu_ms_per_host": round(1000 * cpu / hosts, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024), "peak_open_files": peak[0],
        "hosts_ok": sum(1 for h in report["hosts"].values()
                        if h["ok"] == 7 and not h["unreachable"]),
        "stderr": stderr.strip().splitlines()[-3:] if process.returncode else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", default="1000,5000")
    parser.add_argument("--forks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2,
                        help="runs per size (the stand-in answers a re-run as a first run)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _raise_nofile()
    if args.serve:
        asyncio.run(serve())
        return
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        work = Path(tempfile.mkdtemp(prefix="corral-sim-"))
        (work / "play.yml").write_text(PLAYBOOK)
        print(f"stand-in fleet on 127.0.0.1:{port}; forks {args.forks}; files in {work}")
        for count in (int(c) for c in args.hosts.split(",")):
            lines = ["[sim]"] + [f"sim{i:05d} ansible_host=127.0.0.1 ansible_port={port} "
                                 "ansible_user=sim" for i in range(count)]
            (work / f"sim-{count}.ini").write_text("\n".join(lines) + "\n")
            for label in ("first run", "re-run", *(f"run {n}" for n in range(3, 10)))[:args.runs]:
                result = run_once(work, count, args.forks)
                print(f"{label:9}: {json.dumps(result)}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
