"""What `corral run` prints per host, in the shape `ansible -m` uses.

    host07 | CHANGED | rc=0 >>           command, shell, raw: the status line, then stdout
    up 3 days, load average: 0.01
    host08 | FAILED | rc=1 >>
    host09 | SUCCESS => state: present     other modules: the message or what changed
    host09 | FAILED! => path /x does not exist
    host10 | UNREACHABLE! => connection refused

``-v`` shows every result as indented JSON (``host | CHANGED => {...}``), ``--one-line``
puts each host on one line (``(stdout)`` with its newlines escaped, JSON compact).
Pure functions of a ``TaskResult``: the events class only writes what they return.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corral.report.diff import attribute_lines, unified_diff
from corral.report.json_report import NO_LOG_TEXT
from corral.report.model import Status, TaskResult

# Modules whose output is text, shown as text (Ansible's list, short names).
TEXT_MODULES = frozenset({"command", "shell", "raw"})

_WORDS = {
    Status.OK: "SUCCESS",
    Status.CHANGED: "CHANGED",
    Status.FAILED: "FAILED",
    Status.UNREACHABLE: "UNREACHABLE!",
    Status.SKIPPED: "SKIPPED",
    Status.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class AdhocStyle:
    """How much to show: ``verbosity`` ≥ 1 is JSON; ``one_line`` one line per host."""

    verbosity: int = 0
    one_line: bool = False
    diff: bool = False


def status_word(result: TaskResult) -> str:
    """SUCCESS, CHANGED, FAILED, UNREACHABLE!, SKIPPED or UNKNOWN."""
    return _WORDS[result.status]


def result_data(result: TaskResult) -> dict[str, Any]:
    """The module's result as Ansible shows it: its own keys plus changed, msg, and the
    unreachable/failed flags; the no_log text instead of the data when no_log is set."""
    if result.no_log:
        return {"censored": NO_LOG_TEXT, "changed": result.status is Status.CHANGED}
    data: dict[str, Any] = dict(result.data)
    data["changed"] = result.status is Status.CHANGED
    if result.msg and "msg" not in data:
        data["msg"] = result.msg
    if result.status is Status.UNREACHABLE:
        data["unreachable"] = True
    if result.status is Status.FAILED and result.ignored:
        data["failed"] = True
    return dict(sorted(data.items()))


def render_result(result: TaskResult, style: AdhocStyle) -> str:
    """The lines for one host's result (no trailing newline)."""
    if style.one_line:
        return _one_line(result)
    if style.verbosity and not result.no_log:
        return _json_form(result, indent=4)
    if _is_text(result):
        return _text_form(result)
    return _summary_form(result, style.diff)


def _is_text(result: TaskResult) -> bool:
    short = result.module.rsplit(".", 1)[-1]
    return (short in TEXT_MODULES and not result.no_log and "rc" in result.data
            and result.status in (Status.OK, Status.CHANGED, Status.FAILED))


def _head(result: TaskResult, bang: bool = True) -> str:
    """``host | STATUS``; a failure outside the text form is ``FAILED!`` as in Ansible."""
    word = status_word(result)
    if bang and result.status is Status.FAILED:
        word += "!"
    return f"{result.host} | {word}"


def _json_form(result: TaskResult, indent: int | None) -> str:
    text = json.dumps(result_data(result), indent=indent, default=str, sort_keys=True,
                      separators=None if indent else (",", ": "))
    return f"{_head(result)} => {text}"


def _text_form(result: TaskResult) -> str:
    data = result.data
    lines = [f"{_head(result, bang=False)} | rc={data.get('rc')} >>"]
    for key in ("stdout", "stderr"):
        text = _text(data.get(key))
        if text:
            lines.append(text.rstrip("\n"))
    if result.status is Status.FAILED and result.msg and result.msg not in lines:
        lines.append(result.msg)
    return "\n".join(lines)


def _summary_form(result: TaskResult, show_diff: bool) -> str:
    changes = attribute_lines(result.changes)
    first = _head(result)
    if result.no_log:
        return f"{first} => {NO_LOG_TEXT}" if result.msg or changes else first
    if result.msg:
        first += f" => {result.msg}"
        changes = [c for c in changes if c not in result.msg]  # the message said it already
    elif len(changes) == 1 and not (show_diff and result.diff is not None):
        return f"{first} => {changes[0]}"
    elif result.status in (Status.OK, Status.SKIPPED) and not changes:
        brief = _brief(result.data)
        first += f" => {brief}" if brief else ""
    lines = [first]
    if show_diff and result.diff is not None:
        lines.append(unified_diff(result.diff).rstrip("\n"))
        changes = [c for c in changes if not c.startswith("content")]
    lines += [f"  {c}" for c in changes]
    return "\n".join(lines)


def _brief(data: Mapping[str, Any]) -> str:
    """A small all-scalar result (``ping: pong``) on the status line; anything bigger
    is left to -v."""
    shown = {k: v for k, v in data.items() if not k.startswith("_") and k != "changed"}
    if not shown or len(shown) > 3:
        return ""
    if not all(isinstance(v, str | int | float | bool) for v in shown.values()):
        return ""
    text = ", ".join(f"{k}: {v}" for k, v in shown.items())
    return text if len(text) <= 120 else ""


def _one_line(result: TaskResult) -> str:
    if result.no_log:
        return f"{_head(result)} => {NO_LOG_TEXT}"
    if not _is_text(result):
        return _json_form(result, indent=None)
    data = result.data
    line = (f"{_head(result, bang=False)} | rc={data.get('rc')} | (stdout) "
            f"{_escaped(data.get('stdout'))}")
    stderr = _escaped(data.get("stderr"))
    return line + (f" (stderr) {stderr}" if stderr else "")


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _escaped(value: object) -> str:
    return _text(value).rstrip("\n").replace("\r", "\\r").replace("\n", "\\n")
