"""copy's controller-side step: read the local ``src``, inline it or mark it for streaming."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corral.errors import PlaybookError
from corral.modules._api import ArgumentError, to_bool
from corral.prepare.context import PrepareContext, Prepared, find_local, looked_in
from corral.vault import is_vault_text
from corral.vault.active import decode_file_bytes

INLINE_LIMIT = 256 * 1024  # bytes; bigger files are streamed only when they differ


def prepare_copy(args: Mapping[str, Any], context: PrepareContext) -> Prepared:
    """Small ``src`` -> ``_content_b64``; big -> ``_checksum`` plus ``Prepared.upload``.

    A list or mapping as ``content`` (a set or dict from a variable) is written
    as JSON, as ansible-core's copy does.
    """
    src = args.get("src")
    if src is None:
        content = args.get("content")
        if isinstance(content, (dict, list)):
            return Prepared({**args, "content": json.dumps(content)})
        return Prepared(dict(args))
    if _true(args.get("remote_src")):
        return Prepared(dict(args))  # remote_src: the host reads src itself
    path = _locate(str(src), context)
    if path.is_dir():  # a directory takes its own path (see copy_tree)
        from corral.prepare.copy_tree import prepare_copy_tree

        return prepare_copy_tree(args, str(src), path)
    if path.is_symlink() and not _true(args.get("local_follow", True)):
        raise PlaybookError(f"copy: src {src!r} is a symlink and local_follow is no; corral "
                            "copies the content of single files only")
    size = path.stat().st_size
    out = dict(args)
    if str(args.get("mode")) == "preserve":
        out["mode"] = "%04o" % (path.stat().st_mode & 0o7777)
    if size <= INLINE_LIMIT or (_decrypts(args) and _is_vault_file(path)):
        data = path.read_bytes()
        if _decrypts(args):
            data = decode_file_bytes(data, str(path))
        out["_content_b64"] = base64.b64encode(data).decode("ascii")
        return Prepared(out)
    out["_checksum"] = sha1_file(path)
    return Prepared(out, upload=path)


def _decrypts(args: Mapping[str, Any]) -> bool:
    """copy's ``decrypt`` (default yes): a vault-encrypted src is sent decrypted."""
    return args.get("decrypt", True) not in (False, "no", "false", "False", 0)


def _is_vault_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return is_vault_text(handle.read(64))


def _true(value: Any) -> bool:
    if value is None:
        return False
    try:
        return to_bool(value)
    except ArgumentError as exc:
        raise PlaybookError(f"copy: {exc.msg}") from exc


def _locate(src: str, context: PrepareContext) -> Path:
    dirs = context.search_dirs("files")
    path = find_local(src, dirs)
    if path is None:
        raise PlaybookError(f"copy: src file {src!r} not found; looked in: {looked_in(src, dirs)}")
    if src.endswith("/") and not path.is_dir():
        raise PlaybookError(f"copy: src {src!r} ends with / but {path} is not a directory")
    return path


def sha1_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()
