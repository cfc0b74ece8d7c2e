"""The typed model of a playbook: plays, blocks and tasks, as written.

Values are raw and untemplated: the executor renders them per host. Every
node keeps the ``Position`` it came from so run-time errors can point back
at the user's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from corral.errors import Position, Problem

LoopKind = Literal["loop", "items", "list", "dict", "lookup"]
Condition = str | bool


@dataclass(frozen=True, kw_only=True)
class LoopControl:
    """``loop_control``: the loop variable's name, an index variable, a label, …

    ``extended`` (a bool or a template) sets ``ansible_loop`` for each item
    (with ``allitems`` unless ``extended_allitems`` is false); ``break_when``
    stops the loop after the first item for which its conditions hold.
    """

    loop_var: str = "item"
    index_var: str | None = None
    label: str | None = None
    pause: int | float | str = 0
    extended: bool | str = False
    extended_allitems: bool = True
    break_when: list[Condition] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, eq=False)
class VarsSource:
    """Variables read from one file (a role's defaults or vars), with each key's line."""

    vars: dict[str, Any]
    path: str
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, eq=False)
class RoleRef:
    """One use of a role: where it lives, its variables, and the params it was given.

    ``chain`` is the roles that pulled this one in as a dependency, outermost
    first (their defaults and vars are visible to it, as in Ansible).
    """

    name: str
    path: Path
    defaults: list[VarsSource] = field(default_factory=list)
    vars: list[VarsSource] = field(default_factory=list)
    entry_vars: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    public: bool = True
    chain: tuple[RoleRef, ...] = ()
    position: Position | None = None


@dataclass(frozen=True, kw_only=True)
class Task:
    """One module call and the keywords around it.

    ``loop`` is a literal list or a template string. ``loop_kind`` says which
    keyword wrote it: "loop"/"list" (as is), "items" (``with_items``: flatten
    one level when rendered), "dict" (``with_dict``: a literal is already a
    list of ``{key, value}``; a rendered dict must still be converted), "lookup"
    (``with_<loop_lookup>``: the rendered terms go through that lookup).
    """

    module: str
    position: Position
    name: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    when: list[Condition] = field(default_factory=list)
    loop: Any = None
    loop_kind: LoopKind | None = None
    loop_lookup: str | None = None
    loop_control: LoopControl = field(default_factory=LoopControl)
    register: str | None = None
    changed_when: list[Condition] | None = None
    failed_when: list[Condition] | None = None
    ignore_errors: bool | str = False
    notify: list[str] = field(default_factory=list)
    become: bool | None = None
    become_user: str | None = None
    become_method: str | None = None
    tags: list[str] = field(default_factory=list)
    check_mode: bool | None = None
    diff: bool | None = None
    no_log: bool | str = False
    vars: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    run_once: bool = False
    delegate_to: str | None = None
    delegate_facts: bool = False
    retries: int | str | None = None
    until: list[Condition] | None = None
    delay: float | str | None = None
    listen: list[str] = field(default_factory=list)
    any_errors_fatal: bool | None = None
    ignore_unreachable: bool | None = None
    module_defaults: list[Any] = field(default_factory=list)  # enclosing blocks' first
    throttle: int | str | None = None  # at most this many hosts run the task at once
    timeout: int | str | None = None  # seconds before the task fails (the host goes on)
    async_: int | str | None = None  # `async`: run in the background for at most N seconds
    poll: int | str | None = None  # with async: seconds between checks (0: do not wait)
    role: RoleRef | None = None  # the role this task belongs to
    include_params: dict[str, Any] = field(default_factory=dict)  # an include's vars and item
    # A module problem found up front in a task reached only under a condition:
    # the task fails with it on a host where it runs (validate when reached).
    invalid: str | None = None
    # Where each keyword (and each module argument) was written, for run-time errors.
    keyword_positions: dict[str, Position] = field(default_factory=dict, compare=False, repr=False)
    arg_positions: dict[str, Position] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class Block:
    """``block``/``rescue``/``always``, also made by ``import_tasks`` with keywords.

    Its keywords apply to every task inside (as in Ansible): ``when`` is
    and-ed with each task's own, ``tags`` are added, ``vars`` and
    ``environment`` are merged under the task's own, and ``become``,
    ``become_user``, ``check_mode``, ``diff``, ``no_log``, ``ignore_errors``,
    ``any_errors_fatal`` and ``ignore_unreachable`` apply unless the task sets
    its own. ``rescue`` runs when a task of ``block`` fails; ``always`` runs
    after both.
    """

    position: Position
    name: str | None = None
    block: list[TaskNode] = field(default_factory=list)
    rescue: list[TaskNode] = field(default_factory=list)
    always: list[TaskNode] = field(default_factory=list)
    when: list[Condition] = field(default_factory=list)
    become: bool | None = None
    become_user: str | None = None
    become_method: str | None = None
    tags: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    ignore_errors: bool | str | None = None
    check_mode: bool | None = None
    diff: bool | None = None
    no_log: bool | str | None = None
    any_errors_fatal: bool | None = None
    ignore_unreachable: bool | None = None
    run_once: bool | None = None
    throttle: int | str | None = None
    timeout: int | str | None = None
    module_defaults: list[Any] = field(default_factory=list)
    role: RoleRef | None = None
    include_params: dict[str, Any] = field(default_factory=dict)
    # A role that runs once per play: a host on which a role of this key already ran
    # a task skips the block (decided when reached, as ansible-core does).
    once_key: str | None = None
    keyword_positions: dict[str, Position] = field(default_factory=dict, compare=False, repr=False)


TaskNode = Task | Block


@dataclass(frozen=True, kw_only=True)
class Play:
    """One play: which hosts, with which variables, run which tasks."""

    hosts: str
    position: Position
    path: Path
    name: str = ""
    vars: dict[str, Any] = field(default_factory=dict)
    vars_files: list[str | list[str]] = field(default_factory=list)  # a list: first found
    vars_prompt: list[dict[str, Any]] = field(default_factory=list)
    roles: list[RoleRef] = field(default_factory=list)  # roles: and import_role, for their vars
    role_keys: frozenset[str] = frozenset()  # roles already loaded (their handlers are in)
    pre_tasks: list[TaskNode] = field(default_factory=list)
    tasks: list[TaskNode] = field(default_factory=list)
    post_tasks: list[TaskNode] = field(default_factory=list)
    handlers: list[Task] = field(default_factory=list)
    become: bool | None = None
    become_user: str | None = None
    become_method: str | None = None
    remote_user: str | None = None
    connection: Literal["ssh", "local"] | None = None
    gather_facts: bool = True
    gather_subset: list[str] | None = None  # as written (may hold templates); None: all
    strategy: str = "linear"  # linear, free, or a template rendered when the play starts
    order: str = "inventory"
    tags: list[str] = field(default_factory=list)
    serial: list[int | str] = field(default_factory=list)
    max_fail_percentage: float | None = None
    any_errors_fatal: bool = False
    ignore_unreachable: bool = False
    check_mode: bool | None = None
    diff: bool | None = None
    environment: dict[str, Any] = field(default_factory=dict)
    module_defaults: list[Any] = field(default_factory=list)
    throttle: int | str | None = None  # for every task that sets none
    timeout: int | str | None = None
    keyword_positions: dict[str, Position] = field(default_factory=dict, compare=False, repr=False)

    @property
    def playbook_dir(self) -> Path:
        """The folder of the file this play came from (Ansible's ``playbook_dir``)."""
        return self.path.parent


@dataclass(frozen=True)
class Playbook:
    """A playbook file and every play in it, imported playbooks inlined in order."""

    path: Path
    plays: list[Play]
    warnings: list[Problem] = field(default_factory=list)  # dynamic problems, known up front
    roles_path: tuple[Path, ...] = ()  # --roles-path and ANSIBLE_ROLES_PATH, for include_role
