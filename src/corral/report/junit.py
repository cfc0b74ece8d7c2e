"""``--junit FILE``: the run as JUnit XML, for CI test reports.

A host is a ``testsuite``, a task result a ``testcase``. failed → ``failure``,
unreachable → ``error``, skipped → ``skipped``; in check mode a task that would
change (or whose outcome check mode cannot tell) is a ``failure`` whose text is the
diff summary, so a drift check fails the CI job with the reason in the test report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from corral.report.diff import attribute_lines, unified_diff
from corral.report.json_report import NO_LOG_TEXT
from corral.report.model import HostReport, RunReport, Status, TaskResult
from corral.report.run_meta import RunMeta
from corral.vault.active import revealed_secrets
from corral.vault.redact import redact_text

MAX_TEXT = 64 * 1024  # a diff of a huge file is cut: CI viewers choke on megabytes


def _text(value: str) -> str:
    value = redact_text(value, revealed_secrets())
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "\n… (cut)"


def _diff_summary(result: TaskResult) -> str:
    if result.no_log:
        return NO_LOG_TEXT
    parts = [result.msg] if result.msg else []
    parts += attribute_lines(result.changes)
    if result.diff is not None:
        parts.append(unified_diff(result.diff))
    return "\n".join(parts) or "would change"


def _case(suite: ET.Element, result: TaskResult, check_mode: bool) -> str | None:
    """Adds one testcase; returns the kind of problem it records, if any."""
    name = result.task + (f" (item={result.item_label})" if result.item_label is not None else "")
    case = ET.SubElement(suite, "testcase", name=_text(name), classname=result.host,
                         time=f"{result.duration:.3f}")
    msg = NO_LOG_TEXT if result.no_log else _text(result.msg)
    drift = check_mode and result.status in (Status.CHANGED, Status.UNKNOWN)
    if result.status is Status.FAILED and not result.ignored:
        ET.SubElement(case, "failure", message=msg or "failed", type="failed").text = msg
        return "failure"
    if result.status is Status.UNREACHABLE:
        ET.SubElement(case, "error", message=msg or "unreachable", type="unreachable").text = msg
        return "error"
    if result.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=msg or "skipped")
        return "skipped"
    if drift:
        word = "would change" if result.status is Status.CHANGED else "unknown in check mode"
        ET.SubElement(case, "failure", message=word, type=result.status.value).text = _text(
            _diff_summary(result))
        return "failure"
    return None


def _suite(root: ET.Element, host: HostReport, check_mode: bool, timestamp: str) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", name=host.name, timestamp=timestamp,
                          hostname=host.name)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total = 0.0
    for result in host.results:
        kind = _case(suite, result, check_mode)
        counts["tests"] += 1
        total += result.duration
        if kind is not None:
            counts[kind + "s" if kind != "skipped" else "skipped"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{total:.3f}")
    return counts


def junit_xml(report: RunReport, meta: RunMeta) -> str:
    root = ET.Element("testsuites", name=f"corral {meta.command} {meta.playbook or ''}".strip())
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    timestamp = meta.started.rstrip("Z")
    for host in report.hosts.values():
        for key, value in _suite(root, host, report.check_mode, timestamp).items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{report.duration:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(report: RunReport, meta: RunMeta, path: Path) -> None:
    from corral.report.atomic_write import write_text_atomically

    write_text_atomically(path, junit_xml(report, meta))
