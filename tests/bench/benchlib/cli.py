"""`tests/bench/run`: corral vs ansible-core vs pyinfra on the local fleet (see README.md)."""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from .fleet import BenchFleet
from .runner import Bench, Run, median
from .tables import detail_table, memory_table, phases_table, stats_table, summary_table
from .tools import ALL_TOOLS
from .workload import LOCAL_PACKAGES, prepare_workload

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- bench-results:start -->", "<!-- bench-results:end -->"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="tests/bench/run", description=__doc__)
    p.add_argument("--hosts", default="1,10,50", help="host counts, comma-separated (1,10,50)")
    p.add_argument("--runs", type=int, default=3, help="measured runs per cell (median)")
    p.add_argument("--slow-runs", type=int, default=None,
                   help="measured runs per cell for ansible (default: --runs)")
    p.add_argument("--quick", action="store_true", help="1 and 10 hosts, 1 run")
    p.add_argument("--tools", default=",".join(ALL_TOOLS), help="subset of: " + ",".join(ALL_TOOLS))
    p.add_argument("--no-pkg", action="store_true",
                   help="workload without the apt package and systemd service tasks")
    p.add_argument("--index", default="local",
                   help="the hosts' apt index, comma-separated: local (the fleet's small repo), "
                        "real (this machine's Debian sources, full index, apt-get update untimed)")
    p.add_argument("--real-packages", default="jq",
                   help="--index real: Debian packages the workload installs besides the demo ones")
    p.add_argument("--no-latency", action="store_true", help="skip the +20 ms RTT re-runs")
    p.add_argument("--latency-hosts", type=int, default=10)
    p.add_argument("--delay-ms", type=int, default=10, help="relay delay each way (10 = 20 ms RTT)")
    p.add_argument("--profile", action="store_true",
                   help="also profile one corral re-run at the largest host count (pyinstrument)")
    p.add_argument("--update-readme", action="store_true", help="write the tables into README.md")
    p.add_argument("--state-dir", default="/run/corral-fleet-bench")
    p.add_argument("--base-port", type=int, default=31201)
    p.add_argument("--systemd", type=int, default=2, help="systemd hosts (the first K)")
    p.add_argument("--venv", default=os.environ.get("CORRAL_BENCH_VENV", "/var/cache/corral-bench/venv"))
    p.add_argument("--work", default="/var/cache/corral-bench/work", help="logs, results.json, tables")
    args = p.parse_args(argv)
    if args.quick:
        args.hosts, args.runs = "1,10", 1
    if args.slow_runs is None or args.quick:
        args.slow_runs = args.runs
    args.host_counts = sorted({int(n) for n in args.hosts.split(",")})
    args.tool_list = [t for t in ALL_TOOLS if t in args.tools.split(",")]
    args.indexes = [i for i in ("local", "real") if i in args.index.split(",")]
    if not args.indexes or set(args.index.split(",")) - {"local", "real"}:
        p.error(f"--index {args.index}: give local, real or local,real")
    args.real_package_list = tuple(n for n in args.real_packages.split(",") if n)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    venv_bin = Path(args.venv) / "bin"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    with_pkg = not args.no_pkg and _corral_has_pkg_modules(venv_bin)
    if not args.no_pkg and not with_pkg:
        print("bench: corral has no apt/systemd modules yet: running the --no-pkg workload", flush=True)
    workload = prepare_workload(work, with_pkg)
    real_packages = (*LOCAL_PACKAGES, *args.real_package_list)
    real_workload = prepare_workload(work, with_pkg, real_packages, "workload-real")
    size = max(args.host_counts)
    fleet = BenchFleet(Path(args.state_dir), args.base_port, size, min(args.systemd, size),
                       Path(args.venv).parent / "debs", index_tar=work / "real-index.tar")
    env = dict(os.environ, PATH=f"{venv_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    bench = Bench(fleet, venv_bin, workload, work, args.runs, args.slow_runs, args.tool_list, with_pkg, env)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` takes the fleet down
    try:
        fleet.down()
        if (work / "real-index.tar").exists():
            (work / "real-index.tar").unlink()  # fetched again: the mirror moves
        for index in args.indexes:
            real = index == "real"
            fleet.real_index = args.real_package_list if real else ()
            bench.index, bench.workload = index, real_workload if real else workload
            bench.packages = real_packages if real else LOCAL_PACKAGES
            if index == args.indexes[0]:
                fleet.up()
            for hosts in args.host_counts:
                bench.host_count(hosts)
        if args.profile and "corral" in args.tool_list:
            profile(bench, size)
        if not args.no_latency:
            fleet.down()
            latency_fleet = BenchFleet(fleet.state_dir, fleet.base_port, args.latency_hosts,
                                       min(args.systemd, args.latency_hosts), fleet.deb_cache,
                                       relays=tuple(h.name for h in fleet.hosts(args.latency_hosts)),
                                       relay_delay_ms=args.delay_ms)
            bench.fleet = latency_fleet
            latency_fleet.up()
            bench.one(ALL_TOOLS["corral"] if "corral" in args.tool_list else ALL_TOOLS[args.tool_list[0]],
                      "cold", bench.context(args.latency_hosts, args.delay_ms), args.delay_ms, -1)
            bench.latency(args.latency_hosts, args.delay_ms)
    finally:
        bench.fleet.down()
        fleet.down()
        bench.save(work / "results.json")
    text = render(bench, args, venv_bin, with_pkg, time.monotonic() - started)
    (work / "results.md").write_text(text)
    print("\n" + text)
    if args.update_readme:
        update_readme(text)
    return 0


def profile(bench: Bench, hosts: int) -> None:
    """pyinstrument over one corral re-run on ``hosts`` hosts; text profile in the work dir."""
    ctx = bench.context(hosts, 0)
    inv = ALL_TOOLS["corral"].invocation("rerun", ctx)
    out = bench.work / f"profile-corral-rerun-{hosts}h.txt"
    html = out.with_suffix(".html")
    cmd = [str(bench.venv_bin / "python"), "-m", "pyinstrument", "-r", "text", "-o", str(out),
           "-m", "corral", *inv.cmd[1:]]
    subprocess.run(cmd, cwd=ctx.workload, env=inv.env, capture_output=True, check=False)
    subprocess.run([*cmd[:3], "-r", "html", "-o", str(html), *cmd[7:]], cwd=ctx.workload,
                   env=inv.env, capture_output=True, check=False)
    print(f"bench: profile of corral's {hosts}-host re-run: {out} (and {html.name})", flush=True)


def render(bench: Bench, args: argparse.Namespace, venv_bin: Path, with_pkg: bool,
           seconds: float) -> str:
    results, tools = bench.results, args.tool_list
    parts = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on {machine()}; "
        f"{args.runs} run(s) per cell ({args.slow_runs} for ansible), workload {'full' if with_pkg else '--no-pkg'}, "
        f"apt index: {' and '.join(_INDEX_TEXT[i] for i in args.indexes)}"
        f"{' (packages ' + ', '.join(args.real_package_list) + ' added)' if 'real' in args.indexes else ''}, "
        f"{args.systemd} systemd hosts; {versions(venv_bin)}; bench took {seconds / 60:.0f} min; "
        f"1-min load average before the runs: median {_load(results)} (other work on the machine "
        "inflates wall times).",
        "",
        "Median wall seconds (lower is better), hosts CPU per host (CPU used inside the hosts'"
        " cgroups during the run ÷ hosts), and each tool's time ÷ corral's:",
        "",
        summary_table(results, tools),
        "",
        "Every cell: wall, controller CPU (user+sys of the tool and the processes it waited for,"
        " ssh included), hosts CPU (used inside the hosts' cgroups during the run: sshd, agents, modules,"
        " apt, systemd), peak RSS (largest single process), tree PSS (sampled sum over the"
        " tool's processes):",
        "",
        detail_table(results, tools),
    ]
    memory = memory_table(results, tools)
    if memory:
        parts += ["", "Controller memory on the idempotent re-run:", "", memory]
    if bench.stats:
        parts += ["", f"corral `--stats` on the idempotent re-run (bootstrap sent to each host: "
                      f"{bootstrap_size(venv_bin)} bytes, compressed):", "", stats_table(bench.stats)]
        phases = phases_table(bench.stats)
        if phases:
            parts += ["", "The controller's phases on that run (`--stats`: start-up is the process's "
                          "start until the command began; connect, tasks and closing are the run's "
                          "wall time split):", "", phases]
    return "\n".join(parts) + "\n"


