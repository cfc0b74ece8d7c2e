"""Where the history database lives: --history, CORRAL_HISTORY, else the user's state folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def default_history_path(env: Mapping[str, str], home: Path) -> Path:
    """``$XDG_STATE_HOME/corral/history.db``, or ``~/.local/state/corral/history.db``."""
    state = env.get("XDG_STATE_HOME", "")
    base = Path(state) if state and Path(state).is_absolute() else home / ".local" / "state"
    return base / "corral" / "history.db"


def history_path(given: Path | None, env: Mapping[str, str], home: Path) -> Path:
    if given is not None:
        return given
    if env.get("CORRAL_HISTORY"):
        return Path(env["CORRAL_HISTORY"])
    return default_history_path(env, home)
