"""Load and validate everything a run needs before any host is touched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corral.errors import InputError, Position, Problem, UsageError
from corral.executor.catalog import ModuleCatalog
from corral.input_bounds import cut_middle, path_problem
from corral.inventory import Inventory, load_inventory
from corral.modules.registry import ModuleRegistry
from corral.playbook.loader import load_playbook
from corral.playbook.model import Playbook
from corral.playbook.role_search import roles_path_from_env
from corral.templating import CorralEnvironment, check_condition_syntax, template_syntax_error


@dataclass(frozen=True)
class RunInput:
    inventory: Inventory
    registry: ModuleRegistry
    playbook: Playbook
    env: CorralEnvironment | None = None  # the one the checks compiled every template in


def load_run_input(playbook_path: Path, inventories: list[str],
                   roles_path: list[str] | None = None) -> RunInput:
    """Inventory and playbook, validated together: every problem reported at once.

    ``roles_path``: ``--roles-path`` folders; ``ANSIBLE_ROLES_PATH`` is searched after them.
    """
    if not inventories:
        raise UsageError("give at least one inventory with -i")
    unusable = path_problem(str(playbook_path), "playbook")
    if unusable is not None:
        raise InputError(Problem(unusable, Position(cut_middle(str(playbook_path)))))
    if not playbook_path.is_file():
        raise InputError(Problem(f"playbook {playbook_path} does not exist"))
    registry = ModuleRegistry.for_playbook(playbook_path)
    problems: list[Problem] = []
    inventory = None
    try:
        inventory = load_inventory(inventories, playbook_dir=playbook_path.resolve().parent)
    except InputError as exc:
        problems += exc.problems
    playbook = None
    env = CorralEnvironment()  # one for every check, then the run's: nothing compiles twice
    try:
        search = (*(Path(p).expanduser() for p in roles_path or []), *roles_path_from_env())
        playbook = load_playbook(playbook_path, ModuleCatalog(registry),
                                 lambda expr: check_condition_syntax(expr, env),
                                 lambda text: template_syntax_error(text, env),
                                 roles_path=search)
    except InputError as exc:
        problems += exc.problems
    if problems or inventory is None or playbook is None:
        raise InputError(problems)
    return RunInput(inventory, registry, playbook, env)


def load_adhoc_input(pattern: str, inventories: list[str], module: str, args: str,
                     become: bool, become_user: str | None) -> RunInput:
    """A one-task playbook for `corral run PATTERN -m MODULE -a ARGS`."""
    from corral.errors import Position
    from corral.modules._api import ArgumentError, validate_args
    from corral.playbook.free_form import parse_free_form
    from corral.playbook.model import Play, Task

    if not inventories:
        raise UsageError("give at least one inventory with -i")
    here = Path.cwd()
    registry = ModuleRegistry([here / "modules"])
    catalog = ModuleCatalog(registry)
    entry = catalog.lookup(module)
    where = Position("<command line>")
    if entry is None:
        close = catalog.suggest(module)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise InputError(Problem(f"unknown module {module!r}{hint}", where))
    parsed = parse_free_form(args, set(entry.args_spec) if entry.free_form else None)
    if parsed.error:
        raise InputError(Problem(f"-a: {parsed.error}", where))
    task_args: dict[str, object] = dict(parsed.args)
    if parsed.raw_words:
        if not entry.free_form:
            raise InputError(Problem(
                f"-a: {' '.join(parsed.raw_words)!r} is not key=value; {module} takes "
                + ", ".join(sorted(entry.args_spec)), where))
        task_args["_raw_params"] = " ".join(parsed.raw_words)
    if not entry.on_controller and not any("{{" in str(v) for v in task_args.values()):
        try:
            validate_args(entry.args_spec, task_args, entry.name)
        except ArgumentError as exc:
            raise InputError(Problem(f"{entry.name}: {exc.msg}", where)) from exc
    inventory = load_inventory(inventories, playbook_dir=here)
    task = Task(module=entry.name, position=where, name=f"{entry.name} {args}".strip(),
                args=task_args)
    play = Play(hosts=pattern, position=where, path=here / "<ad-hoc>", name=f"ad-hoc: {pattern}",
                gather_facts=False, tasks=[task], become=become or None,
                become_user=become_user, keyword_positions={"gather_facts": where})
    return RunInput(inventory, registry, Playbook(path=here / "<ad-hoc>", plays=[play]))
