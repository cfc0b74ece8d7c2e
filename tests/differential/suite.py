"""Run cases on pairs of twin hosts, pairs working concurrently, and judge each difference."""

from __future__ import annotations

import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.differential.cases import Case
from tests.differential.compare import Difference, compare_runs
from tests.differential.intended import Entry, Intended
from tests.differential.snapshot import Exec, clean, take_snapshot
from tests.differential.tools import ToolRun, Twin, run_both


@dataclass(frozen=True)
class Judged:
    difference: Difference
    entry: Entry | None  # None: not listed, so the case fails


@dataclass
class CaseResult:
    case: Case
    runs: dict[str, tuple[ToolRun, ToolRun]] = field(default_factory=dict)  # "apply"/"check"
    judged: list[Judged] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def unlisted(self) -> list[Difference]:
        return [j.difference for j in self.judged if j.entry is None]


def run_case(case: Case, pair: tuple[Twin, Twin], exec_: Exec, intended: Intended,
             scratch: Path) -> CaseResult:
    started = time.monotonic()
    result = CaseResult(case)
    a_twin, c_twin = pair
    for check in ((True, False) if case.check else (False,)):
        for twin in pair:
            clean(exec_, twin.fleet_name, case.cleanup)
        ansible, corral = run_both(case, a_twin, c_twin, scratch, check)
        result.runs["check" if check else "apply"] = (ansible, corral)
        a_snap = take_snapshot(exec_, a_twin.fleet_name)
        c_snap = take_snapshot(exec_, c_twin.fleet_name)
        for diff in compare_runs(ansible, corral, a_snap, c_snap, intended, check):
            result.judged.append(Judged(diff, intended.reason_for(case.name, diff.what)))
    result.seconds = time.monotonic() - started
    return result


def run_suite(cases: Sequence[Case], pairs: Sequence[tuple[Twin, Twin]], exec_: Exec,
              intended: Intended) -> dict[str, CaseResult]:
    """Every case once; each pair of twins takes the next case when it is free."""
    free: queue.Queue[tuple[Twin, Twin]] = queue.Queue()
    for pair in pairs:
        free.put(pair)
    results: dict[str, CaseResult] = {}
    lock = threading.Lock()
    scratch_root = Path(tempfile.mkdtemp(prefix="cdiff-"))

    def one(case: Case) -> None:
        pair = free.get()
        try:
            scratch = scratch_root / pair[0].fleet_name
            try:
                result = run_case(case, pair, exec_, intended, scratch)
            except (OSError, RuntimeError, ValueError) as exc:
                result = CaseResult(case, error=f"{type(exc).__name__}: {exc}")
            with lock:
                results[case.name] = result
        finally:
            free.put(pair)

    try:
        with ThreadPoolExecutor(max_workers=len(pairs)) as pool:
            list(pool.map(one, cases))
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    return results
