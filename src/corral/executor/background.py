"""Tasks run as background jobs on the host: ``async``/``poll`` and ``timeout``.

The module is started as a job (``modules/_jobs.py`` on the host), so the
agent's channel stays free and in step; the controller then asks
``async_status`` until the job has finished, or, with ``poll: 0``, goes on
at once with the job id. The host kills a job at its time limit.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from corral.executor.play_context import PlayContext
from corral.executor.remote_call import RemoteCaller
from corral.playbook.model import Task
from corral.templating import Templar

DEFAULT_POLL = 15  # seconds, as Ansible
_HEADER = ("ansible_job_id", "started", "finished", "results_file")
_GRACE = 30.0  # seconds past the limit before the controller stops waiting for the host


@dataclass(frozen=True)
class JobPlan:
    """How to run one task as a job: its limit, how often to check, what a timeout says."""

    limit: float
    poll: float | None  # None: check soon and then less often (a `timeout`); 0: do not wait
    timeout_msg: str | None = None
    keep_header: bool = True  # async results keep ansible_job_id, started, finished, results_file


def job_plan(task: Task, templar: Templar) -> JobPlan | None:
    """The task's job settings, or None when it runs as a plain request."""
    if task.async_ is not None:
        limit = int(templar.render(task.async_))
        if limit > 0:
            poll = DEFAULT_POLL if task.poll is None else int(templar.render(task.poll))
            return JobPlan(float(limit), float(max(poll, 0)))
    if task.timeout is not None:
        limit = int(templar.render(task.timeout))
        if limit > 0:
            return JobPlan(float(limit), None, timeout_message(limit), keep_header=False)
    return None


def timeout_message(seconds: int | float) -> str:
    return f"Timed out after {seconds:g} second(s)."


async def run_job(remote: RemoteCaller, host: str, task: Task, play: PlayContext,
                  templar: Templar, args: Mapping[str, Any], check: bool, diff: bool,
                  plan: JobPlan) -> dict[str, Any]:
    """Start the job, then wait for it as ``plan`` says; the agent's result dict."""
    info = remote.registry.find(task.module)
    if plan.keep_header and info is not None and info.prepare is not None:
        # Its controller-side step (a template to render, a file to send) cannot wait.
        return {"status": "failed", "msg": f"This action ({task.module}) does not support async.",
                "diff": None, "changes": [], "data": {}}
    jid = f"j{secrets.randbelow(10**12)}.{os.getpid()}"
    limit = int(plan.limit) if plan.limit == int(plan.limit) else plan.limit
    job = {"jid": jid, "timeout": limit, "timeout_msg": plan.timeout_msg}
    started = await remote.call(host, task, play, templar, args, check, diff, job=job)
    if started.get("status") != "ok":
        return started
    if plan.poll == 0:
        return {**started, "status": "changed"}  # Ansible reports a started job as changed
    status_task = replace(task, module="async_status", args={}, async_=None, timeout=None)
    raw = await _wait(remote, host, status_task, play, templar, jid, plan)
    await remote.call(host, status_task, play, templar, {"jid": jid, "mode": "cleanup"},
                      False, False)
    if not plan.keep_header:
        raw = {**raw, "data": {k: v for k, v in (raw.get("data") or {}).items() if k not in _HEADER}}
    return raw


async def _wait(remote: RemoteCaller, host: str, status_task: Task, play: PlayContext,
                templar: Templar, jid: str, plan: JobPlan) -> dict[str, Any]:
    deadline = time.monotonic() + plan.limit + _GRACE
    interval = plan.poll or 0.05
    while True:
        await asyncio.sleep(interval)
        raw = await remote.call(host, status_task, play, templar, {"jid": jid}, False, False)
        if (raw.get("data") or {}).get("finished"):
            return raw
        if time.monotonic() > deadline:
            return {"status": "failed", "msg": f"job {jid} did not report back from the host",
                    "diff": None, "changes": [], "data": {"ansible_job_id": jid}}
        if plan.poll is None:
            interval = min(interval * 2, 1.0)
