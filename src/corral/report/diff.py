"""Render content diffs and attribute changes as text."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from corral.report.change_text import attribute_text
from corral.report.model import AttributeChange, ContentDiff

# Beyond this a diff is summarised instead of printed: nobody reads it on a console.
MAX_DIFF_LINES = 400


def unified_diff(diff: ContentDiff) -> str:
    """A unified diff of before and after, with the file names as headers."""
    lines = list(
        difflib.unified_diff(
            diff.before.splitlines(keepends=True),
            diff.after.splitlines(keepends=True),
            fromfile=diff.before_header,
            tofile=diff.after_header,
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        hidden = len(lines) - MAX_DIFF_LINES
        lines = lines[:MAX_DIFF_LINES] + [f"... {hidden} more diff lines not shown\n"]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def attribute_lines(changes: Iterable[AttributeChange]) -> list[str]:
    """One line per changed attribute: `mode: 0644 -> 0600`."""
    out = []
    for change in changes:
        if change.what == "content" and str(change.before).startswith("sha1:"):
            out.append(attribute_text(change))  # line counts, not two hashes
        elif change.before is None and change.after is None:
            out.append(change.what)
        else:
            out.append(f"{change.what}: {_show(change.before)} -> {_show(change.after)}")
    return out


def _show(value: object) -> str:
    if value is None:
        return "(none)"
    return str(value)
