"""fetch's controller-side steps: where the file goes here, and writing it there."""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from corral.errors import PlaybookError
from corral.prepare.context import PrepareContext, Prepared

NextPiece = Callable[[int], Awaitable[dict[str, Any]]]


def local_dest(args: Mapping[str, Any], host: str, playbook_dir: Path) -> Path:
    """``dest/HOST/src``, or with ``flat`` ``dest`` (``dest/basename`` if it ends with /)."""
    dest, src = str(args["dest"]), str(args["src"])
    base = Path(dest).expanduser()
    if not base.is_absolute():
        base = playbook_dir / base
    if _truthy(args.get("flat")):
        return base / Path(src).name if dest.endswith("/") or base.is_dir() else base
    if not host or "/" in host or host in (".", ".."):
        raise PlaybookError(f"fetch: the host name {host!r} cannot name a folder")
    parts = [p for p in Path(src).parts if p not in ("/", "")]
    if ".." in parts:
        raise PlaybookError(f"fetch: src {src!r} must not contain '..'")
    return base.joinpath(host, *parts)


def prepare_fetch(args: Mapping[str, Any], context: PrepareContext) -> Prepared:
    """Send the local path and the sha1 of the file already there (if any)."""
    path = local_dest(args, context.host, context.playbook_dir)
    out = dict(args)
    out["_local_dest"] = str(path)
    out["_local_checksum"] = _sha1(path) if path.is_file() else None
    return Prepared(out)


async def receive_fetch(result: dict[str, Any], next_piece: NextPiece,
                        validate: bool) -> dict[str, Any]:
    """Write the file the module returns, piece by piece, to its local path (atomically).

    Check mode returns no content, so nothing is written. ``next_piece(offset)`` asks
    the module for the piece at ``offset``. The sha1 of what arrived must be the host's
    (``validate``), else the local file is left as it was.
    """
    data = result.get("data")
    if not isinstance(data, dict) or "_content_b64" not in data:
        return result
    path = Path(str(data["dest"]))
    digest, md5 = hashlib.sha1(), hashlib.md5()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".corral-fetch-", dir=path.parent)
    except OSError as exc:
        return _failed(result, f"cannot write {path} on the controller: {exc}")
    try:
        with os.fdopen(fd, "wb") as handle:
            piece: Mapping[str, Any] = data
            while True:
                content = base64.b64decode(str(piece.get("_content_b64") or ""))
                handle.write(content)
                digest.update(content)
                md5.update(content)
                if not piece.get("_more"):
                    break
                reply = await next_piece(int(piece.get("_offset") or 0) + len(content))
                if reply.get("status") != "changed" or not isinstance(reply.get("data"), dict):
                    return _failed(result, f"fetching {data.get('file')} stopped: "
                                           f"{reply.get('msg') or 'no more data'}")
                piece = reply["data"]
            handle.flush()
            os.fsync(handle.fileno())
        if validate and digest.hexdigest() != data.get("remote_checksum"):
            return _failed(result, f"checksum mismatch: what arrived is not {data.get('file')} "
                                   f"(it changed while being read?); {path} was not written")
        os.replace(tmp, path)
    except OSError as exc:
        return _failed(result, f"cannot write {path} on the controller: {exc}")
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    clean = {k: v for k, v in data.items() if not k.startswith("_")}
    clean["md5sum"] = md5.hexdigest()
    return {**result, "data": clean}


def _failed(result: dict[str, Any], msg: str) -> dict[str, Any]:
    data = {k: v for k, v in (result.get("data") or {}).items() if not k.startswith("_")}
    return {**result, "status": "failed", "msg": msg, "data": data}


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "true", "1", "on", "y")
    return bool(value)
