"""Read a playbook file: its plays, with ``import_playbook`` inlined in order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corral.errors import Position
from corral.playbook.context import ParseContext
from corral.playbook.model import Play
from corral.playbook.play import read_play
from corral.playbook.task_keys import short_name
from corral.playbook.task_list import TaskScope, load_target
from corral.playbook.values import describe, read_str_list
from corral.playbook.yaml_loader import PosDict, PosList, load_yaml_file, position_of

_IMPORT_KEYS = frozenset({"name", "tags"})


def read_playbook_file(ctx: ParseContext, path: Path, stack: tuple[Path, ...] = ()) -> list[Play]:
    """Every play of ``path`` (imported playbooks inlined); problems go to ``ctx``."""
    data, problems = load_yaml_file(path)
    ctx.extend(problems)
    if data is None and problems:
        return []
    if not isinstance(data, PosList) or not data:
        ctx.add("a playbook must be a list of plays, each starting with '- hosts: ...'"
                f"; got {describe(data)}", position_of(data) or Position(str(path), 1, 1))
        return []
    stack = (*stack, path.resolve())
    plays: list[Play] = []
    for index, item in enumerate(data):
        if not isinstance(item, PosDict):
            ctx.add(f"a play must be a mapping of play keywords; got {describe(item)}",
                    data.item_position(index))
            continue
        plays.extend(_read_entry(ctx, item, path, stack))
    return plays


def _read_entry(ctx: ParseContext, data: PosDict, path: Path,
                stack: tuple[Path, ...]) -> list[Play]:
    imports = [k for k in map(str, data) if short_name(k) == "import_playbook"]
    if not imports:
        play = read_play(ctx, data, path)
        return [play] if play is not None else []
    return _read_import(ctx, data, imports[0], path, stack)


def _read_import(ctx: ParseContext, data: PosDict, key: str, path: Path,
                 stack: tuple[Path, ...]) -> list[Play]:
    for other in (k for k in map(str, data) if k != key and k not in _IMPORT_KEYS):
        hint = "; a play and an import_playbook are two list entries" if other == "hosts" else ""
        ctx.add(f"'{other}' on import_playbook is not supported by corral "
                f"(allowed: name, tags){hint}", data.key_position(other))
    scope = TaskScope(file=path, playbook_dir=path.parent, stack=stack)
    target = load_target(ctx, data, key, scope)
    if target is None:
        return []
    tags = read_str_list(ctx, data, "tags", commas=True)
    plays = read_playbook_file(ctx, target, stack)
    return [replace(play, tags=[*tags, *play.tags]) for play in plays] if tags else plays
