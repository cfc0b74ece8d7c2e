"""Literal argument values against declared types: a table of (type, value, what was wanted)."""

from __future__ import annotations

from typing import Any

import pytest

from corral.playbook.arg_types import type_mismatch

MODE_WANTED = "a file mode like '0644' or 'u=rw,g=r' (copy, template: or preserve)"


@pytest.mark.parametrize(("kind", "value", "wanted"), [
    ("mode", "0644", None),
    ("mode", 0o644, None),
    ("mode", "u=rw,g=r", None),
    ("mode", "preserve", None),
    ("mode", "keep", MODE_WANTED),
    ("mode", True, MODE_WANTED),
    (float, "4102444800", None),
    (float, "soon", "a number"),
    (bool, "yes", None),
])
def test_type_mismatch(kind: Any, value: Any, wanted: str | None) -> None:
    assert type_mismatch(kind, value) == wanted
