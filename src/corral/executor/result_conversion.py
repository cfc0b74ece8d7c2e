"""Turn the agent's result dicts into typed results and registered values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corral.report.model import AttributeChange, ContentDiff, Status, TaskResult
from corral.templating.unsafe import mark_unsafe

_STATUS = {
    "ok": Status.OK,
    "changed": Status.CHANGED,
    "failed": Status.FAILED,
    "skipped": Status.SKIPPED,
    "unknown": Status.UNKNOWN,
}


def result_from_module(host: str, task: str, module: str, raw: Mapping[str, Any],
                       label: str | None) -> TaskResult:
    """A TaskResult from the agent's `run` response (see modules/_api.py)."""
    status = _STATUS.get(str(raw.get("status")), Status.FAILED)
    diff = None
    raw_diff = raw.get("diff")
    if isinstance(raw_diff, Mapping) and ("before" in raw_diff or "after" in raw_diff):
        diff = ContentDiff(
            before=str(raw_diff.get("before") or ""),
            after=str(raw_diff.get("after") or ""),
            before_header=str(raw_diff.get("before_header") or "before"),
            after_header=str(raw_diff.get("after_header") or "after"),
        )
    changes = tuple(
        AttributeChange(str(c.get("what")), c.get("before"), c.get("after"), _lines(c))
        for c in raw.get("changes") or ()
        if isinstance(c, Mapping)
    )
    data = dict(raw.get("data") or {})
    if isinstance(raw.get("missing"), Mapping):  # a precondition the host lacks (pending_changes.py)
        data["missing"] = dict(raw["missing"])
    return TaskResult(host, task, module, status, msg=str(raw.get("msg") or ""), diff=diff,
                      changes=changes, data=data, item_label=label)


def _lines(change: Mapping[str, Any]) -> tuple[int, int] | None:
    """A content change's (added, removed) line counts, when the module sent two ints."""
    lines = change.get("lines")
    if (isinstance(lines, (list, tuple)) and len(lines) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)):
        return int(lines[0]), int(lines[1])
    return None


def registered_value(raw: Mapping[str, Any]) -> dict[str, Any]:
    """What `register:` stores: Ansible's shape (changed, failed, msg, module data).

    A module's data may carry Ansible's own `msg` (lineinfile's "line added"); else
    the registered msg is corral's message for the task.
    """
    status = str(raw.get("status"))
    value: dict[str, Any] = dict(raw.get("data") or {})
    value.update({
        # a failed module that says it changed something (a command that ran) stays changed
        "changed": status == "changed" or (status == "failed" and value.get("changed") is True),
        "failed": status == "failed",
        "msg": value["msg"] if isinstance(value.get("msg"), str) else raw.get("msg") or "",
    })
    if status == "skipped":
        value["skipped"] = True
        value["skip_reason"] = raw.get("msg") or ""
    if raw.get("diff") is not None:
        value["diff"] = raw.get("diff")
    unsafe: dict[str, Any] = mark_unsafe(value)  # host data is never rendered again
    return unsafe


def aggregate_loop(host: str, task: str, module: str, results: list[TaskResult],
                   registered: list[dict[str, Any]]) -> tuple[TaskResult, dict[str, Any]]:
    """One summary result for a loop, and `results` for register, as Ansible does."""
    statuses = {r.status for r in results}
    if Status.UNREACHABLE in statuses:
        status = Status.UNREACHABLE
    elif any(r.status is Status.FAILED for r in results):
        status = Status.FAILED
    elif Status.UNKNOWN in statuses:  # check mode could not predict an item: nor the loop
        status = Status.UNKNOWN
    elif Status.CHANGED in statuses:
        status = Status.CHANGED
    elif statuses <= {Status.SKIPPED}:  # every item skipped, or no item at all
        status = Status.SKIPPED
    else:
        status = Status.OK
    failed_msgs = [f"item {r.item_label}: {r.msg}" for r in results if r.status is Status.FAILED]
    unknown = [r for r in results if r.status is Status.UNKNOWN]
    msg = "; ".join(failed_msgs) if failed_msgs else ("All items completed" if results else
                                                       "No items in the list")
    if status is Status.UNKNOWN:
        msg = unknown[0].msg
    changes = tuple(c for r in results for c in r.changes)
    changed = any(r.status is Status.CHANGED or r.data.get("changed") is True for r in results)
    failed = [r for r in results if r.status is Status.FAILED]
    summary = TaskResult(host, task, module, status, msg=msg, changes=changes,
                         data={"changed": changed, **_depends_on(unknown)},
                         no_log=any(r.no_log for r in results),
                         ignored=bool(failed) and all(r.ignored for r in failed))
    value: dict[str, Any] = {
        "results": registered,
        "changed": changed,
        "failed": status is Status.FAILED,
        "msg": "One or more items failed" if failed else msg,
        "skipped": status is Status.SKIPPED,
    }
    if not results:  # Ansible's shape for an empty loop
        value = {"results": [], "changed": False, "skipped": True,
                 "skipped_reason": "No items in the list"}
    return summary, value


def _depends_on(unknown: list[TaskResult]) -> dict[str, Any]:
    """The first unknown item's dependency: the loop's, for the tasks that read its result."""
    origin = unknown[0].data.get("depends_on") if unknown else None
    return {"depends_on": origin} if origin else {}
