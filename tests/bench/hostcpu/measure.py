"""CPU used inside each managed host per run: corral vs pyinfra, and where it goes.

Runs against a fleet that is already up (``tests/fleet/fleet up --state-dir S
--base-port P --hosts N``), with the bench venv's Python (corral, asyncssh and
pyinfra installed)::

    sudo /var/cache/corral-bench/venv/bin/python tests/bench/hostcpu/measure.py \\
        --state-dir /run/corral-fleet-bench --hosts 1,10 --runs 5

Host CPU is the ``usage_usec`` delta of each host's cgroup (sshd, shells, the
agent, modules, systemd on systemd hosts) around one run. Runs of the two tools
alternate, so machine load hits both alike; medians are printed per host.

``--components`` adds the split of one host's cost, each step measured on its own
in the same way over the same hosts: an SSH connection running ``true``, the same
running ``python3 -I -c pass``, corral's agent started and stopped (no task), and
the agent serving one ping.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

from benchlib.inventories import BenchHost, write_inventories  # noqa: E402
from benchlib.workload import prepare_workload  # noqa: E402

KEY = Path("/var/cache/corral-fleet/id_ed25519")
FLEET = BENCH.parent / "fleet" / "fleet"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--hosts", default="1,10", help="host counts, e.g. 1,10")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/corral-hostcpu"))
    parser.add_argument("--tools", default="corral,pyinfra")
    parser.add_argument("--phases", default="rerun,check")
    parser.add_argument("--components", action="store_true", help="split one host's cost")
    parser.add_argument("--no-converge", action="store_true", help="the fleet is converged")
    parser.add_argument("--real-index", action="store_true",
                        help="give the hosts this machine's Debian apt sources and lists first")
    parser.add_argument("--json", type=Path, help="write the samples here")
    parser.add_argument("--base-corral", type=Path,
                        help="another corral (e.g. an older version) measured as tool corral-base")
    args = parser.parse_args()
    state = json.loads((args.state_dir / "state.json").read_text())
    venv_bin = Path(sys.executable).parent
    results: dict[str, object] = {}
    counts = [int(n) for n in args.hosts.split(",")]
    if args.real_index:
        _give_real_index(args.state_dir, _hosts(state, max(counts)))
    for count in counts:
        hosts = _hosts(state, count)
        inv = write_inventories(args.work / f"inv-{count}", hosts, KEY,
                                args.state_dir / "known_hosts")
        workload = prepare_workload(args.work / f"w-{count}", with_pkg=True)
        commands = _commands(venv_bin, inv.yaml, inv.pyinfra, count, args.base_corral)
        tools = args.tools.split(",")
        if not args.no_converge:
            for tool in tools:
                _run(commands[(tool, "apply")], workload, check_rc=False)
        for phase in args.phases.split(","):
            samples = _alternate(state, hosts, workload, commands, tools, phase, args.runs)
            results[f"{phase}@{count}"] = samples
            for tool in tools:
                _print_row(phase, count, tool, samples[tool])
        if args.components:
            parts = asyncio.run(_components(state, hosts, args.state_dir, args.runs))
            results[f"components@{count}"] = parts
            for name, values in parts.items():
                print(f"  {name:<34} {statistics.median(values):6.1f} ms/host", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


def _hosts(state: dict, count: int) -> tuple[BenchHost, ...]:
    names = sorted(state["hosts"])[:count]
    if len(names) < count:
        raise SystemExit(f"the fleet has {len(names)} hosts, {count} asked")
    return tuple(BenchHost(n, state["hosts"][n]["port"], state["hosts"][n]["systemd"])
                 for n in names)


def _commands(venv_bin: Path, yaml: Path, py: Path, count: int,
              base: Path | None) -> dict[tuple[str, str], list[str]]:
    corral = [str(venv_bin / "corral"), "apply", "app.yml", "-i", str(yaml), "--forks", str(count)]
    pyinfra = [str(venv_bin / "pyinfra"), "--parallel", str(count), str(py), "deploy.py"]
    older = [str(base), *corral[1:]]
    return {
        ("corral-base", "apply"): older, ("corral-base", "rerun"): older,
        ("corral-base", "check"): [*older, "--check"],
        ("corral", "apply"): corral, ("corral", "rerun"): corral,
        ("corral", "check"): [*corral, "--check"],
        ("pyinfra", "apply"): pyinfra[:1] + ["-y"] + pyinfra[1:],
        ("pyinfra", "rerun"): pyinfra[:1] + ["-y"] + pyinfra[1:],
        ("pyinfra", "check"): pyinfra[:1] + ["--dry"] + pyinfra[1:],
    }


def _give_real_index(state_dir: Path, hosts: tuple[BenchHost, ...]) -> None:
    """This machine's Debian sources and package lists on every host (offline: the lists
    are copied, never fetched), as a user's servers know the full index."""
    lists = sorted(str(p.relative_to("/")) for p in Path("/var/lib/apt/lists").glob("deb.debian.org_*"))
    if not lists:
        raise SystemExit("this machine has no deb.debian.org package lists to copy")
    tar = subprocess.run(["tar", "cf", "-", "-C", "/", "etc/apt/sources.list.d/debian.sources",
                          *lists], check=True, stdout=subprocess.PIPE).stdout
    for host in hosts:
        subprocess.run([str(FLEET), "exec", "--state-dir", str(state_dir), host.name, "--",
                        "sh", "-c", "tar xf - -C / && apt-cache stats >/dev/null"],
                       input=tar, check=True)


