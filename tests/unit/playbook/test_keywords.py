"""The keyword tables: documented, consistent with what the loader accepts."""

from __future__ import annotations

import pytest

from corral.playbook.keywords import (
    BLOCK_KEYWORDS,
    PLAY_KEYWORDS,
    TASK_KEYWORDS,
    UNSUPPORTED_PLAY_KEYWORDS,
    UNSUPPORTED_TASK_KEYWORDS,
    keyword_names,
    keyword_rows,
)

from .conftest import LoadText


def test_rows_cover_every_keyword_with_a_doc() -> None:
    rows = keyword_rows()
    assert all(doc.strip() for _, _, doc in rows)
    names = {(where, name) for where, name, _ in rows}
    assert ("play", "serial") in names and ("task", "when") in names
    assert ("handler", "listen") in names and ("block", "rescue") in names


def test_supported_and_unsupported_do_not_overlap() -> None:
    assert not keyword_names(PLAY_KEYWORDS) & set(UNSUPPORTED_PLAY_KEYWORDS)
    assert not keyword_names(TASK_KEYWORDS) & set(UNSUPPORTED_TASK_KEYWORDS)


@pytest.mark.parametrize("keyword", sorted(keyword_names(BLOCK_KEYWORDS) - {"block"}))
def test_every_block_keyword_is_accepted(load_text: LoadText, keyword: str) -> None:
    values = {"rescue": "[]", "always": "[]", "when": "x", "vars": "{}", "environment": "{}",
              "become_method": "sudo", "become_user": "root", "name": "b", "tags": "t",
              "module_defaults": "{ping: {}}", "throttle": "2", "timeout": "5"}
    value = values.get(keyword, "yes")
    load_text(f"- hosts: all\n  tasks:\n    - block: [{{ping: }}]\n      {keyword}: {value}\n")
