"""Find a role's folder by name, where Ansible looks, and say every place looked in.

Order (as ansible-core): ``roles/`` beside the playbook, the roles path
(``--roles-path``, then ``ANSIBLE_ROLES_PATH``, then ansible.cfg's ``roles_path``
once corral reads ansible.cfg: callers pass it in ``roles_path``), Ansible's
default folders, the folder of the role that depends on this one, then the
playbook's own folder. A name with a ``/`` is a path (relative to the playbook).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROLES_PATH = (Path("~/.ansible/roles"), Path("/usr/share/ansible/roles"),
                      Path("/etc/ansible/roles"))


@dataclass(frozen=True)
class RoleLocation:
    """Where a role was found (``path``), or every folder looked in (``looked``)."""

    path: Path | None
    looked: tuple[Path, ...]


def roles_path_from_env(environ: dict[str, str] | None = None) -> tuple[Path, ...]:
    """``ANSIBLE_ROLES_PATH`` split on ``:`` (empty entries dropped)."""
    value = (environ if environ is not None else dict(os.environ)).get("ANSIBLE_ROLES_PATH", "")
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p.strip())


def find_role(name: str, playbook_dir: Path, roles_path: Sequence[Path] = (),
              parent_dir: Path | None = None) -> RoleLocation:
    """The folder of role ``name``; ``parent_dir``: the folder holding a dependent role."""
    if "/" in name or name.startswith((".", "~")):
        path = Path(name).expanduser()
        path = path if path.is_absolute() else playbook_dir / path
        return RoleLocation(path if path.is_dir() else None, (path,))
    folders = [playbook_dir / "roles", *roles_path, *(p.expanduser() for p in DEFAULT_ROLES_PATH)]
    if parent_dir is not None:
        folders.append(parent_dir)
    folders.append(playbook_dir)
    looked = tuple(dict.fromkeys(folders))
    for folder in looked:
        candidate = folder / name
        if candidate.is_dir():
            return RoleLocation(candidate, looked)
    return RoleLocation(None, looked)
