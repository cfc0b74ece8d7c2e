"""Where vault passwords come from: files, executables, a prompt; as ansible-playbook takes them.

* ``--vault-password-file PATH`` and ``$ANSIBLE_VAULT_PASSWORD_FILE``: vault id ``default``.
* ``--vault-id LABEL@SOURCE`` (or just ``SOURCE``), ``$ANSIBLE_VAULT_IDENTITY_LIST``
  (comma-separated): SOURCE is a file, an executable, or ``prompt``.
* ``--ask-vault-pass``: one prompt for the ``default`` id.

An executable prints the password on stdout; one whose name ends in ``-client``
is given ``--vault-id LABEL``, as Ansible's client scripts are.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from corral.errors import Position, Problem, VaultError

from .keyring import DEFAULT_ID, Keyring, VaultSecret

SCRIPT_TIMEOUT = 60.0
MAX_PASSWORD_FILE = 64 * 1024

Prompt = Callable[[str], str]


def build_keyring(
    password_files: Sequence[str] = (),
    vault_ids: Sequence[str] = (),
    ask_vault_pass: bool = False,
    environ: Mapping[str, str] | None = None,
    prompt: Prompt | None = None,
) -> Keyring:
    """Every vault secret the command line and environment name, read now."""
    env = os.environ if environ is None else environ
    specs: list[tuple[str, str]] = []
    for entry in _env_list(env.get("ANSIBLE_VAULT_IDENTITY_LIST", "")):
        specs.append(_split_id(entry))
    env_file = env.get("ANSIBLE_VAULT_PASSWORD_FILE", "")
    if env_file and not password_files and not vault_ids:
        specs.append((DEFAULT_ID, env_file))
    specs += [(DEFAULT_ID, path) for path in password_files]
    specs += [_split_id(spec) for spec in vault_ids]
    if ask_vault_pass:
        specs.append((DEFAULT_ID, "prompt"))
    keyring = Keyring()
    for vault_id, source in specs:
        keyring.secrets.append(_read_secret(vault_id, source, prompt or _terminal_prompt))
    return keyring


def _split_id(spec: str) -> tuple[str, str]:
    label, sep, source = spec.partition("@")
    if not sep:
        return DEFAULT_ID, spec
    if not label or not source:
        raise VaultError(f"--vault-id {spec!r}: write LABEL@SOURCE (a file, a script or 'prompt')")
    return label, source


def _env_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _read_secret(vault_id: str, source: str, prompt: Prompt) -> VaultSecret:
    if source == "prompt":
        label = "" if vault_id == DEFAULT_ID else f" ({vault_id})"
        return VaultSecret(vault_id, prompt(f"Vault password{label}: ").encode("utf-8"),
                           "a prompt")
    path = Path(source).expanduser()
    if not path.exists():
        raise VaultError(Problem(f"vault password file not found (vault id '{vault_id}')",
                                 Position(str(path))))
    if os.access(path, os.X_OK) and path.is_file():
        return VaultSecret(vault_id, _run_script(path, vault_id), str(path))
    try:
        data = path.read_bytes()[:MAX_PASSWORD_FILE]
    except OSError as exc:
        raise VaultError(Problem(f"cannot read vault password file: {exc.strerror}",
                                 Position(str(path)))) from exc
    return VaultSecret(vault_id, data.strip(), str(path))


def _run_script(path: Path, vault_id: str) -> bytes:
    argv = [str(path)]
    if path.stem.endswith("-client"):
        argv += ["--vault-id", vault_id]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=SCRIPT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VaultError(Problem(f"vault password script failed to run: {exc}",
                                 Position(str(path)))) from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()[:500]
        raise VaultError(Problem(
            f"vault password script exited {proc.returncode}" + (f": {detail}" if detail else ""),
            Position(str(path))))
    return proc.stdout.strip()


def _terminal_prompt(text: str) -> str:
    if not sys.stdin.isatty():
        raise VaultError("a vault password prompt needs a terminal; use --vault-password-file "
                         "or --vault-id LABEL@FILE instead")
    return getpass.getpass(text)
