"""Which tasks run as background jobs on the host, and with what limit."""

from __future__ import annotations

import pytest

from corral.errors import Position
from corral.executor.background import DEFAULT_POLL, JobPlan, job_plan
from corral.playbook.model import Task
from corral.templating import CorralEnvironment, Templar


def _plan(**keywords: object) -> JobPlan | None:
    task = Task(module="command", position=Position("p.yml", 1, 1), **keywords)  # type: ignore[arg-type]
    return job_plan(task, Templar(CorralEnvironment(), {"n": 3}))


@pytest.mark.parametrize(("keywords", "expected"), [
    ({}, None),
    ({"async_": 0}, None),
    ({"async_": 10, "poll": 0}, JobPlan(10.0, 0.0)),
    ({"async_": 10}, JobPlan(10.0, float(DEFAULT_POLL))),
    ({"async_": "{{ n * 2 }}", "poll": "{{ n }}"}, JobPlan(6.0, 3.0)),
    ({"timeout": 2}, JobPlan(2.0, None, "Timed out after 2 second(s).", keep_header=False)),
    ({"timeout": 0}, None),
])
def test_job_plan(keywords: dict[str, object], expected: JobPlan | None) -> None:
    assert _plan(**keywords) == expected
