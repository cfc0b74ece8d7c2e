"""The comment filter, row by row against ansible-core's output."""

from __future__ import annotations

import pytest

from corral.templating.comment_filter import comment


@pytest.mark.parametrize(("text", "args", "kw", "expected"), [
    ("a\nb", (), {}, "#\n# a\n# b\n#"),
    ("x", ("c",), {}, "//\n// x\n//"),
    ("x", ("cblock",), {}, "/*\n *\n * x\n *\n */"),
    ("x", ("erlang",), {}, "%\n% x\n%"),
    ("x", ("xml",), {}, "<!--\n -\n - x\n -\n-->"),
    ("x", (), {"decoration": "// "}, "//\n// x\n//"),
    ("x", (), {"prefix_count": 0, "postfix_count": 0}, "# x"),
    ("Ansible managed", (), {}, "#\n# Ansible managed\n#"),
])
def test_comment(text: str, args: tuple, kw: dict, expected: str) -> None:
    assert comment(text, *args, **kw) == expected
