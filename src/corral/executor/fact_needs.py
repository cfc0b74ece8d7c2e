"""Which facts a run reads: the fact groups each play must gather (issue #16).

Every string of the playbook that Jinja reads (arguments, conditions, loops, vars,
role defaults, handlers, template files, included files) is parsed with Jinja's own
parser (``pending.parsed``) and searched for facts: ``ansible_<fact>``,
``ansible_facts.<fact>`` / ``ansible_facts['<fact>']``, the same through
``hostvars[h]`` and ``vars``, and ``lookup('vars', '<name>')``. What cannot be
followed means every group (``ALL``): ``ansible_facts`` or ``hostvars[h]`` used
whole, a name computed at run time, ``lookup('template', …)``, an include that
cannot be read (an ``include_role`` with templated arguments; an ``include_tasks``
with a templated name reads every file its pattern matches), an explicit ``setup``
task, vars files named by a template. A name the analysis cannot see (a fact read through an
inventory variable) is caught at run time: see ``lazy_facts``.

Facts persist across plays: a gathering play also gathers what later plays that
do not gather read, and what any later play reads of other hosts' facts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import nodes

from corral.errors import CorralError
from corral.executor.include_loader import IncludeLoader
from corral.executor.pending import parsed, strings_in
from corral.modules.setup import GROUPS
from corral.playbook.import_role import role_request
from corral.playbook.model import Block, Play, RoleRef, Task, TaskNode
from corral.prepare.context import PrepareContext, find_local

ALL: frozenset[str] = frozenset(GROUPS)
FACT_GROUP: dict[str, str] = {fact: group for group, facts in GROUPS.items() for fact in facts}
_DICT_METHODS = frozenset({"get", "items", "keys", "values", "copy", "__contains__"})
_SETUP_MODULES = frozenset({"setup", "gather_facts"})
_INCLUDES = frozenset({"include_tasks", "include_role"})
# Task fields read as bare conditions (the rest are templates).
_CONDITIONS = ("when", "changed_when", "failed_when", "until", "ignore_errors", "no_log")
_SKIP_FIELDS = frozenset({"position", "keyword_positions", "arg_positions", "role", "invalid",
                          "module"})
_FACT_WORD = re.compile(r"\bansible_(\w+)")
_MAX_TEMPLATE = 1024 * 1024
MAX_DEPTH = 64  # bounds includes that include themselves
MAX_CANDIDATES = 64  # files a templated include name may match before it means everything
_TEMPLATED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)

# An include task (of a play) -> its nodes, handlers, role vars; None: not readable.
IncludeReader = Callable[[Task, Play], "Sequence[Any] | None"]


@dataclasses.dataclass(frozen=True)
class Reads:
    """The groups a piece of the playbook reads: of its own hosts, and of others' (hostvars)."""

    own: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()

    def __or__(self, other: Reads) -> Reads:
        return Reads(self.own | other.own, self.others | other.others)


# -- one string ---------------------------------------------------------------------
@lru_cache(maxsize=4096)
def text_reads(text: str, expression: bool = False) -> Reads:
    """The fact groups a template (or, ``expression``, a bare condition) reads."""
    if not expression and "{{" not in text and "{%" not in text:
        return Reads()  # plain text reads nothing
    tree = parsed(text, expression)
    if tree is None:  # does not parse: it fails when rendered; every word may be a fact
        words = {FACT_GROUP[w] for w in _FACT_WORD.findall(text) if w in FACT_GROUP}
        return Reads(ALL if "ansible_facts" in text else frozenset(words))
    return _tree_reads(tree, text)


def _tree_reads(tree: nodes.Template, text: str) -> Reads:
    parents: dict[int, nodes.Node] = {}
    own: set[str] = set()
    others: set[str] = set()
    for node in _walk(tree, parents):
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name == "hostvars":
                others |= _hostvars_use(node, parents)
            else:
                own |= _name_use(node.name, node, parents)
        elif isinstance(node, nodes.Call):
            own |= _lookup_use(node)
    # fact names in strings a filter or test reads (map(attribute='ansible_os_family'))
    own |= {FACT_GROUP[w] for w in _FACT_WORD.findall(text) if w in FACT_GROUP}
    return Reads(frozenset(own), frozenset(others))


def _walk(node: nodes.Node, parents: dict[int, nodes.Node]) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        parents[id(child)] = node
        yield from _walk(child, parents)


def _key(node: nodes.Node, parents: dict[int, nodes.Node]) -> str | None:
    """The constant name read from ``node`` (``node.x``, ``node['x']``); None: used whole."""
    parent = parents.get(id(node))
    if isinstance(parent, nodes.Getattr) and parent.node is node:
        return parent.attr
    if (isinstance(parent, nodes.Getitem) and parent.node is node
            and isinstance(parent.arg, nodes.Const) and isinstance(parent.arg.value, str)):
        return parent.arg.value
    return None


