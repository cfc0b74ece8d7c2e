"""Load what ``include_tasks`` and ``include_role`` name, when a host reaches them.

Files are validated as the playbook was (same checks, same messages) and read
once per run: hosts including the same file share one list of tasks.
"""

from __future__ import annotations

from pathlib import Path

from corral.errors import InputError, Position, Problem
from corral.playbook.context import ConditionSyntax, ParseContext, PlayRoles
from corral.playbook.lookup import ModuleLookup
from corral.playbook.model import Task, TaskNode
from corral.playbook.roles import LoadedRole, RoleRequest, load_role
from corral.playbook.task_list import TaskScope, read_task_list
from corral.playbook.tasks_file import load_tasks_file


class IncludeLoader:
    """Reads included task files and roles; raises ``InputError`` with every problem."""

    def __init__(self, modules: ModuleLookup, condition_syntax: ConditionSyntax | None,
                 roles_path: tuple[Path, ...], playbook_dir: Path,
                 roles_run: frozenset[str] = frozenset()) -> None:
        self.modules = modules
        self._syntax = condition_syntax
        self._roles_path = roles_path
        self.playbook_dir = playbook_dir
        self._files: dict[Path, list[TaskNode]] = {}
        self._roles: dict[str, LoadedRole] = {}
        self.warnings: list[Problem] = []
        self._play_roles = PlayRoles(seen=set(roles_run))  # dependencies run once per play

    def _context(self) -> ParseContext:
        return ParseContext(self.modules, self._syntax, roles_path=self._roles_path,
                            play_roles=self._play_roles)

    def _done(self, ctx: ParseContext) -> None:
        if ctx.problems:
            raise InputError(ctx.problems)
        self.warnings += ctx.warnings

    def take_warnings(self) -> list[Problem]:
        """Warnings of the files read since the last call (each file is read once)."""
        taken, self.warnings = self.warnings, []
        return taken

    def tasks_folders(self, name: str, task: Task) -> list[Path]:
        """Where ``include_tasks`` looks for ``name``: beside the including file, the
        role's tasks/, the playbook (or / for an absolute name)."""
        if Path(name).expanduser().is_absolute():
            return [Path("/")]
        folders = [Path(str(task.position.file)).parent]
        if task.role is not None:
            folders.append(task.role.path / "tasks")
        folders.append(self.playbook_dir)
        return list(dict.fromkeys(folders))

    def find_tasks_file(self, name: str, task: Task) -> Path:
        """The file ``include_tasks`` names (see ``tasks_folders``)."""
        path = Path(name).expanduser()
        folders = self.tasks_folders(name, task)
        for folder in folders:
            if (folder / path).is_file():
                return (folder / path).resolve()
        looked = ", ".join(str(f) for f in dict.fromkeys(folders))
        raise InputError(Problem(f"include_tasks: file '{name}' not found (looked in {looked})",
                                 task.position))

    def tasks(self, path: Path) -> list[TaskNode]:
        """The tasks of ``path``, read and checked once."""
        if path not in self._files:
            ctx = self._context()
            content = load_tasks_file(ctx, path)
            nodes = read_task_list(ctx, content, Position(str(path)), str(path),
                                   TaskScope(file=path, playbook_dir=self.playbook_dir))
            self._done(ctx)
            self._files[path] = nodes
        return self._files[path]

    def role(self, request: RoleRequest) -> LoadedRole:
        """The role ``request`` names, read and checked once per distinct request."""
        key = repr(request)
        if key not in self._roles:
            ctx = self._context()
            loaded = load_role(ctx, request, self.playbook_dir)
            self._done(ctx)
            self._roles[key] = loaded
        return self._roles[key]
