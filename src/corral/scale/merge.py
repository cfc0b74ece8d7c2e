"""Merge the JSON reports of the shards of one run into one fleet report.

The merged report has the schema of one run's report (``hosts``, ``check_mode``,
``interrupted``, ``duration_seconds``), plus a ``merge`` section saying which
shards were merged and what went wrong. Nothing is dropped silently:

- a report that cannot be read, or is not a corral report, is a *failed shard*;
- when the reports record ``shard: I/N``, a shard with no report is *missing*;
- a host found in two reports is a *duplicate* (the first report's entry is kept).

The exit code is the one a single run would have had (failure beats unreachable
beats drift, drift only in check mode), and at least 1 when a shard is missing or
failed: the hosts of that shard are in an unknown state. Reports that cannot be
shards of one run (check mode and apply mixed, different shard counts) exit 4.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.cli.exit_codes import ExitCode
from corral.errors import UsageError
from corral.report.host_lists import OUTCOMES
from corral.scale.shard import parse_shard

MAX_REPORT_BYTES = 1024 * 1024 * 1024  # one report; far above 100,000 hosts' worth
_COUNTS = ("ok", "changed", "failed", "skipped", "ignored", "rescued", "unknown")


class BadReport(Exception):
    """A file that is not a readable corral JSON report."""


@dataclass
class ShardReport:
    """One input: its file, and its data or why it could not be used."""

    source: str
    data: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Merged:
    report: dict[str, Any]
    exit_code: ExitCode
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_shard_report(path: Path) -> ShardReport:
    """Read one report file; never raises (a bad file becomes a failed shard)."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise BadReport(f"larger than {MAX_REPORT_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
        return ShardReport(str(path), data=_checked(data))
    except OSError as exc:
        return ShardReport(str(path), error=f"cannot read it: {exc.strerror or exc}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ShardReport(str(path), error=f"not JSON: {exc}")
    except BadReport as exc:
        return ShardReport(str(path), error=str(exc))


def _checked(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("hosts"), dict):
        raise BadReport("not a corral JSON report (no 'hosts' object)")
    for name, host in data["hosts"].items():
        if not isinstance(host, dict):
            raise BadReport(f"host {name!r} is not an object")
        for key in _COUNTS:
            if not isinstance(host.get(key, 0), int):
                raise BadReport(f"host {name!r}: {key!r} is not a count")
    shard = data.get("shard")
    if shard is not None:
        try:
            parse_shard(str(shard))
        except UsageError as exc:
            raise BadReport(f"'shard' is {shard!r}, not I/N") from exc
    return data


def merge_reports(inputs: Sequence[ShardReport]) -> Merged:
    merged = Merged(report={}, exit_code=ExitCode.SUCCESS)
    good = [item for item in inputs if item.data is not None]
    failed = [{"file": item.source, "error": item.error or ""} for item in inputs
              if item.data is None]
    merged.problems += [f"{item['file']}: failed shard: {item['error']}" for item in failed]
    hosts, duplicates = _merge_hosts(good, merged)
    check_modes = {bool(item.data.get("check_mode")) for item in good if item.data}
    if len(check_modes) > 1:
        merged.problems.append("the reports mix check mode and apply runs; they are not "
                               "shards of one run")
    shards = _shard_section(good, merged)
    mixed_counts = shards.pop("mixed_counts")
    merged.report = {
        "hosts": hosts,
        "check_mode": check_modes == {True},
        "interrupted": any(item.data.get("interrupted") for item in good if item.data),
        "duration_seconds": max((_number(item.data.get("duration_seconds"))
                                 for item in good if item.data), default=0.0),
        "merge": {**shards, "reports": [item.source for item in inputs],
                  "failed": failed, "duplicate_hosts": duplicates},
    }
    _carry_run_metadata(good, merged.report)
    if all("outcome" in host for host in hosts.values()):  # reports that carry it: one count
        merged.report["outcomes"] = {key: sum(1 for h in hosts.values() if h["outcome"] == key)
                                     for key in OUTCOMES}
    merged.exit_code = _exit_code(merged.report, incomplete=bool(failed or shards["missing"]))
    if len(check_modes) > 1 or mixed_counts:
        merged.exit_code = ExitCode.INVALID_INPUT
    return merged


def _merge_hosts(good: Sequence[ShardReport],
                 merged: Merged) -> tuple[dict[str, Any], dict[str, list[str]]]:
    hosts: dict[str, Any] = {}
    seen: dict[str, list[str]] = {}
    for item in good:
        assert item.data is not None
        for name, host in item.data["hosts"].items():
            seen.setdefault(name, []).append(item.source)
            hosts.setdefault(name, host)
    duplicates = {name: files for name, files in seen.items() if len(files) > 1}
    for name, files in duplicates.items():
        merged.problems.append(f"host {name!r} is in more than one shard report "
                               f"({', '.join(files)}); the first is kept")
    return hosts, duplicates


def _shard_section(good: Sequence[ShardReport], merged: Merged) -> dict[str, Any]:
    recorded = [(item.source, item.data.get("shard")) for item in good if item.data]
    marked = [(source, parse_shard(str(s))) for source, s in recorded if s is not None]
    if len(marked) < len(recorded):
        unmarked = [source for source, s in recorded if s is None]
        merged.warnings.append(
            f"{', '.join(unmarked)}: no 'shard' recorded; a missing shard cannot be detected")
    counts = {shard.count for _, shard in marked}
    if len(counts) > 1:
        merged.problems.append(f"the reports come from different shard counts: "
                               f"{', '.join(f'{s} ({shard})' for s, shard in marked)}")
    count = max(counts, default=None)
    indices: dict[int, list[str]] = {}
    for source, shard in marked:
        indices.setdefault(shard.index, []).append(source)
    missing = [f"{i}/{count}" for i in range(count or 0) if i not in indices]
    merged.problems += [f"shard {shard} is missing: no report for it was given"
                        for shard in missing]
    for index, sources in indices.items():
        if len(sources) > 1:
            merged.problems.append(f"shard {index}/{count} has more than one report: "
                                   f"{', '.join(sources)}")
    return {"count": count, "shards": sorted(f"{i}/{count}" for i in indices),
            "missing": missing, "mixed_counts": len(counts) > 1}


def _carry_run_metadata(good: Sequence[ShardReport], report: dict[str, Any]) -> None:
    """Host lists are recomputed from the merged hosts; other keys come from the first."""
    for item in good:
        assert item.data is not None
        for key, value in item.data.items():
            if key in report or key in ("shard", "stats"):
                continue
            report[key] = value
    lists = {key for item in good if item.data for key, v in item.data.items()
             if isinstance(v, list) and all(isinstance(x, str) for x in v)}
    for key in lists:
        union: list[str] = []
        for item in good:
            assert item.data is not None
            union += [x for x in item.data.get(key) or [] if x not in union]
        report[key] = union
    stats = {name: s for item in good if item.data
             for name, s in (item.data.get("stats") or {}).items()}
    if stats:
        report["stats"] = stats


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _exit_code(report: dict[str, Any], *, incomplete: bool) -> ExitCode:
    hosts = report["hosts"].values()
    if report["interrupted"]:
        code = ExitCode.INTERRUPTED
    elif any(h.get("failed", 0) for h in hosts):
        code = ExitCode.TASK_FAILED
    elif any(h.get("unreachable") for h in hosts):
        code = ExitCode.UNREACHABLE
    elif report["check_mode"] and any(h.get("changed", 0) or h.get("unknown", 0) for h in hosts):
        code = ExitCode.DRIFT
    else:
        code = ExitCode.SUCCESS
    if incomplete and code in (ExitCode.SUCCESS, ExitCode.DRIFT, ExitCode.UNREACHABLE):
        return ExitCode.TASK_FAILED
    return code


def summary_line(merged: Merged) -> str:
    """``fleet: 6 hosts from 3 shards ok=… changed=… unreachable=… failed=… skipped=…``"""
    hosts = merged.report["hosts"].values()
    totals = {key: sum(h.get(key, 0) for h in hosts) for key in _COUNTS}
    unreachable = sum(1 for h in hosts if h.get("unreachable"))
    section = merged.report["merge"]
    shards = len(section["shards"]) or len(section["reports"]) - len(section["failed"])
    return (f"fleet: {len(merged.report['hosts'])} hosts from {shards} shard report"
            f"{'s' if shards != 1 else ''} ok={totals['ok']} changed={totals['changed']} "
            f"unreachable={unreachable} failed={totals['failed']} skipped={totals['skipped']} "
            f"{_unknown_count(hosts)}(exit {int(merged.exit_code)})")


def _unknown_count(hosts: Any) -> str:
    """``unknown=N `` when check mode could not tell some tasks (drift), else nothing."""
    unknown = sum(int(h.get("unknown", 0)) for h in hosts)
    return f"unknown={unknown} " if unknown else ""