def _name_use(name: str, node: nodes.Node, parents: dict[int, nodes.Node]) -> set[str]:
    """The groups reading the variable ``name`` (its value is ``node``) needs."""
    if name.startswith("ansible_") and name[len("ansible_"):] in FACT_GROUP:
        return {FACT_GROUP[name[len("ansible_"):]]}
    if name not in ("ansible_facts", "vars"):
        return set()
    key = _key(node, parents)
    if key is None or key in _DICT_METHODS:
        return set(ALL)  # used whole, or a key computed at run time
    if name == "vars":
        return _name_use(key, parents[id(node)], parents)
    return {FACT_GROUP[key]} if key in FACT_GROUP else set()


def _hostvars_use(node: nodes.Node, parents: dict[int, nodes.Node]) -> set[str]:
    """``hostvars[h].x``: what reading x of another host needs; hostvars whole: all."""
    host = parents.get(id(node))
    if not isinstance(host, nodes.Getattr | nodes.Getitem) or host.node is not node:
        return set(ALL)
    key = _key(host, parents)
    if key is None:
        return set(ALL)
    return _name_use(key, parents[id(host)], parents)


def _lookup_use(call: nodes.Call) -> set[str]:
    """``lookup('vars', 'ansible_x')``; a computed name or a template lookup: all."""
    if not isinstance(call.node, nodes.Name) or call.node.name not in ("lookup", "query", "q"):
        return set()
    if not call.args or not isinstance(call.args[0], nodes.Const):
        return set(ALL)
    kind = call.args[0].value
    if kind == "template":
        return set(ALL)
    if kind != "vars":
        return set()
    groups: set[str] = set()
    for arg in call.args[1:]:
        if not isinstance(arg, nodes.Const) or not isinstance(arg.value, str):
            return set(ALL)
        name = arg.value
        groups |= {FACT_GROUP[name[8:]]} if name.startswith("ansible_") and name[8:] in FACT_GROUP \
            else (set(ALL) if name == "ansible_facts" else set())
    return groups


def _file_reads(path: Path) -> Reads:
    """What a file of templates (a template, a vars file) reads; too big: everything."""
    if not path.is_file():
        return Reads()  # not found: the run fails (or picks the next) on its own
    if path.stat().st_size > _MAX_TEMPLATE:
        return Reads(ALL)
    return text_reads(path.read_text(encoding="utf-8", errors="replace"))


def values_reads(value: Any, expression: bool = False) -> Reads:
    """What every string inside ``value`` reads."""
    out = Reads()
    for text in strings_in(value):
        out |= text_reads(text, expression)
    return out


# -- the playbook -------------------------------------------------------------------
class PlaybookReader:
    """Walks plays, tasks, roles and included files; reads each file and role once."""

    def __init__(self, include_reader: IncludeReader | None = None) -> None:
        self._include_reader = include_reader
        self._roles_seen: set[int] = set()
        self._depth = 0

    def play_reads(self, play: Play) -> Reads:
        self._roles_seen = set()
        out = values_reads([play.name, play.vars, play.environment, play.module_defaults,
                            play.strategy, play.become_user, play.remote_user, play.throttle,
                            play.timeout])
        for entry in play.vars_files:
            names = entry if isinstance(entry, list) else [entry]
            for name in names:
                out |= Reads(ALL) if "{{" in name else _file_reads(play.playbook_dir / name)
        for role in play.roles:
            out |= self._role_reads(role)
        for nodes_ in (play.pre_tasks, play.tasks, play.post_tasks, play.handlers):
            out |= self.nodes_reads(nodes_, play)
        return out

    def nodes_reads(self, items: Iterable[TaskNode], play: Play) -> Reads:
        out = Reads()
        for node in items:
            out |= self._block_reads(node, play) if isinstance(node, Block) \
                else self.task_reads(node, play)
        return out

    def _block_reads(self, block: Block, play: Play) -> Reads:
        out = values_reads(block.when, expression=True)
        out |= values_reads([block.name, block.vars, block.environment, block.module_defaults,
                             block.become_user, block.include_params, block.throttle,
                             block.timeout])
        out |= values_reads([block.ignore_errors, block.no_log], expression=True)
        if block.role is not None:
            out |= self._role_reads(block.role)
        for part in (block.block, block.rescue, block.always):
            out |= self.nodes_reads(part, play)
        return out

    def task_reads(self, task: Task, play: Play) -> Reads:
        if task.module in _SETUP_MODULES:
            return Reads(ALL)  # runs as written; the play gathers as it always did
        out = Reads()
        for field in dataclasses.fields(task):
            if field.name in _SKIP_FIELDS:
                continue
            value = getattr(task, field.name)
            if isinstance(value, bool) or value is None:
                continue
            if field.name == "loop_control":
                out |= values_reads([value.label, value.pause, value.index_var])
                out |= values_reads([value.extended, value.break_when], expression=True)
                continue
            out |= values_reads(value, expression=field.name in _CONDITIONS)
        out |= self._module_reads(task, play)
        if task.role is not None:
            out |= self._role_reads(task.role)
        return out

    def _module_reads(self, task: Task, play: Play) -> Reads:
        """What a module reads besides its templated arguments."""
        if task.module == "debug":
            return values_reads(task.args.get("var"), expression=True)
        if task.module == "assert":
            return values_reads(task.args.get("that"), expression=True)
        if task.module == "template":
            return self._template_file_reads(task, play)
        if task.module in _INCLUDES:
            return self._include_reads(task, play)
        return Reads()

    def _template_file_reads(self, task: Task, play: Play) -> Reads:
        src = task.args.get("src")
        if not isinstance(src, str) or "{{" in src or "{%" in src:
            return Reads(ALL)  # which file is known only at run time
        context = PrepareContext(playbook_dir=play.playbook_dir,
                                 role_dir=task.role.path if task.role else None)
        path = find_local(src, context.search_dirs("templates"))
        return _file_reads(path) if path is not None else Reads()

    def _include_reads(self, task: Task, play: Play) -> Reads:
        name = task.args.get("file") or task.args.get("_raw_params") or task.args.get("name")
        # include_tasks may have a templated file name (read_include globs it); for
        # include_role, a templated argument may name any role
        role_args = task.args if task.module == "include_role" else {}
        templated = any("{{" in text or "{%" in text for text in strings_in(role_args))
        if (self._include_reader is None or not isinstance(name, str) or templated
                or self._depth >= MAX_DEPTH):
            return Reads(ALL)
        loaded = self._include_reader(task, play)
        if loaded is None:
            return Reads(ALL)
        self._depth += 1
        try:
            out = Reads()
            for item in loaded:
                out |= self.nodes_reads([item], play) if isinstance(item, Task | Block) \
                    else values_reads(item)
            return out
        finally:
            self._depth -= 1

    def _role_reads(self, role: RoleRef) -> Reads:
        if id(role) in self._roles_seen:
            return Reads()
        self._roles_seen.add(id(role))
        out = values_reads([role.entry_vars, role.params])
        for source in [*role.defaults, *role.vars]:
            out |= values_reads(source.vars)
        for outer in role.chain:
            out |= self._role_reads(outer)
        return out


