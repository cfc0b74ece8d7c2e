from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from corral.errors import PlaybookError
from corral.playbook import Playbook, load_playbook

from .fake_modules import FakeRegistry, jinja_condition_syntax

LoadText = Callable[..., Playbook]
Problems = Callable[..., list[str]]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def load_text(tmp_path: Path) -> LoadText:
    """Write site.yml (and any other files) and load it; problems raise."""

    def load(text: str, files: dict[str, str] | None = None) -> Playbook:
        _write(tmp_path, {"site.yml": text, **(files or {})})
        return load_playbook(tmp_path / "site.yml", FakeRegistry(), jinja_condition_syntax)

    return load


@pytest.fixture
def problems(tmp_path: Path, load_text: LoadText) -> Problems:
    """Load and return every problem as 'file:line:col: message', files relative to tmp_path."""

    def collect(text: str, files: dict[str, str] | None = None) -> list[str]:
        with pytest.raises(PlaybookError) as caught:
            load_text(text, files)
        return [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems]

    return collect
