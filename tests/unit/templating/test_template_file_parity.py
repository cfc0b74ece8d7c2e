"""Template files render like ansible-core's template module, line breaks at the end included.

Each expected output was produced by ansible-core 2.19 (``template:`` with
``connection: local``) from the same template text and ``x``.
"""

from __future__ import annotations

import pytest

from corral.templating import CorralEnvironment, Templar, UnsafeText

# (case, template text, x, what ansible-core writes)
CASES: list[tuple[str, str, str, str]] = [
    ("empty expression at the end", "a\n{{ x }}\n", "", "a\n"),
    ("expression at the end", "a\n{{ x }}\n", "b", "a\nb\n"),
    ("empty expression, no final newline", "a\n{{ x }}", "", "a\n"),
    ("expression, no final newline", "a\n{{ x }}", "b", "a\nb"),
    ("value ending in newlines", "{{ x }}\n", "a\n\n", "a\n\n"),
    ("value ending in a newline", "a\n{{ x }}\n", "b\n", "a\nb\n"),
    ("empty expression, two newlines", "{{ x }}\n\n", "", "\n\n"),
    ("only an empty expression", "{{ x }}\n", "", "\n"),
    ("block tag at the end", "{% if true %}x{% endif %}\n", "", "x\n"),
    ("newline inside the block", "{% if true %}x\n{% endif %}\n", "", "x\n"),
    ("block tag, two newlines", "{% if true %}x{% endif %}\n\n", "", "x\n\n"),
    ("for loop (trim_blocks)", "{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}\n", "", "1\n2\n"),
    ("for loop, no final newline", "{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}", "", "1\n2\n"),
    ("empty file", "", "", ""),
    ("only a newline", "\n", "", "\n"),
    ("text and three newlines", "a\n\n\n", "", "a\n\n\n"),
    ("text without newline", "a", "", "a"),
    ("comment at the end", "a\n{# c #}\n", "", "a\n"),
    ("whitespace control", "{%- if true %}a{% endif -%}\n", "", "a\n"),
    ("set at the end", "a\n{% set y = 1 %}\n", "", "a\n"),
    ("space after the expression", "a\n{{ x }} \n", "", "a\n \n"),
    ("CRLF line breaks", "a\r\n{{ x }}\r\n", "", "a\n"),
]


@pytest.mark.parametrize(("text", "x", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_template_file_ends_like_ansible_core_writes_it(text: str, x: str, expected: str) -> None:
    assert Templar(CorralEnvironment(), {"x": x}).render_text(text, "page.j2") == expected


def test_host_data_stays_unsafe_when_newlines_are_added_back() -> None:
    out = Templar(CorralEnvironment(), {"x": UnsafeText("{{ 7*7 }}")}).render_text("{{ x }}\n")
    assert out == "{{ 7*7 }}\n"
    assert isinstance(out, UnsafeText)


def test_an_error_in_a_template_file_still_names_its_line() -> None:
    with pytest.raises(Exception, match="page.j2:2") as caught:
        Templar(CorralEnvironment(), {}).render_text("a\n{{ missing }}\n", "page.j2")
    assert "'missing' is undefined" in str(caught.value)