def play_gathers(play: Play, gather_implicit: bool) -> bool:
    """The play's gather_facts; unset, ansible.cfg's gathering decides (implicit: yes)."""
    if "gather_facts" in play.keyword_positions:
        return play.gather_facts
    return gather_implicit


def read_include(loader: IncludeLoader, task: Task) -> list[Any] | None:
    """What an include brings (for the analysis); None: cannot tell.

    A templated file name (``setup-{{ ansible_os_family }}.yml``) brings every file
    its pattern matches; none matching, or too many: None. The file a host really
    includes is one of them, or a fact it reads is gathered on first use.
    """
    try:
        if task.module == "include_tasks":
            name = str(task.args.get("file") or task.args.get("_raw_params"))
            if _TEMPLATED.search(name):
                return _candidates_reads(loader, name, task)
            return list(loader.tasks(loader.find_tasks_file(name, task)))
        loaded = loader.role(role_request(dict(task.args), task.position, {}, False))
    except CorralError:
        return None  # the include fails on its own when reached
    ref = loaded.ref
    sources = [s.vars for s in ref.defaults + ref.vars] if ref is not None else []
    return [*([loaded.block] if loaded.block is not None else []), *loaded.handlers, *sources]


def _candidates_reads(loader: IncludeLoader, name: str, task: Task) -> list[Any] | None:
    pattern = _TEMPLATED.sub("*", name)
    found: list[Path] = []
    for folder in loader.tasks_folders(pattern, task):
        found += [p for p in sorted(folder.glob(pattern.lstrip("/"))) if p.is_file()]
    if not found or len(found) > MAX_CANDIDATES:
        return None
    nodes_: list[Any] = []
    for path in dict.fromkeys(p.resolve() for p in found):
        try:
            nodes_ += loader.tasks(path)
        except CorralError:
            continue  # a file for other systems: it fails only where it is included
    return nodes_


def play_needs(plays: Sequence[Play], gathers: Callable[[Play], bool],
               include_reader: IncludeReader | None = None) -> list[frozenset[str]]:
    """For each play, the groups its gathering must bring (empty for a play that does not gather).

    A gathering play brings what it reads, what later plays that do not gather read
    (the facts stay), and what any later play reads of other hosts (``hostvars``).
    """
    reader = PlaybookReader(include_reader)
    reads = [reader.play_reads(play) for play in plays]
    needs: list[frozenset[str]] = []
    for index, play in enumerate(plays):
        if not gathers(play):
            needs.append(frozenset())
            continue
        groups = set(reads[index].own | reads[index].others)
        for later, later_reads in zip(plays[index + 1:], reads[index + 1:], strict=True):
            groups |= later_reads.others
            if not gathers(later):
                groups |= later_reads.own
        needs.append(frozenset(g for g in GROUPS if g in groups))
    return needs
