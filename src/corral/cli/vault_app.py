"""The `corral vault` sub-commands (typer wiring only; the work is in vault_cmd)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corral.errors import InputError

vault_app = typer.Typer(
    name="vault",
    help="Encrypt and decrypt ansible-vault files and strings (readable by ansible-vault).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PasswordFileOpt = Annotated[
    list[str] | None,
    typer.Option("--vault-password-file", "--vault-pass-file",
                 help="File holding the vault password, or an executable printing it."),
]
VaultIdOpt = Annotated[
    list[str] | None,
    typer.Option("--vault-id", help="LABEL@SOURCE: SOURCE is a file, a script or 'prompt' (repeatable)."),
]
AskOpt = Annotated[bool, typer.Option("--ask-vault-pass", "-J", help="Ask for the vault password.")]
EncryptIdOpt = Annotated[
    str | None, typer.Option("--encrypt-vault-id", help="The vault id to encrypt with (default: the first given).")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", help="Write here instead of in place ('-' for stdout).")
]
FilesArg = Annotated[list[Path], typer.Argument(metavar="FILE...", help="The files.")]


@vault_app.command("encrypt")
def encrypt(files: FilesArg, vault_password_file: PasswordFileOpt = None,
            vault_id: VaultIdOpt = None, ask_vault_pass: AskOpt = False,
            encrypt_vault_id: EncryptIdOpt = None, output: OutputOpt = None) -> None:
    """Encrypt files in place."""
    from corral.cli import vault_cmd as v

    try:
        keyring = v.keyring_from_options(vault_password_file, vault_id, ask_vault_pass)
        code = v.encrypt_files(keyring, files, encrypt_vault_id, output)
    except InputError as exc:
        raise v.fail_on_input(exc) from exc
    raise typer.Exit(int(code))


@vault_app.command("decrypt")
def decrypt(files: FilesArg, vault_password_file: PasswordFileOpt = None,
            vault_id: VaultIdOpt = None, ask_vault_pass: AskOpt = False,
            output: OutputOpt = None) -> None:
    """Decrypt files in place."""
    from corral.cli import vault_cmd as v

    try:
        keyring = v.keyring_from_options(vault_password_file, vault_id, ask_vault_pass)
        code = v.decrypt_files(keyring, files, output)
    except InputError as exc:
        raise v.fail_on_input(exc) from exc
    raise typer.Exit(int(code))


@vault_app.command("view")
def view(files: FilesArg, vault_password_file: PasswordFileOpt = None,
         vault_id: VaultIdOpt = None, ask_vault_pass: AskOpt = False) -> None:
    """Print the decrypted content of files."""
    from corral.cli import vault_cmd as v

    try:
        keyring = v.keyring_from_options(vault_password_file, vault_id, ask_vault_pass)
        code = v.view_files(keyring, files)
    except InputError as exc:
        raise v.fail_on_input(exc) from exc
    raise typer.Exit(int(code))


@vault_app.command("encrypt-string")
def encrypt_string(
    values: Annotated[list[str] | None, typer.Argument(metavar="[STRING...]", help="Values to encrypt (default: stdin).")] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Print as 'NAME: !vault |'.")] = None,
    vault_password_file: PasswordFileOpt = None, vault_id: VaultIdOpt = None,
    ask_vault_pass: AskOpt = False, encrypt_vault_id: EncryptIdOpt = None,
) -> None:
    """Print values as inline `!vault` YAML, to paste into a vars file."""
    from corral.cli import vault_cmd as v

    try:
        keyring = v.keyring_from_options(vault_password_file, vault_id, ask_vault_pass)
        code = v.encrypt_string(keyring, values or [], name, encrypt_vault_id)
    except InputError as exc:
        raise v.fail_on_input(exc) from exc
    raise typer.Exit(int(code))


@vault_app.command("rekey")
def rekey(
    files: FilesArg, vault_password_file: PasswordFileOpt = None, vault_id: VaultIdOpt = None,
    ask_vault_pass: AskOpt = False,
    new_vault_password_file: Annotated[str | None, typer.Option("--new-vault-password-file", help="File with the new password.")] = None,
    new_vault_id: Annotated[str | None, typer.Option("--new-vault-id", help="LABEL@SOURCE of the new password.")] = None,
) -> None:
    """Re-encrypt files with a new password."""
    from corral.cli import vault_cmd as v
    from corral.vault.sources import build_keyring

    try:
        keyring = v.keyring_from_options(vault_password_file, vault_id, ask_vault_pass)
        new = build_keyring([new_vault_password_file] if new_vault_password_file else [],
                            [new_vault_id] if new_vault_id else [], False, environ={})
        if not new:
            raise InputError("rekey needs --new-vault-password-file or --new-vault-id")
        label = new.secrets[0].vault_id
        code = v.rekey_files(keyring, new, files, label)
    except InputError as exc:
        raise v.fail_on_input(exc) from exc
    raise typer.Exit(int(code))
