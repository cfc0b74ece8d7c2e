"""What a change says on one line: before -> after, content by line counts, never two hashes."""

import pytest

from corral.modules._api import line_counts
from corral.report.change_text import change_text
from corral.report.model import AttributeChange as C
from corral.report.model import ContentDiff, Status, TaskResult


def _result(*changes: C, diff: ContentDiff | None = None, no_log: bool = False) -> TaskResult:
    return TaskResult("h", "t", "copy", Status.CHANGED, changes=changes, diff=diff, no_log=no_log)


@pytest.mark.parametrize(
    ("result", "text"),
    [
        (_result(C("corral-demo-svc", "absent", "1.0")), "corral-demo-svc absent -> 1.0"),
        (_result(C("content", "sha1:aa", "sha1:bb", (3, 1))), "content changed (+3 -1 lines)"),
        (_result(C("content", "sha1:aa", "sha1:bb")), "content changed"),  # binary: no counts
        (_result(C("content", "sha1:aa", "sha1:bb"), diff=ContentDiff("a\nb\n", "a\nc\nd\n")),
         "content changed (+2 -1 lines)"),
        (_result(C("content", None, "line added")), "content: line added"),
        (_result(C("mode", "0644", "0600"), C("owner", "root", "app")),
         "mode 0644 -> 0600; owner root -> app"),
        (_result(C("state", "absent", "file"), diff=ContentDiff("", "x\n")), "state absent -> file"),
        (_result(C("mode", "0644", "0600"), diff=ContentDiff("a\n", "b\n")),
         "content changed (+1 -1 lines); mode 0644 -> 0600"),
        (_result(C("reloaded")), "reloaded"),
        (_result(C("mode", "0644", "0600"), no_log=True), ""),
    ],
)
def test_change_text(result: TaskResult, text: str) -> None:
    assert change_text(result) == text


@pytest.mark.parametrize(
    ("before", "after", "counts"),
    [
        ("a\nb\n", "a\nb\n", (0, 0)),
        ("", "x\ny\n", (2, 0)),
        ("a\nb\nc\n", "a\nc\n", (0, 1)),
        ("--flag\n", "++flag\n", (1, 1)),  # content that looks like a diff header
    ],
)
def test_line_counts_on_the_host(before: str, after: str, counts: tuple[int, int]) -> None:
    assert line_counts(before, after) == counts
