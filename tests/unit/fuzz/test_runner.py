"""The fuzz runner itself: seeds load, and a crash, a hang and a memory blow-up are caught."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from . import runner, targets
from .runner import Case, FuzzRun, make_case
from .seeds import KINDS, seeds
from .targets import TARGETS, Context


@pytest.mark.parametrize("kind", KINDS)
def test_every_seed_is_accepted(kind: str, tmp_path: Path) -> None:
    for index, text in enumerate(seeds(kind)):
        folder = tmp_path / str(index)
        folder.mkdir()
        TARGETS[kind](Context(), folder, text.encode())


def test_cases_are_reproducible() -> None:
    assert make_case(7, 123) == make_case(7, 123)
    assert make_case(7, 123) != make_case(8, 123)


def _sleep(ctx: Context, folder: Path, data: bytes) -> None:
    time.sleep(60)


def _boom(ctx: Context, folder: Path, data: bytes) -> None:
    raise KeyError("boom")


def _hog(ctx: Context, folder: Path, data: bytes) -> None:
    bytearray(3 * 1024**3)  # past the 2 GiB budget


def test_runner_reports_hang_crash_and_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(targets.TARGETS, "sleep", _sleep)
    monkeypatch.setitem(targets.TARGETS, "boom", _boom)
    monkeypatch.setitem(targets.TARGETS, "hog", _hog)
    cases = [Case(0, i, kind, (), b"") for i, kind in enumerate(["sleep", "boom", "hog", "vars_file"])]
    started = time.monotonic()
    outcomes = {o.case.kind: o for o in FuzzRun(workers=2, case_seconds=2).run(cases)}
    assert time.monotonic() - started < 30
    assert outcomes["sleep"].status == "hang"
    assert outcomes["boom"].status == "crash"
    assert "KeyError" in outcomes["boom"].detail
    assert outcomes["hog"].status == "crash"
    assert "MemoryError" in outcomes["hog"].detail
    assert outcomes["vars_file"].status == "accepted"
    assert "again: tests/bench/fuzz --seed 0 --case 0" in runner.report(list(outcomes.values()), 1)
