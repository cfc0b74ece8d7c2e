"""Load the group_vars/ and host_vars/ folders beside an inventory or a playbook."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corral.errors import Problem
from corral.inventory.layers import VarsDirLayers
from corral.inventory.model import LayerKind, VarLayer
from corral.inventory.vars_files import load_vars_files

_KINDS = {
    ("group_vars", "inventory"): LayerKind.INVENTORY_DIR_GROUP_VARS,
    ("group_vars", "playbook"): LayerKind.PLAYBOOK_DIR_GROUP_VARS,
    ("host_vars", "inventory"): LayerKind.INVENTORY_DIR_HOST_VARS,
    ("host_vars", "playbook"): LayerKind.PLAYBOOK_DIR_HOST_VARS,
}


@dataclass
class LoadedVarsDir:
    layers: VarsDirLayers
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_vars_dir(
    folder: Path, beside: str, group_names: Iterable[str], host_names: Iterable[str]
) -> LoadedVarsDir:
    """Layers from ``folder``/group_vars and ``folder``/host_vars; ``beside`` is
    ``"inventory"`` or ``"playbook"``."""
    problems: list[Problem] = []
    warnings: list[str] = []
    groups = _load_kind(
        folder / "group_vars", "group_vars", beside, group_names, problems, warnings
    )
    hosts = _load_kind(folder / "host_vars", "host_vars", beside, host_names, problems, warnings)
    return LoadedVarsDir(VarsDirLayers(groups, hosts), problems, warnings)


def _load_kind(
    folder: Path,
    kind: str,
    beside: str,
    names: Iterable[str],
    problems: list[Problem],
    warnings: list[str],
) -> dict[str, list[VarLayer]]:
    if not folder.is_dir():
        return {}
    layers: dict[str, list[VarLayer]] = {}
    for name in names:
        loaded = load_vars_files(folder, name)
        problems.extend(loaded.problems)
        warnings.extend(loaded.warnings)
        layers[name] = [
            VarLayer(
                kind=_KINDS[(kind, beside)],
                label=f"{kind} of '{name}' beside the {beside} ({f.path})",
                path=str(f.path),
                vars=f.values,
                lines=f.lines,
                owner=name,
            )
            for f in loaded.files
        ]
    return layers
