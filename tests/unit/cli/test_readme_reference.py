"""The README's reference tables are generated from the code and must not go stale."""

from pathlib import Path

from corral.cli.reference import render

README = Path(__file__).resolve().parents[3] / "README.md"


def test_generated_sections_are_fresh():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m corral.cli.reference README.md"


def test_every_module_and_keyword_is_listed():
    text = README.read_text(encoding="utf-8")
    for name in ("file", "copy", "template", "lineinfile", "command", "shell", "stat",
                 "debug", "set_fact", "assert", "fail", "meta", "pause", "wait_for", "setup"):
        assert f"| `{name}` |" in text, name
    for keyword in ("when", "loop", "register", "notify", "serial", "max_fail_percentage"):
        assert f"`{keyword}`" in text, keyword
