"""The measured runs: per host count, per tool, cold applies, re-runs and check runs."""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .fleet import KEY, BenchFleet
from .inventories import write_inventories
from .measure import measure
from .tools import ALL_TOOLS, RunContext, Tool


@dataclass
class Run:
    tool: str
    phase: str
    hosts: int
    latency_ms: int
    wall: float
    cpu: float
    maxrss_mb: float
    tree_pss_mb: float
    rc: int
    changed: int
    failed: int
    log: str
    load: float
    hosts_cpu: float
    index: str = "local"  # the hosts' apt index: the fleet's local repo, or Debian's ("real")


@dataclass
class CorralStats:
    hosts: int
    latency_ms: int
    per_host: dict[str, dict[str, object]] = field(default_factory=dict)
    # the controller's phases from --stats: name -> (wall s, CPU s); None where not given
    phases: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)


def parse_phases(output: str) -> dict[str, tuple[float | None, float | None]]:
    """The `PHASES (controller)` table of `corral --stats` (name, wall s, CPU s per line)."""
    phases: dict[str, tuple[float | None, float | None]] = {}
    lines = output.split("PHASES (controller)\n", 1)[-1].splitlines()[1:] if (
        "PHASES (controller)" in output) else []
    for line in lines:
        fields = line[20:].split()
        if not line.strip() or len(fields) < 2:
            break
        phases[line[:20].strip()] = (_seconds(fields[0]), _seconds(fields[1]))
    return phases


def _seconds(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@dataclass
class Bench:
    """Everything a bench run needs and collects."""

    fleet: BenchFleet
    venv_bin: Path
    workload: Path
    work: Path
    runs: int
    slow_runs: int
    tools: list[str]
    with_pkg: bool
    base_env: dict[str, str]
    index: str = "local"
    packages: tuple[str, ...] = ("corral-demo", "corral-demo-svc")
    results: list[Run] = field(default_factory=list)
    stats: list[CorralStats] = field(default_factory=list)

    def context(self, hosts: int, latency_ms: int) -> RunContext:
        folder = self.work / f"inv-relay{latency_ms}" if latency_ms else self.work / "inv"
        inv = write_inventories(folder, self.fleet.hosts(hosts), KEY,
                                self.fleet.known_hosts)
        scratch = self.work / "scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        return RunContext(self.venv_bin, self.workload, inv.yaml, inv.pyinfra, hosts, scratch,
                          self.with_pkg, self.base_env, self.packages)

    def host_count(self, hosts: int) -> None:
        """Cold applies (each on reset hosts), then re-runs and check runs, for each tool."""
        ctx = self.context(hosts, 0)
        for key in self.tools:
            tool = ALL_TOOLS[key]
            for i in range(self.runs_of(key)):
                self.fleet.reset(hosts)
                self.one(tool, "cold", ctx, 0, i)
            for phase in ("rerun", "check"):
                for i in range(self.runs_of(key)):
                    self.one(tool, phase, ctx, 0, i)
            if key == "corral" and self.index == "local":
                self.corral_stats(ctx, 0)

    def latency(self, hosts: int, latency_ms: int) -> None:
        """Idempotent re-runs through the delaying relay, after one untimed warm-up run each."""
        ctx = self.context(hosts, latency_ms)
        for key in self.tools:
            tool = ALL_TOOLS[key]
            self.one(tool, "rerun", ctx, latency_ms, -1)
            for i in range(self.runs_of(key)):
                self.one(tool, "rerun", ctx, latency_ms, i)
            if key == "corral":
                self.corral_stats(ctx, latency_ms)

    def runs_of(self, key: str) -> int:
        return self.slow_runs if key.startswith("ansible") else self.runs

    def one(self, tool: Tool, phase: str, ctx: RunContext, latency_ms: int, index: int) -> None:
        inv = tool.invocation(phase, ctx)
        if inv.report is not None and inv.report.exists():
            inv.report.unlink()
        tag = "warmup" if index < 0 else f"r{index + 1}"
        log = self.work / "logs" / f"{tool.key}-{phase}-{ctx.hosts}h-{latency_ms}ms-{self.index}-{tag}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        load = float(Path("/proc/loadavg").read_text().split()[0])
        hosts_cpu = self.fleet.hosts_cpu_seconds(ctx.hosts)
        sample = measure(inv.cmd, log, ctx.workload, inv.env)
        hosts_cpu = self.fleet.hosts_cpu_seconds(ctx.hosts) - hosts_cpu
        outcome = tool.outcome(log, inv)
        what = f"{tool.label:<18} {phase:<5} {ctx.hosts:>2} hosts"
        what += f" +{2 * latency_ms}ms RTT" if latency_ms else ""
        what += " Debian index" if self.index == "real" else ""
        verdict = _verdict(phase, sample.rc, outcome.changed, outcome.failed)
        print(f"bench: {what} {tag:<6} {sample.wall:7.2f}s cpu {sample.cpu:6.2f}s "
              f"hosts cpu {hosts_cpu:6.2f}s rss {sample.maxrss_mb:5.0f}MB pss {sample.tree_pss_mb:6.0f}MB "
              f"changed={outcome.changed} {verdict}", flush=True)
        if verdict != "ok":
            print(_tail(log), flush=True)
        if index >= 0:
            self.results.append(Run(tool.key, phase, ctx.hosts, latency_ms, sample.wall,
                                    sample.cpu, sample.maxrss_mb, sample.tree_pss_mb,
                                    sample.rc, outcome.changed, outcome.failed, str(log), load, hosts_cpu,
                                    self.index))

    def corral_stats(self, ctx: RunContext, latency_ms: int) -> None:
        """One more (untimed) corral re-run with --stats: round trips and bytes per host."""
        inv = ALL_TOOLS["corral"].invocation("rerun", ctx)
        done = subprocess.run([*inv.cmd, "--stats"], cwd=ctx.workload, env=inv.env,
                              capture_output=True, text=True, check=False)
        assert inv.report is not None
        report = json.loads(inv.report.read_text())
        entry = CorralStats(ctx.hosts, latency_ms, phases=parse_phases(done.stdout))
        for name, row in report.get("stats", {}).items():
            tasks = report["hosts"][name]["tasks"]
            ran = sum(1 for t in tasks if t["status"] != "skipped")
            entry.per_host[name] = dict(row, tasks_run=ran)
        self.stats.append(entry)

    def save(self, path: Path) -> None:
        data = {"results": [asdict(r) for r in self.results],
                "corral_stats": [asdict(s) for s in self.stats]}
        path.write_text(json.dumps(data, indent=1))


def _verdict(phase: str, rc: int, changed: int, failed: int) -> str:
    if changed < 0:
        return f"FAILED (rc={rc}, no result found in the log)"
    if failed:
        return f"FAILED (rc={rc}, {failed} failed/unreachable)"
    if phase != "cold" and changed:
        return f"NOT IDEMPOTENT ({changed} changed on a converged fleet)"
    if phase == "cold" and not changed:
        return "SUSPECT (cold apply changed nothing)"
    if rc not in (0, 2) or (rc == 2 and phase != "check"):
        return f"FAILED (rc={rc})"
    return "ok"


def _tail(log: Path, lines: int = 25) -> str:
    text = log.read_text(errors="replace").splitlines()
    return "\n".join("    | " + line for line in text[-lines:])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