_INDEX_TEXT = {"local": "the fleet's local repo", "real": "Debian's full index (this machine's sources)"}


def _load(results: list[Run]) -> str:
    loads = sorted(r.load for r in results)
    return f"{median(loads):.1f}, max {loads[-1]:.1f}" if loads else "?"


def machine() -> str:
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    return (f"{os.cpu_count()} CPUs ({cpu.group(1).strip() if cpu else platform.machine()}), "
            f"{mem_kb / 1024 / 1024:.0f} GiB RAM, Linux {platform.release()}")


def versions(venv_bin: Path) -> str:
    code = ("import importlib.metadata as m;"
            "print(', '.join(f'{p} {m.version(p)}' for p in ('corral','ansible-core','pyinfra')))")
    out = subprocess.run([str(venv_bin / "python"), "-c", code], capture_output=True, text=True)
    return out.stdout.strip() + f", Python {platform.python_version()}"


def bootstrap_size(venv_bin: Path) -> str:
    out = subprocess.run([str(venv_bin / "python"), "-c",
                          "from corral.transport import bootstrap_size; print(bootstrap_size())"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "?"


def _corral_has_pkg_modules(venv_bin: Path) -> bool:
    out = subprocess.run([str(venv_bin / "corral"), "modules"], capture_output=True, text=True)
    names = {line.split()[0] for line in out.stdout.splitlines() if line.strip()}
    return {"apt", "systemd"} <= names


def update_readme(text: str) -> None:
    readme = README.read_text()
    if START not in readme or END not in readme:
        print(f"bench: {README} has no {START} … {END} markers; not updated", flush=True)
        return
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{text}{END}{tail}")
    print(f"bench: tables written into {README}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
