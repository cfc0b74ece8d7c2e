"""Say in a few words what a task changed: `corral-demo-svc absent -> 1.0`, `content changed (+3 -1 lines)`."""

from __future__ import annotations

from corral.modules._api import line_counts
from corral.report.model import AttributeChange, ContentDiff, TaskResult

MAX_TEXT = 160  # one host's part of a CHANGES line


def change_text(result: TaskResult) -> str:
    """The changes of one result on one line; "" when the module listed none."""
    if result.no_log:
        return ""
    counts = diff_counts(result.diff) if result.diff is not None else None
    parts = [attribute_text(c, counts) for c in result.changes]
    created = any(c.what == "state" and c.before == "absent" for c in result.changes)
    if result.diff is not None and not created and not any(c.what == "content"
                                                           for c in result.changes):
        parts.insert(0, content_text(counts))  # a new file's content is its whole diff
    text = "; ".join(p for p in parts if p)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def attribute_text(change: AttributeChange, counts: tuple[int, int] | None = None) -> str:
    """`mode 0644 -> 0600`; a content change by its line counts, never by two hashes."""
    if change.what == "content" and (_is_hash(change.before) or _is_hash(change.after)):
        return content_text(change.lines or counts)
    if change.before is None and change.after is None:
        return change.what
    if change.what == "content" and change.before is None:
        return f"content: {change.after}"  # lineinfile and friends: "line added"
    return f"{change.what} {_show(change.before)} -> {_show(change.after)}"


def content_text(counts: tuple[int, int] | None) -> str:
    if counts is None:
        return "content changed"
    added, removed = counts
    return f"content changed (+{added} -{removed} lines)"


def diff_counts(diff: ContentDiff) -> tuple[int, int]:
    """(added, removed) lines of a content diff, counted as the hosts count them."""
    counts: tuple[int, int] = line_counts(diff.before, diff.after)
    return counts


def _is_hash(value: object) -> bool:
    return isinstance(value, str) and value.startswith("sha1:")


def _show(value: object) -> str:
    return "(none)" if value is None else str(value)
