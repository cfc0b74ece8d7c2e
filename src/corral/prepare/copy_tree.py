"""copy of a local directory: a manifest of its folders and files, contents inlined.

``src: dir/`` copies the contents of dir into dest; ``src: dir`` copies dir itself
(dest/dir). Symlinks are followed, as Ansible's copy does by default. The manifest
goes in ``_tree``: ``{"dirs": [rel, …], "files": [[rel, base64], …]}``, paths relative
to dest; the module (``_copytree``) compares and writes. The whole tree is bounded
(``MAX_TREE_BYTES``) because it travels in one request.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corral.errors import PlaybookError
from corral.prepare.context import Prepared

MAX_TREE_BYTES = 8 * 1024 * 1024
MAX_TREE_ENTRIES = 10_000


def prepare_copy_tree(args: Mapping[str, Any], src: str, path: Path) -> Prepared:
    """``args`` plus ``_tree`` for the local directory ``path`` (named ``src`` in the task)."""
    prefix = "" if src.endswith("/") else path.name
    dirs: list[str] = [prefix] if prefix else []
    files: list[list[str]] = []
    total = 0
    for folder, subdirs, names in os.walk(path, followlinks=True):
        subdirs.sort()
        rel = os.path.relpath(folder, path)
        base = os.path.normpath(os.path.join(prefix, rel)) if rel != "." else prefix
        dirs += [os.path.join(base, d) if base else d for d in subdirs]
        for name in sorted(names):
            data = (Path(folder) / name).read_bytes()
            total += len(data)
            if total > MAX_TREE_BYTES or len(files) + len(dirs) > MAX_TREE_ENTRIES:
                raise PlaybookError(
                    f"copy: directory {src!r} is bigger than {MAX_TREE_BYTES} bytes or "
                    f"{MAX_TREE_ENTRIES} entries; copy an archive with unarchive instead")
            files.append([os.path.join(base, name) if base else name,
                          base64.b64encode(data).decode("ascii")])
    out = dict(args)
    out["_tree"] = {"dirs": dirs, "files": files}
    return Prepared(out)
