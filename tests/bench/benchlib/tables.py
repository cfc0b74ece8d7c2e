"""The result tables (GitHub markdown), rendered from the collected runs."""

from __future__ import annotations

from collections import defaultdict

from .runner import CorralStats, Run, median
from .tools import ALL_TOOLS, PHASES

PHASE_TEXT = {"cold": "cold apply", "rerun": "idempotent re-run", "check": "check mode (converged)"}
INDEXES = ("local", "real")
Key = tuple[str, int, int, str, str]  # phase, hosts, latency ms, index, tool


def group(results: list[Run]) -> dict[Key, list[Run]]:
    groups: dict[Key, list[Run]] = defaultdict(list)
    for run in results:
        groups[(run.phase, run.hosts, run.latency_ms, run.index, run.tool)].append(run)
    return groups


def _phase_name(phase: str, latency: int, index: str) -> str:
    name = PHASE_TEXT[phase] + (f", +{2 * latency} ms RTT" if latency else "")
    return name + (", Debian index" if index == "real" else "")


def summary_table(results: list[Run], tools: list[str]) -> str:
    """Median wall seconds and hosts CPU per host, per phase and host count; each tool's
    time ÷ corral's."""
    groups = group(results)
    others = [t for t in tools if t != "corral"]
    head = ["phase", "hosts", *[f"{ALL_TOOLS[t].label} s" for t in tools]]
    head += [f"{ALL_TOOLS[t].label} hosts CPU/host s" for t in tools]
    head += [f"{ALL_TOOLS[t].label} ÷ corral" for t in others if "corral" in tools]
    rows = []
    for phase, hosts, latency, index in _keys(results):
        walls = {t: _med(groups, (phase, hosts, latency, index, t), "wall") for t in tools}
        per_host = {t: _med(groups, (phase, hosts, latency, index, t), "hosts_cpu") / hosts
                    for t in tools}
        row = [_phase_name(phase, latency, index), str(hosts), *[_num(walls[t]) for t in tools]]
        row += [_num(per_host[t], 3) for t in tools]
        if "corral" in tools:
            row += [_ratio(walls[t], walls["corral"]) for t in others]
        rows.append(row)
    return _markdown(head, rows)


def detail_table(results: list[Run], tools: list[str]) -> str:
    """Every (phase, hosts, tool): wall median and range, CPU, peak RSS, summed PSS of the tree."""
    groups = group(results)
    head = ["phase", "hosts", "tool", "wall s (median)", "wall min–max", "runs",
            "controller CPU s", "hosts CPU s", "peak RSS MB", "tree PSS MB", "changed (1st run)"]
    rows = []
    for phase, hosts, latency, index in _keys(results):
        for tool in tools:
            runs = groups.get((phase, hosts, latency, index, tool), [])
            if not runs:
                continue
            walls = [r.wall for r in runs]
            name = _phase_name(phase, latency, index)
            bad = [r for r in runs if r.failed or r.changed < 0]
            rows.append([
                name, str(hosts), ALL_TOOLS[tool].label, _num(median(walls)),
                f"{min(walls):.2f}–{max(walls):.2f}", str(len(runs)),
                _num(median([r.cpu for r in runs])),
                _num(median([r.hosts_cpu for r in runs])),
                f"{median([r.maxrss_mb for r in runs]):.0f}",
                f"{median([r.tree_pss_mb for r in runs]):.0f}",
                str(runs[0].changed) + (" FAILED" if bad else ""),
            ])
    return _markdown(head, rows)


def memory_table(results: list[Run], tools: list[str]) -> str:
    """Peak RSS (and tree PSS) on the idempotent re-run per host count, and growth per host."""
    groups = group(results)
    counts = sorted({r.hosts for r in results
                     if r.phase == "rerun" and not r.latency_ms and r.index == "local"})
    if len(counts) < 2:
        return ""
    low, high = counts[-2], counts[-1]
    head = ["tool", *[f"peak RSS MB @{n}" for n in counts], f"RSS growth/host {low}→{high}",
            f"tree PSS MB @{high}", f"PSS growth/host {low}→{high}"]
    rows = []
    for tool in tools:
        rss = {n: _med(groups, ("rerun", n, 0, "local", tool), "maxrss_mb") for n in counts}
        pss = {n: _med(groups, ("rerun", n, 0, "local", tool), "tree_pss_mb") for n in counts}
        rows.append([ALL_TOOLS[tool].label, *[f"{rss[n]:.0f}" for n in counts],
                     f"{(rss[high] - rss[low]) / (high - low):.2f} MB",
                     f"{pss[high]:.0f}", f"{(pss[high] - pss[low]) / (high - low):.2f} MB"])
    return _markdown(head, rows)


def stats_table(stats: list[CorralStats]) -> str:
    """corral --stats on the idempotent re-run: round trips = tasks run + a constant?"""
    head = ["hosts", "added RTT", "round trips/host", "tasks run/host", "constant",
            "requests/host", "sent/host", "received/host", "connect s (max)"]
    rows = []
    for entry in stats:
        per = list(entry.per_host.values())
        if not per:
            continue
        rts = sorted({int(p["round_trips"]) for p in per})  # type: ignore[call-overload]
        ran = sorted({int(p["tasks_run"]) for p in per})  # type: ignore[call-overload]
        const = sorted({int(p["round_trips"]) - int(p["tasks_run"]) for p in per})  # type: ignore[call-overload]
        sent = max(int(p.get("bytes_sent", 0)) for p in per)  # type: ignore[call-overload]
        recv = max(int(p.get("bytes_received", 0)) for p in per)  # type: ignore[call-overload]
        conn = max(float(p.get("connect_seconds", 0.0)) for p in per)  # type: ignore[arg-type]
        reqs = sorted({int(p.get("requests", 0)) for p in per})  # type: ignore[call-overload]
        rows.append([str(entry.hosts), f"{2 * entry.latency_ms} ms", _set(rts), _set(ran),
                     _set(const), _set(reqs), f"{sent / 1024:.1f} KiB", f"{recv / 1024:.1f} KiB",
                     f"{conn:.3f}"])
    return _markdown(head, rows)


def phases_table(stats: list[CorralStats]) -> str:
    """corral --stats phases on the idempotent re-run: where the controller's time went."""
    names = [name for entry in stats for name in entry.phases]
    order = list(dict.fromkeys(names))
    head = ["hosts", "added RTT", *[f"{name} wall / CPU s" for name in order]]
    rows = []
    for entry in stats:
        if not entry.phases:
            continue
        cells = []
        for name in order:
            wall, cpu = entry.phases.get(name, (None, None))
            cells.append(f"{_opt(wall)} / {_opt(cpu)}")
        rows.append([str(entry.hosts), f"{2 * entry.latency_ms} ms", *cells])
    return _markdown(head, rows) if rows else ""


def _opt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _keys(results: list[Run]) -> list[tuple[str, int, int, str]]:
    keys = {(r.phase, r.hosts, r.latency_ms, r.index) for r in results}
    return sorted(keys, key=lambda k: (k[2], INDEXES.index(k[3]), PHASES.index(k[0]), k[1]))


def _med(groups: dict[Key, list[Run]], key: Key, attr: str) -> float:
    return median([getattr(r, attr) for r in groups.get(key, [])])


def _num(value: float, digits: int = 2) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


def _ratio(value: float, base: float) -> str:
    if value != value or base != base or base <= 0:
        return "–"
    return f"{value / base:.1f}×"


def _set(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def _markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
