"""``import_role``: a role inlined where it is written, when the playbook is read."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from corral.errors import Position
from corral.playbook.common import read_common
from corral.playbook.context import ParseContext
from corral.playbook.include_task import include_args
from corral.playbook.keywords import IMPORT_KEYWORDS
from corral.playbook.model import TaskNode
from corral.playbook.roles import ROLE_OPTIONS, RoleRequest, keyword_block, load_role, remember
from corral.playbook.values import is_template
from corral.playbook.yaml_loader import PosDict

if TYPE_CHECKING:
    from corral.playbook.task_list import TaskScope


def role_request(options: dict[str, Any], where: Position | None, entry_vars: dict[str, Any],
                 public: bool) -> RoleRequest:
    """The role an import_role/include_role names (its options already rendered)."""
    def text(key: str) -> str:
        return str(options.get(key) or "main")

    flag = options.get("public", public)
    return RoleRequest(
        name=str(options.get("name", "")).strip(), position=where,
        tasks_from=text("tasks_from"), vars_from=text("vars_from"),
        defaults_from=text("defaults_from"), handlers_from=text("handlers_from"),
        entry_vars=entry_vars, public=flag not in (False, "no", "false", "False"),
        validate=options.get("rolespec_validate", True) not in (False, "no", "false", "False"),
    )


def read_import_role(ctx: ParseContext, data: PosDict, key: str,
                     scope: TaskScope) -> list[TaskNode]:
    """The role's block, wrapped in the import's keywords; its handlers join the play's."""
    where = data.key_position(key)
    for other in map(str, data):
        if other != key and other not in IMPORT_KEYWORDS:
            ctx.add(f"'{other}' on import_role is not supported (it is static: use include_role "
                    f"for loops; allowed: {', '.join(sorted(IMPORT_KEYWORDS))})",
                    data.key_position(other))
    options = include_args(ctx, "import_role", data.get(key), where)
    for name in options:
        if str(name) not in ROLE_OPTIONS or name == "apply":
            ctx.add(f"unknown option '{name}' for import_role (allowed: "
                    f"{', '.join(sorted(ROLE_OPTIONS - {'apply'}))})", where)
    if is_template(options.get("name")):
        ctx.add("import_role is static: its name cannot be templated; use include_role", where)
        return []
    common = read_common(ctx, data)
    inner = replace(ctx, conditional=True) if common.when else ctx
    request = role_request(options, data.position or where, {}, True)
    loaded = load_role(inner, request, scope.playbook_dir)
    remember(ctx, loaded)
    if loaded.block is None:
        return []
    return [keyword_block(common, data.position or where, [loaded.block])]
