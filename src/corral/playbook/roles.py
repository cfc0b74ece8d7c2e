"""Load a role: its dependencies, tasks, handlers, defaults and vars, as one block.

A role becomes a ``Block`` whose tasks carry a ``RoleRef`` (their variables and
folders), preceded by the blocks of its ``meta/main.yml`` dependencies. Roles
of a play's ``roles:`` section and every role's dependencies run once per play unless
their meta says ``allow_duplicates`` (or they are given other params), as in
ansible-core; ``import_role`` and ``include_role`` run every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.playbook.common import read_common
from corral.playbook.context import ParseContext
from corral.playbook.model import Block, RoleRef, Task, TaskNode
from corral.playbook.role_files import (
    ArgumentSpec,
    find_in_role,
    read_argument_specs,
    read_meta,
    read_vars_sources,
)
from corral.playbook.role_search import find_role
from corral.playbook.tasks_file import load_tasks_file
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict

# Keys of a roles: entry (or a dependency) that are not role params.
ENTRY_KEYWORDS = frozenset({
    "role", "name", "vars", "tags", "when", "become", "become_user", "become_method",
    "environment", "ignore_errors", "check_mode", "diff", "no_log", "any_errors_fatal",
    "ignore_unreachable", "public",
})
# Role entry keywords corral refuses rather than ignore.
_REFUSED = {"delegate_to": "put delegate_to on the role's tasks",
            "collections": "corral modules need no collection"}
# Options of import_role / include_role.
ROLE_OPTIONS = frozenset({"name", "tasks_from", "vars_from", "defaults_from", "handlers_from",
                          "public", "apply", "allow_duplicates", "rolespec_validate"})


@dataclass(frozen=True)
class RoleRequest:
    """Which role to load, from which files, with which params and vars."""

    name: str
    position: Position | None
    tasks_from: str = "main"
    vars_from: str = "main"
    defaults_from: str = "main"
    handlers_from: str = "main"
    params: dict[str, Any] = field(default_factory=dict)
    entry_vars: dict[str, Any] = field(default_factory=dict)
    public: bool = True
    once: bool = False  # roles: section and dependencies: once per play
    validate: bool = True  # rolespec_validate: the argument specs' task first


@dataclass
class LoadedRole:
    """A loaded role: its block (None when skipped or broken), handlers, reference."""

    block: Block | None
    handlers: list[Task] = field(default_factory=list)
    ref: RoleRef | None = None


def load_role(ctx: ParseContext, request: RoleRequest, playbook_dir: Path,
              chain: tuple[RoleRef, ...] = ()) -> LoadedRole:
    """The role ``request`` names; problems (not found, cycle, bad files) go to ``ctx``."""
    parent = chain[-1].path.parent if chain else None
    location = find_role(request.name, playbook_dir, ctx.roles_path, parent)
    if location.path is None:
        looked = ", ".join(str(p) for p in location.looked)
        ctx.add(f"role '{request.name}' not found (looked in: {looked})", request.position)
        return LoadedRole(None)
    path = location.path.resolve()
    if any(r.path == path for r in chain):
        cycle = " -> ".join([*(r.name for r in chain), path.name])
        ctx.add(f"role dependency cycle: {cycle}", request.position)
        return LoadedRole(None)
    meta = read_meta(ctx, path)
    once_key = _once_key(path, request) if request.once and not meta.allow_duplicates else None
    again = once_key is not None and _seen(ctx, once_key)
    ref = RoleRef(
        name=path.name, path=path, params=dict(request.params),
        entry_vars=dict(request.entry_vars), public=request.public, chain=chain,
        position=request.position,
        defaults=read_vars_sources(ctx, path / "defaults", request.defaults_from,
                                   request.defaults_from != "main", request.position),
        vars=read_vars_sources(ctx, path / "vars", request.vars_from,
                               request.vars_from != "main", request.position),
    )
    nodes: list[TaskNode] = []
    handlers: list[Task] = []
    for entry, where in zip(meta.dependencies, meta.positions, strict=True):
        dep = read_role_entry(ctx, entry, where, playbook_dir, chain=(*chain, ref), once=True)
        nodes += [dep.block] if dep.block is not None else []
        handlers += dep.handlers
    specs = read_argument_specs(ctx, path)
    entry_point = Path(request.tasks_from).stem if request.tasks_from else "main"
    if request.validate and entry_point in specs:
        nodes.append(_validation_task(entry_point, specs[entry_point], ref))
    nodes += _role_tasks(ctx, path, request, playbook_dir, handlers=False)
    handlers += [_role_handler(node, ref) for node in
                 _role_tasks(ctx, path, replace(request, tasks_from=request.handlers_from),
                             playbook_dir, handlers=True) if isinstance(node, Task)]
    block = Block(position=request.position or Position(str(path)), block=nodes, role=ref,
                  once_key=once_key)
    if again:  # its handlers and vars are already the play's
        return LoadedRole(block, [], None)
    return LoadedRole(block, handlers, ref)


def _validation_task(name: str, spec: ArgumentSpec, ref: RoleRef) -> Task:
    """The task ansible-core puts first in a role with argument specs for its entry point."""
    title = f"Validating arguments against arg spec '{name}'"
    if spec.short_description:
        title += f" - {spec.short_description}"
    return Task(module="validate_argument_spec", name=title, position=spec.position,
                tags=["always"], role=ref,
                args={"argument_spec": spec.options, "provided_arguments": dict(ref.params)})


def _once_key(path: Path, request: RoleRequest) -> str:
    params = repr(sorted(request.params.items(), key=lambda kv: str(kv[0])))
    return f"{path}|{params}|{request.tasks_from}"


def _seen(ctx: ParseContext, key: str) -> bool:
    if ctx.play_roles is None:
        return False
    if key in ctx.play_roles.seen:
        return True
    ctx.play_roles.seen.add(key)
    return False


def _role_tasks(ctx: ParseContext, path: Path, request: RoleRequest, playbook_dir: Path,
                handlers: bool) -> list[TaskNode]:
    from corral.playbook.task_list import TaskScope, read_task_list

    folder = path / ("handlers" if handlers else "tasks")
    found = find_in_role(folder, request.tasks_from)
    if found is None or found.is_dir():
        if request.tasks_from != "main":
            what = "handlers_from" if handlers else "tasks_from"
            ctx.add(f"role '{path.name}': {what} file '{request.tasks_from}' not found "
                    f"in {folder}", request.position)
        return []
    content = load_tasks_file(ctx, found)
    scope = TaskScope(file=found, playbook_dir=playbook_dir, handlers=handlers)
    return read_task_list(ctx, content, Position(str(found)), str(found), scope)


def _role_handler(handler: Task, ref: RoleRef) -> Task:
    """A role's handler runs with its role's vars (and answers to ``role : name``)."""
    return replace(handler, role=ref)


def read_role_entry(ctx: ParseContext, entry: Any, where: Position | None, playbook_dir: Path,
                    chain: tuple[RoleRef, ...] = (), once: bool = True) -> LoadedRole:
    """One entry of ``roles:`` or of ``dependencies:``: a name, or a mapping with params."""
    if isinstance(entry, str) and entry.strip():
        return load_role(ctx, RoleRequest(entry.strip(), where, once=once), playbook_dir, chain)
    if not isinstance(entry, PosDict):
        ctx.add(f"a role must be a name or a mapping with 'role'; got {describe(entry)}", where)
        return LoadedRole(None)
    name = entry.get("role", entry.get("name"))
    if not isinstance(name, str) or not name.strip():
        ctx.add("a role entry needs 'role' (or 'name'): the role's name", entry.position or where)
        return LoadedRole(None)
    for key, hint in _REFUSED.items():
        if key in entry:
            ctx.add(f"'{key}' on a role is not supported by corral; {hint}",
                    entry.key_position(key))
    common = read_common(ctx, entry)
    params = {k: v for k, v in entry.items() if str(k) not in ENTRY_KEYWORDS | _REFUSED.keys()}
    public = entry.get("public", True) not in (False, "no", "false", "False")
    request = RoleRequest(name.strip(), entry.position or where, params=params,
                          public=public, once=once)
    inner = replace(ctx, conditional=True) if common.when else ctx
    loaded = load_role(inner, request, playbook_dir, chain)
    if loaded.block is None:
        return loaded
    keywords = keyword_block(common, entry.position or where, [loaded.block])
    return LoadedRole(keywords, loaded.handlers, loaded.ref)


def keyword_block(common: Any, where: Position | None, nodes: list[TaskNode]) -> Block:
    """A block giving ``common``'s keywords (not its name) to ``nodes``.

    A role entry's ``vars`` are block vars of the role's tasks, as in ansible-core:
    above the role's vars/main.yml, and not seen by the play's other tasks.
    """
    return Block(
        position=where or Position("<role>"), block=nodes, when=common.when, vars=common.vars,
        become=common.become, become_user=common.become_user, tags=common.tags,
        environment=common.environment, ignore_errors=common.ignore_errors,
        check_mode=common.check_mode, diff=common.diff, no_log=common.no_log,
        any_errors_fatal=common.any_errors_fatal, ignore_unreachable=common.ignore_unreachable,
        keyword_positions=common.positions,
    )


def read_play_roles(ctx: ParseContext, value: Any, where: Position | None,
                    playbook_dir: Path) -> list[TaskNode]:
    """The blocks of a play's ``roles:`` section, in order (handlers and refs to ``ctx``)."""
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.add(f"'roles' must be a list of roles; got {describe(value)}", where)
        return []
    from corral.playbook.yaml_loader import PosList

    blocks: list[TaskNode] = []
    for index, entry in enumerate(value):
        at = value.item_position(index) if isinstance(value, PosList) else where
        loaded = read_role_entry(ctx, entry, at, playbook_dir)
        remember(ctx, loaded)
        if loaded.block is not None:
            blocks.append(loaded.block)
    return blocks


def remember(ctx: ParseContext, loaded: LoadedRole) -> None:
    """A statically loaded role's handlers join the play's; a public one's vars are shared."""
    if ctx.play_roles is None:
        return
    ctx.play_roles.handlers.extend(loaded.handlers)
    if loaded.ref is not None and loaded.ref.public:
        ctx.play_roles.refs.extend(_with_deps(loaded.block))


def _with_deps(block: Block | None) -> list[RoleRef]:
    """Every role ref in ``block``, dependencies first (the order ansible-core combines them)."""
    refs: list[RoleRef] = []
    if block is None:
        return refs
    for node in block.block:
        if isinstance(node, Block):
            refs += _with_deps(node)
    if block.role is not None:
        refs.append(block.role)
    return refs
