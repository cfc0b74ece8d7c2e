"""The writers beside the console: JSON report metadata, NDJSON events, JUnit XML, fan-out."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from corral.report.events import SilentEvents
from corral.report.events_ndjson import NdjsonEvents
from corral.report.fanout import FanOutEvents
from corral.report.json_report import report_to_dict
from corral.report.junit import junit_xml
from corral.report.model import ContentDiff, RunReport, Status, TaskResult
from corral.report.run_meta import RunMeta, new_run_id, start_meta, utc_now

from .junit_shape import check_junit


def _meta(check: bool = True) -> RunMeta:
    return RunMeta(run_id="20260101T000000000Z-abcd1234", started="2026-01-01T00:00:00.000Z",
                   command="check" if check else "apply", playbook="site.yml", check_mode=check)


def _report(check: bool = True) -> RunReport:
    report = RunReport(check_mode=check, duration=2.0)
    rows = [
        ("web1", "ok task", Status.OK, {}),
        ("web1", "drifted file", Status.CHANGED, {"diff": ContentDiff("a\n", "b\n")}),
        ("web1", "secret thing", Status.CHANGED, {"no_log": True, "msg": "pw=hunter2"}),
        ("web2", "broken", Status.FAILED, {"msg": "no such file"}),
        ("web2", "tolerated", Status.FAILED, {"ignored": True}),
        ("web2", "not here", Status.SKIPPED, {}),
        ("web3", "connect", Status.UNREACHABLE, {"msg": "connection refused"}),
        ("web4", "depends", Status.UNKNOWN, {"msg": "depends on 'x', which would change"}),
    ]
    for host, task, status, extra in rows:
        report.host(host).add(TaskResult(host, task, "copy", status, duration=0.5, **extra))
    return report


def test_json_report_keeps_todays_keys_and_adds_run_and_host_lists():
    data = report_to_dict(_report(), _meta().finished(2).to_dict())
    assert {"hosts", "check_mode", "interrupted", "duration_seconds"} <= set(data)
    assert data["drifted"] == ["web1", "web4"]
    assert (data["failed"], data["unreachable"]) == (["web2"], ["web3"])
    run = data["run"]
    assert (run["id"], run["command"], run["exit_code"], run["check_mode"]) == (
        "20260101T000000000Z-abcd1234", "check", 2, True)
    assert run["ended"].endswith("Z") and "version" in run and "controller" in run


def test_without_metadata_there_is_no_run_key():
    assert "run" not in report_to_dict(_report())


def test_run_ids_sort_by_time_and_are_unique():
    first, second = new_run_id(utc_now()), new_run_id(utc_now())
    assert first != second and first[:8] == second[:8]
    assert sorted([second, first])[0][:18] <= second[:18]


def test_start_meta_hashes_the_playbook(tmp_path):
    playbook = tmp_path / "site.yml"
    playbook.write_text("- hosts: all\n")
    meta = start_meta("apply", ["apply"], playbook, ["inv"], limit="web*",
                      tags=frozenset({"b", "a"}), skip_tags=frozenset(), check_mode=False)
    assert meta.playbook_sha256 == hashlib.sha256(b"- hosts: all\n").hexdigest()
    assert meta.tags == ("a", "b") and meta.limit == "web*"


def _events(check: bool = True) -> list[dict]:
    stream = io.StringIO()
    writer = NdjsonEvents(stream, _meta(check))
    writer.play_start("site", ["web1"], check)
    writer.task_start("drifted file", False)
    for host in _report(check).hosts.values():
        for result in host.results:
            writer.task_result(result)
    writer.run_end(_report(check))
    writer.finish(_meta(check).finished(2))
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_ndjson_lines_are_json_with_the_expected_fields():
    events = _events()
    assert [e["event"] for e in events[:3]] == ["run_start", "play_start", "task_start"]
    assert events[-1]["event"] == "run_end"
    for event in events:
        assert {"event", "time", "run_id"} <= set(event)
        assert event["run_id"] == "20260101T000000000Z-abcd1234"
    results = [e for e in events if e["event"] == "task_result"]
    assert len(results) == 8
    for result in results:
        assert {"host", "task", "module", "status", "changed", "msg", "diff", "duration"} <= set(result)
    assert results[1]["diff"]["unified"].endswith("-a\n+b\n") and "before" not in results[1]["diff"]
    assert "hunter2" not in json.dumps(events)
    assert events[-1]["exit_code"] == 2 and events[-1]["drifted"] == ["web1", "web4"]
    assert events[0]["check_mode"] is True and events[0]["playbook"] == "site.yml"


class _Broken(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_event_stream_warns_once_and_never_stops_the_run(capsys):
    writer = NdjsonEvents(_Broken(), _meta())
    writer.warning("x")
    writer.finish(_meta().finished(0))
    assert capsys.readouterr().err.count("cannot write events") == 1


@pytest.mark.parametrize("check", [True, False])
def test_junit_has_the_shape_ci_reads(check):
    root = check_junit(junit_xml(_report(check), _meta(check)))
    suites = {s.get("name"): s for s in root}
    assert list(suites) == ["web1", "web2", "web3", "web4"]
    web2 = {c.get("name"): [x.tag for x in c] for c in suites["web2"]}
    assert web2 == {"broken": ["failure"], "tolerated": [], "not here": ["skipped"]}
    web3 = [x.tag for c in suites["web3"] for x in c]
    assert web3 == ["error"]
    drift = [x for c in suites["web1"] for x in c]
    if check:  # would change → failure, with the diff summary as text
        assert [x.get("message") for x in drift] == ["would change", "would change"]
        assert "-a\n+b" in (drift[0].text or "")
        assert "hunter2" not in (drift[1].text or "")
        assert [x.get("type") for c in suites["web4"] for x in c] == ["unknown"]
    else:
        assert drift == []


def test_junit_shape_check_catches_counts_that_do_not_add_up():
    text = junit_xml(_report(), _meta()).replace('failures="2"', 'failures="5"', 1)
    with pytest.raises(AssertionError):
        check_junit(text)


def test_fan_out_gives_every_writer_every_event():
    first, second = SilentEvents(), SilentEvents()
    fan = FanOutEvents(first, second)
    result = TaskResult("web1", "t", "copy", Status.OK)
    fan.task_result(result)
    fan.warning("w")
    assert first.results == second.results == [result]
    assert first.warnings == second.warnings == ["w"]
