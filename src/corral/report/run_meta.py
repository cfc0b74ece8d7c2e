"""Who, what and when of one run: the metadata every report writer and the history share."""

from __future__ import annotations

import getpass
import hashlib
import secrets
import socket
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corral import __version__


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds: sorts as text in time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_run_id(moment: datetime) -> str:
    """Time-sortable and unique: ``20261130T032243123Z-1f2e3d4c``."""
    stamp = moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}{moment.microsecond // 1000:03d}Z-{secrets.token_hex(4)}"


def file_sha256(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no LOGNAME: still record the run
        return "unknown"


@dataclass(frozen=True)
class RunMeta:
    """The run's description. ``ended`` and ``exit_code`` are set when it is over."""

    run_id: str
    started: str
    command: str  # apply, check or run
    argv: tuple[str, ...] = ()  # already redacted
    playbook: str | None = None
    playbook_sha256: str | None = None
    inventory: tuple[str, ...] = ()
    limit: str | None = None
    tags: tuple[str, ...] = ()
    skip_tags: tuple[str, ...] = ()
    check_mode: bool = False
    version: str = __version__
    user: str = field(default_factory=_user)
    controller: str = field(default_factory=socket.gethostname)
    ended: str | None = None
    exit_code: int | None = None

    def finished(self, exit_code: int, moment: datetime | None = None) -> RunMeta:
        return replace(self, ended=iso(moment or utc_now()), exit_code=int(exit_code))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("run_id")
        for key in ("argv", "inventory", "tags", "skip_tags"):
            data[key] = list(data[key])
        return data


def start_meta(command: str, argv: list[str], playbook: Path | None, inventory: list[str], *,
               limit: str | None, tags: frozenset[str], skip_tags: frozenset[str],
               check_mode: bool) -> RunMeta:
    moment = utc_now()
    return RunMeta(
        run_id=new_run_id(moment), started=iso(moment), command=command, argv=tuple(argv),
        playbook=str(playbook) if playbook is not None else None,
        playbook_sha256=file_sha256(playbook), inventory=tuple(inventory), limit=limit,
        tags=tuple(sorted(tags)), skip_tags=tuple(sorted(skip_tags)), check_mode=check_mode)
