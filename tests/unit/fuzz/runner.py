"""The fuzz runner: cases made from a seed, run by worker processes under a watchdog.

Every case is made from ``(seed, index)`` alone, so one failing case can be made and
run again by itself. Workers are forked processes with an address-space limit (a
case that exhausts memory gets a MemoryError there, not here); the parent kills a
worker whose case runs past its time budget (CPU time, or a multiple of it in wall
clock time for a case blocked on something) and counts a hang.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import resource
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from corral.errors import InputError

from .mutations import mutate
from .seeds import KINDS, seeds
from .targets import TARGETS, Context, input_error_fault

CASE_SECONDS = 10.0  # CPU seconds a case may use; wall clock: WALL_FACTOR times that
WALL_FACTOR = 6  # a busy shared machine slows cases down; a case blocked forever still ends
MEMORY_BYTES = 2 * 1024**3
PASSING = ("accepted", "input_error")


@dataclass(frozen=True)
class Case:
    seed: int
    index: int
    kind: str
    labels: tuple[str, ...]
    data: bytes

    def describe(self) -> str:
        return f"seed={self.seed} case={self.index} kind={self.kind} mutations={'+'.join(self.labels)}"


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: str  # accepted | input_error | crash | bad_error | hang | died
    detail: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.status in PASSING


def make_case(seed: int, index: int, kinds: tuple[str, ...] = KINDS) -> Case:
    """Case ``index`` of run ``seed``: a seed input of some kind, mutated."""
    rng = random.Random(f"{seed}:{index}")
    kind = kinds[index % len(kinds)]
    seed_text = rng.choice(seeds(kind)).encode("utf-8")
    mutated = mutate(rng, kind, seed_text)
    return Case(seed, index, kind, mutated.labels, mutated.data)


def run_in_process(case: Case, ctx: Context, root: Path) -> tuple[str, str]:
    """Run one case here; (status, detail)."""
    folder = root / f"worker{os.getpid()}"  # the same folder each time: registry cached
    folder.mkdir()
    try:
        TARGETS[case.kind](ctx, folder, case.data)
    except InputError as exc:
        fault = input_error_fault(exc, case.kind)
        if fault is not None:
            return "bad_error", fault
        return "input_error", str(exc.problems[0])[:300] if exc.problems else ""
    except Exception as exc:  # anything else is the finding
        return "crash", _where(exc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return "accepted", ""


def _where(exc: BaseException) -> str:
    """The exception and the innermost frame of corral's own code it went through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/corral/" in f.filename and "/tests/" not in f.filename]
    frame = (ours or frames or [None])[-1]
    at = f"{frame.filename.split('/src/')[-1]}:{frame.lineno}" if frame else "?"
    return f"{type(exc).__name__} at {at}: {str(exc)[:200]}"


def _worker(conn: Connection, root: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    ctx = Context()
    while True:
        try:
            case = conn.recv()
        except EOFError:
            return
        if case is None:
            return
        started = time.monotonic()
        try:
            status, detail = run_in_process(case, ctx, Path(root))
        except MemoryError:
            status, detail = "crash", "MemoryError (memory budget exhausted)"
        conn.send((status, detail, time.monotonic() - started))


@dataclass
class _Slot:
    process: multiprocessing.Process
    conn: Connection
    case: Case | None = None
    started: float = 0.0
    cpu_started: float = 0.0

    def cpu_seconds(self) -> float:
        """CPU time the worker has used (user + system), from /proc."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class FuzzRun:
    """Runs cases on ``workers`` processes; each case has ``case_seconds`` to finish."""

    workers: int = 2
    case_seconds: float = CASE_SECONDS
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, cases: list[Case], deadline: float | None = None) -> list[Outcome]:
        """Run ``cases`` (stopping early, between cases, once past ``deadline``)."""
        pending = list(reversed(cases))
        root = tempfile.mkdtemp(prefix="corral-fuzz-")
        slots = [self._start(root) for _ in range(self.workers)]
        try:
            while pending or any(s.case for s in slots):
                for slot in slots:
                    if slot.case is None and pending:
                        if deadline is not None and time.monotonic() > deadline:
                            pending.clear()
                            break
                        slot.case, slot.started = pending.pop(), time.monotonic()
                        slot.cpu_started = slot.cpu_seconds()
                        slot.conn.send(slot.case)
                self._collect(slots, root)
        finally:
            for slot in slots:
                self._stop(slot)
            shutil.rmtree(root, ignore_errors=True)
        return self.outcomes

    def _collect(self, slots: list[_Slot], root: str) -> None:
        busy = [s for s in slots if s.case is not None]
        if not busy:
            return
        wait([s.conn for s in busy], timeout=0.2)
        now = time.monotonic()
        for index, slot in enumerate(slots):
            if slot.case is None:
                continue
            if slot.conn.poll():
                try:
                    status, detail, seconds = slot.conn.recv()
                except EOFError:
                    status, detail, seconds = "died", self._death(slot), now - slot.started
                self.outcomes.append(Outcome(slot.case, status, detail, seconds))
                if status == "died":
                    slots[index] = self._restart(slot, root)
                else:
                    slot.case = None
            elif self._overdue(slot, now):
                self.outcomes.append(Outcome(
                    slot.case, "hang", f"still running after {now - slot.started:.0f} s "
                    f"({slot.cpu_seconds() - slot.cpu_started:.0f} s of CPU)", now - slot.started))
                slots[index] = self._restart(slot, root)

    def _overdue(self, slot: _Slot, now: float) -> bool:
        wall = now - slot.started
        if wall > self.case_seconds * WALL_FACTOR:
            return True
        return wall > self.case_seconds and (
            slot.cpu_seconds() - slot.cpu_started > self.case_seconds)

    def _death(self, slot: _Slot) -> str:
        slot.process.join(timeout=1)
        return f"worker died (exit code {slot.process.exitcode})"

    def _start(self, root: str) -> _Slot:
        parent, child = multiprocessing.get_context("fork").Pipe()
        process = multiprocessing.get_context("fork").Process(
            target=_worker, args=(child, root), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _restart(self, slot: _Slot, root: str) -> _Slot:
        self._stop(slot, kill=True)
        return self._start(root)

    def _stop(self, slot: _Slot, kill: bool = False) -> None:
        if not kill and slot.process.is_alive():
            with contextlib.suppress(OSError):
                slot.conn.send(None)
            slot.process.join(timeout=2)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(timeout=5)
        slot.conn.close()


def failures(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if not o.passed]


def report(outcomes: list[Outcome], seconds: float) -> str:
    """A summary, and how to run every failing case again."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    lines = [f"{len(outcomes)} cases in {seconds:.1f} s: "
             + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))]
    for outcome in failures(outcomes):
        lines.append(f"  {outcome.status}: {outcome.case.describe()}: {outcome.detail}")
        lines.append(f"    again: tests/bench/fuzz --seed {outcome.case.seed} "
                     f"--case {outcome.case.index}")
    return "\n".join(lines)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))
