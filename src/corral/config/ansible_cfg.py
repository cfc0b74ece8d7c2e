"""Read the ansible.cfg a user already has, and the matching ``ANSIBLE_*`` variables.

The file is the first that exists of ``$ANSIBLE_CONFIG``, ``./ansible.cfg``,
``~/.ansible.cfg`` and ``/etc/ansible/ansible.cfg`` (Ansible's order). An environment
variable beats the file; the command line beats both (the CLI applies that).
Settings corral does not use are kept in ``ignored`` so ``-v`` can list them: an
ansible.cfg written for Ansible is never an error.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from corral.errors import InputError, Position, Problem

MAX_CONFIG_BYTES = 1024 * 1024

# (section, key) -> (our field, environment variable, kind)
_SETTINGS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("defaults", "inventory"): ("inventory", "ANSIBLE_INVENTORY", "pathlist"),
    ("defaults", "hostfile"): ("inventory", "ANSIBLE_HOSTS", "pathlist"),
    ("defaults", "roles_path"): ("roles_path", "ANSIBLE_ROLES_PATH", "pathspec"),
    ("defaults", "forks"): ("forks", "ANSIBLE_FORKS", "int"),
    ("defaults", "remote_user"): ("remote_user", "ANSIBLE_REMOTE_USER", "str"),
    ("defaults", "private_key_file"): ("private_key_file", "ANSIBLE_PRIVATE_KEY_FILE", "path"),
    ("defaults", "host_key_checking"): ("host_key_checking", "ANSIBLE_HOST_KEY_CHECKING", "bool"),
    ("defaults", "timeout"): ("timeout", "ANSIBLE_TIMEOUT", "float"),
    ("defaults", "vault_password_file"): ("vault_password_file", "", "path"),
    ("defaults", "vault_identity_list"): ("vault_identity_list", "", "list"),
    ("defaults", "gathering"): ("gathering", "ANSIBLE_GATHERING", "str"),
    ("privilege_escalation", "become"): ("become", "ANSIBLE_BECOME", "bool"),
    ("privilege_escalation", "become_user"): ("become_user", "ANSIBLE_BECOME_USER", "str"),
    ("privilege_escalation", "become_method"): ("become_method", "ANSIBLE_BECOME_METHOD", "str"),
    ("privilege_escalation", "become_ask_pass"): ("become_ask_pass", "ANSIBLE_BECOME_ASK_PASS", "bool"),
}
_GATHERING = ("implicit", "explicit", "smart")
_TRUE = ("1", "yes", "true", "on", "y", "t")
_FALSE = ("0", "no", "false", "off", "n", "f", "")


@dataclass
class AnsibleConfig:
    """The settings found; ``None`` (or empty) where neither the file nor the environment set one."""

    path: Path | None = None
    inventory: list[str] = field(default_factory=list)
    roles_path: list[str] = field(default_factory=list)
    forks: int | None = None
    remote_user: str | None = None
    private_key_file: str | None = None
    host_key_checking: bool | None = None
    timeout: float | None = None
    vault_password_file: str | None = None
    vault_identity_list: list[str] = field(default_factory=list)
    gathering: str | None = None
    become: bool | None = None
    become_user: str | None = None
    become_method: str | None = None
    become_ask_pass: bool | None = None
    ignored: list[str] = field(default_factory=list)

    @property
    def host_key_policy(self) -> str | None:
        """``host_key_checking = False`` is corral's ``off`` policy."""
        if self.host_key_checking is None:
            return None
        return "strict" if self.host_key_checking else "off"


def find_config_file(environ: Mapping[str, str], cwd: Path, home: Path) -> Path | None:
    """The ansible.cfg Ansible would read, or None."""
    explicit = environ.get("ANSIBLE_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        return path / "ansible.cfg" if path.is_dir() else path
    for candidate in (cwd / "ansible.cfg", home / ".ansible.cfg", Path("/etc/ansible/ansible.cfg")):
        if candidate.is_file():
            return candidate
    return None


def load_ansible_config(environ: Mapping[str, str] | None = None, cwd: Path | None = None,
                        home: Path | None = None) -> AnsibleConfig:
    """ansible.cfg plus ``ANSIBLE_*`` variables; a broken file is exit 4 with file:line."""
    env = os.environ if environ is None else environ
    path = find_config_file(env, cwd or Path.cwd(), home or Path.home())
    config = AnsibleConfig(path=path)
    if path is not None:
        _read_file(config, path)
    for (_, _), (name, variable, kind) in _SETTINGS.items():
        if variable and env.get(variable):  # vault variables: read with the vault passwords
            _set(config, name, kind, env[variable], Position(f"${variable}"), path=None)
    if config.gathering is not None and config.gathering not in _GATHERING:
        raise InputError(Problem(f"gathering = {config.gathering!r}: use one of "
                                 f"{', '.join(_GATHERING)}", Position(str(path or "ANSIBLE_GATHERING"))))
    return config


def _read_file(config: AnsibleConfig, path: Path) -> None:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"),
                                       strict=False)
    try:
        data = path.read_bytes()[:MAX_CONFIG_BYTES].decode("utf-8")
        parser.read_string(data, source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(f"cannot read ansible.cfg: {exc}", Position(str(path)))) from exc
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(Problem(f"ansible.cfg is not a valid INI file: {exc.message}",
                                 Position(str(path), line))) from exc
    for section in parser.sections():
        for key, value in parser.items(section):
            setting = _SETTINGS.get((section, key))
            if setting is None:
                config.ignored.append(f"[{section}] {key}")
                continue
            name, _, kind = setting
            _set(config, name, kind, value, Position(str(path)), path=path)


def _set(config: AnsibleConfig, name: str, kind: str, raw: str, where: Position,
         path: Path | None) -> None:
    value = raw.strip().strip("'\"")
    base = path.parent if path is not None else Path.cwd()
    try:
        converted: object
        if kind == "int":
            converted = int(value)
        elif kind == "float":
            converted = float(value)
        elif kind == "bool":
            converted = _bool(value)
        elif kind == "path":
            converted = _path(value, base)
        elif kind == "pathlist":  # comma-separated, as Ansible's inventory setting
            converted = [_path(p, base) for p in value.split(",") if p.strip()]
        elif kind == "pathspec":  # colon-separated, as a shell PATH
            converted = [_path(p, base) for p in value.split(os.pathsep) if p.strip()]
        elif kind == "list":
            converted = [p.strip() for p in value.split(",") if p.strip()]
        else:
            converted = value
    except ValueError as exc:
        raise InputError(Problem(f"{name} = {raw!r}: {exc}", where)) from exc
    setattr(config, name, converted)


def _bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("not a boolean (use true or false)")


def _path(value: str, base: Path) -> str:
    """``~`` expanded; a relative path is relative to the ansible.cfg's folder, as in Ansible."""
    expanded = Path(os.path.expandvars(value.strip())).expanduser()
    return str(expanded if expanded.is_absolute() else base / expanded)
