"""The files of a role folder: ``main.yml`` / ``main.yaml`` / ``main/``, vars and meta."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.playbook.context import ParseContext
from corral.playbook.model import VarsSource
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict, PosList, load_yaml_file, position_of

_EXTENSIONS = (".yml", ".yaml", ".json", "")


def find_in_role(folder: Path, name: str) -> Path | None:
    """``folder/name`` with a YAML extension (or none), else the ``folder/name/`` directory."""
    if Path(name).suffix in (".yml", ".yaml", ".json"):
        return folder / name if (folder / name).is_file() else None
    for extension in _EXTENSIONS:
        candidate = folder / f"{name}{extension}"
        if candidate.is_file():
            return candidate
    directory = folder / name
    return directory if directory.is_dir() else None


def read_vars_sources(ctx: ParseContext, folder: Path, name: str,
                      required: bool, where: Position | None) -> list[VarsSource]:
    """A role's defaults or vars (``name`` from defaults_from/vars_from), lowest first."""
    found = find_in_role(folder, name)
    if found is None:
        if required:
            ctx.add(f"role file '{name}' not found in {folder}", where)
        return []
    files = sorted(p for p in found.rglob("*") if p.is_file()) if found.is_dir() else [found]
    return [source for path in files if (source := read_vars_source(ctx, path)) is not None]


def read_vars_source(ctx: ParseContext, path: Path) -> VarsSource | None:
    """One YAML file of variables, with the line of each key; a non-mapping is a problem."""
    data, problems = load_yaml_file(path)
    ctx.extend(problems)
    if data is None:
        return VarsSource(vars={}, path=str(path)) if not problems else None
    if not isinstance(data, dict):
        ctx.add(f"{path.name} must hold a mapping of variables; got {describe(data)}",
                position_of(data) or Position(str(path), 1))
        return None
    lines = {str(k): p.line for k, p in data.key_positions.items()
             if p.line} if isinstance(data, PosDict) else {}
    return VarsSource(vars=dict(data), path=str(path), lines=lines)


@dataclass
class RoleMeta:
    """``meta/main.yml``: the dependencies and whether the role may run twice."""

    dependencies: list[Any] = field(default_factory=list)
    allow_duplicates: bool = False
    positions: list[Position | None] = field(default_factory=list)


def read_meta(ctx: ParseContext, role_dir: Path) -> RoleMeta:
    """The role's meta (empty when it has none)."""
    path = find_in_role(role_dir / "meta", "main")
    if path is None or path.is_dir():
        return RoleMeta()
    data, problems = load_yaml_file(path)
    ctx.extend(problems)
    if data is None:
        return RoleMeta()
    if not isinstance(data, dict):
        ctx.add(f"a role's meta/main.yml must be a mapping; got {describe(data)}",
                position_of(data) or Position(str(path), 1))
        return RoleMeta()
    deps = data.get("dependencies") or []
    if not isinstance(deps, list):
        where = data.key_position("dependencies") if isinstance(data, PosDict) else None
        ctx.add(f"'dependencies' must be a list of roles; got {describe(deps)}", where)
        deps = []
    positions = [deps.item_position(i) if isinstance(deps, PosList) else None
                 for i in range(len(deps))]
    allow = data.get("allow_duplicates", False)
    return RoleMeta(list(deps), allow in (True, "yes", "true", "True"), positions)


@dataclass
class ArgumentSpec:
    """One entry point of a role's ``meta/argument_specs.yml``."""

    options: dict[str, Any]
    short_description: str
    position: Position


def read_argument_specs(ctx: ParseContext, role_dir: Path) -> dict[str, ArgumentSpec]:
    """Entry point name -> its spec, from meta/argument_specs.yml (or meta/main.yml)."""
    path = find_in_role(role_dir / "meta", "argument_specs")
    if path is None or path.is_dir():
        path = find_in_role(role_dir / "meta", "main")
    if path is None or path.is_dir():
        return {}
    data, problems = load_yaml_file(path)
    ctx.extend(problems)
    specs = data.get("argument_specs") if isinstance(data, dict) else None
    if not isinstance(specs, dict):
        return {}
    out: dict[str, ArgumentSpec] = {}
    for name, entry in specs.items():
        where = specs.key_position(name) if isinstance(specs, PosDict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("options") or {}, dict):
            ctx.add(f"argument_specs entry '{name}' must be a mapping with 'options'",
                    where or Position(str(path)))
            continue
        out[str(name)] = ArgumentSpec(dict(entry.get("options") or {}),
                                      str(entry.get("short_description") or ""),
                                      where or Position(str(path)))
    return out