def _usage(state: dict, hosts: tuple[BenchHost, ...]) -> list[int]:
    out = []
    for host in hosts:
        cgroup = state["hosts"][host.name]["running"]["cgroup"]
        text = Path(cgroup, "cpu.stat").read_text()
        out.append(int(text.split("usage_usec", 1)[1].split()[0]))
    return out


def _run(cmd: list[str], cwd: Path, check_rc: bool = True) -> None:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="", NO_COLOR="1")
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check_rc and done.returncode != 0:
        sys.stderr.write(done.stdout.decode(errors="replace")[-3000:])
        raise SystemExit(f"{cmd[0]} exited {done.returncode}")


def _alternate(state: dict, hosts: tuple[BenchHost, ...], workload: Path,
               commands: dict[tuple[str, str], list[str]], tools: list[str], phase: str,
               runs: int) -> dict[str, list[dict[str, float]]]:
    samples: dict[str, list[dict[str, float]]] = {tool: [] for tool in tools}
    for _ in range(runs):
        for tool in tools:
            time.sleep(0.3)  # let the previous run's sshd sessions finish
            before = _usage(state, hosts)
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.monotonic()
            _run(commands[(tool, phase)], workload)
            wall = time.monotonic() - began
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            time.sleep(0.3)
            after = _usage(state, hosts)
            per_host = [(a - b) / 1000 for a, b in zip(after, before, strict=True)]
            light = [v for v, h in zip(per_host, hosts, strict=True) if not h.systemd]
            samples[tool].append({
                "wall_s": wall,
                "controller_ms": (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) * 1000,
                "host_ms_mean": sum(per_host) / len(per_host),
                "light_host_ms_mean": sum(light) / len(light) if light else float("nan"),
            })
    return samples


def _print_row(phase: str, count: int, tool: str, rows: list[dict[str, float]]) -> None:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)
    print(f"{phase:<6} {count:>3} hosts {tool:<8} host CPU/host {med('host_ms_mean'):6.1f} ms "
          f"(light hosts {med('light_host_ms_mean'):6.1f} ms)  controller "
          f"{med('controller_ms'):6.0f} ms  wall {med('wall_s'):5.2f} s  "
          f"[{', '.join(format(r['host_ms_mean'], '.0f') for r in rows)}]", flush=True)


async def _components(state: dict, hosts: tuple[BenchHost, ...], state_dir: Path,
                      runs: int) -> dict[str, list[float]]:
    """Each step of a host's cost on its own (light hosts only: no systemd noise)."""
    light = tuple(h for h in hosts if not h.systemd) or hosts
    steps: dict[str, Callable[[BenchHost], Awaitable[None]]] = {
        "ssh connect + `true`": lambda h: _ssh(h, state_dir, "true"),
        "ssh connect + `python3 -I -c pass`": lambda h: _ssh(h, state_dir, "python3 -I -c pass"),
        "ssh + python3 -I -S -c pass": lambda h: _ssh(h, state_dir, "python3 -I -S -c pass"),
        "corral agent start + exit": lambda h: _agent(h, state_dir, 0),
        "corral agent + 20 pings": lambda h: _agent(h, state_dir, 20),
    }
    out: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            await asyncio.sleep(0.3)
            before = _usage(state, light)
            await asyncio.gather(*(step(h) for h in light))
            await asyncio.sleep(0.3)
            after = _usage(state, light)
            out[name].append(sum(a - b for a, b in zip(after, before, strict=True)) / 1000 / len(light))
    return out


def _connect_options(host: BenchHost, state_dir: Path) -> object:
    from corral.transport.options import ConnectOptions
    return ConnectOptions(host=host.name, address="127.0.0.1", port=host.port, user="root",
                          key_file=str(KEY), known_hosts=str(state_dir / "known_hosts"))


async def _ssh(host: BenchHost, state_dir: Path, command: str) -> None:
    from corral.transport.ssh import SshConnection
    conn = SshConnection(_connect_options(host, state_dir))  # type: ignore[arg-type]
    await conn.open()
    try:
        await conn.run_raw(command)
    finally:
        await conn.close()


async def _agent(host: BenchHost, state_dir: Path, pings: int) -> None:
    from corral.transport.ssh import SshConnection
    conn = SshConnection(_connect_options(host, state_dir))  # type: ignore[arg-type]
    await conn.open()
    try:
        agent = await conn.agent()
        for _ in range(pings):
            await agent.ping()
    finally:
        await conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
