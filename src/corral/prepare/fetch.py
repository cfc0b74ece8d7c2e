"""fetch's controller-side steps: where the file goes here, and writing it there."""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corral.errors import PlaybookError
from corral.prepare.context import PrepareContext, Prepared


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


def finish_fetch(result: dict[str, Any], validate: bool) -> dict[str, Any]:
    """Write the content the module returned (none in check mode) to its local path."""
    data = result.get("data")
    if not isinstance(data, dict) or "_content_b64" not in data:
        return result
    content = base64.b64decode(str(data.pop("_content_b64")))
    path = Path(str(data["dest"]))
    if validate and hashlib.sha1(content).hexdigest() != data.get("remote_checksum"):
        return {**result, "status": "failed",
                "msg": f"checksum mismatch: what arrived is not {data.get('file')}; {path} "
                       "was not written"}
    try:
        _atomic_write(path, content)
    except OSError as exc:
        return {**result, "status": "failed", "msg": f"cannot write {path} on the controller: {exc}"}
    data["md5sum"] = hashlib.md5(content).hexdigest()
    return result


def _atomic_write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".corral-fetch-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


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
