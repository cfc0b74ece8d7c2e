"""Find modules by name: the built-ins of this package and a playbook's own ``modules/``.

Controller side (typed, not shipped to hosts). One ``ModuleRegistry`` per run,
passed to whoever needs it; it imports each module file once to read its
``ARGS``, ``DOC``, ``REQUIRES`` and ``PREPARE``, and gives the agent the source
texts to install (``ModuleInfo.sources``: the support files first, in
dependency order, then the module itself).

Names: ``ansible.builtin.X`` and ``corral.X`` mean the built-in ``X``;
``ansible.legacy.X`` and plain ``X`` look in the playbook's ``modules/``
first (a user file overrides a built-in, as Ansible's ``library/`` does).
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import importlib
import importlib.util
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from corral.errors import PlaybookError
from corral.input_bounds import NAME_MAX
from corral.modules._api import Arg

BUILTIN_DIR = Path(__file__).resolve().parent
# files in this package that are controller-side code, not modules
_NOT_MODULES = frozenset({"registry", "doc", "__init__"})
_BUILTIN_PREFIXES = ("ansible.builtin.", "corral.builtin.", "corral.")
_LEGACY_PREFIXES = ("ansible.legacy.",)
_ENTRY_POINTS = ("inspect", "plan", "apply")


@dataclass(frozen=True)
class ModuleInfo:
    """Everything the controller knows about one module."""

    name: str
    path: Path
    sources: tuple[tuple[str, str], ...]  # (name, text): REQUIRES first, the module last
    sha: str  # sha256 over every source: the agent's cache key
    args_spec: Mapping[str, Arg] = field(repr=False)
    doc: str
    prepare: str | None  # name of the controller-side step in corral.prepare, if any
    builtin: bool
    returns: Mapping[str, str] = field(default_factory=dict, repr=False)  # RETURNS: key -> doc


def split_name(name: str) -> tuple[str, bool]:
    """``ansible.builtin.file`` -> (``file``, built-in only); ``file`` -> (``file``, False)."""
    for prefix in _BUILTIN_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):], True
    for prefix in _LEGACY_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):], False
    return name, False


def _is_module_name(name: str) -> bool:
    return name.isidentifier() and not name.startswith("_") and name not in _NOT_MODULES


class ModuleRegistry:
    """Module lookup for one run; caches every module it loads."""

    def __init__(self, user_dirs: Sequence[Path] = ()) -> None:
        self._user_dirs = tuple(Path(d).resolve() for d in user_dirs)
        self._cache: dict[Path, ModuleInfo] = {}
        self._located: dict[str, Path | None] = {}  # a task on 10,000 hosts: one lookup

    @classmethod
    def for_playbook(cls, playbook: Path) -> ModuleRegistry:
        """The registry for a playbook.

        Looked in, first match wins: ``modules/`` next to the playbook, ``modules/``
        in the current folder, the folders of ``$CORRAL_LIBRARY`` (``:``-separated),
        then the built-ins.
        """
        dirs = [Path(playbook).resolve().parent / "modules", Path.cwd() / "modules"]
        dirs += [Path(p) for p in os.environ.get("CORRAL_LIBRARY", "").split(os.pathsep) if p]
        return cls(list(dict.fromkeys(d.resolve() for d in dirs)))

    def find(self, name: str) -> ModuleInfo | None:
        """The module called ``name``, or None (see ``suggestions``)."""
        if name not in self._located:
            self._located[name] = self._locate(name)
        path = self._located[name]
        return None if path is None else self._load(path)

    def get(self, name: str) -> ModuleInfo:
        """Like ``find`` but an unknown name raises PlaybookError with suggestions."""
        info = self.find(name)
        if info is None:
            raise PlaybookError(self.unknown_message(name))
        return info

    def unknown_message(self, name: str) -> str:
        close = self.suggestions(name)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return f"unknown module {name!r}{hint} (corral modules lists them)"

    def suggestions(self, name: str) -> list[str]:
        short, _ = split_name(name)
        return difflib.get_close_matches(short, self.names(), n=3, cutoff=0.6)

    def names(self) -> list[str]:
        """Every module name available (user modules and built-ins), sorted."""
        found = {p.stem for folder in self._folders(False) for p in folder.glob("*.py")}
        return sorted(n for n in found if _is_module_name(n))

    def builtins(self) -> list[ModuleInfo]:
        """Every built-in module, by name (for ``corral modules`` and the README)."""
        return [self._load(BUILTIN_DIR / f"{n}.py") for n in self._builtin_names()]

    def _builtin_names(self) -> list[str]:
        return sorted(p.stem for p in BUILTIN_DIR.glob("*.py") if _is_module_name(p.stem))

    def _folders(self, builtin_only: bool) -> list[Path]:
        return [BUILTIN_DIR] if builtin_only else [*self._user_dirs, BUILTIN_DIR]

    def _locate(self, name: str) -> Path | None:
        short, builtin_only = split_name(name)
        if not _is_module_name(short) or len(short) > NAME_MAX - len(".py"):
            return None  # no file can have that name
        for folder in self._folders(builtin_only):
            candidate = folder / f"{short}.py"
            if candidate.is_file():
                return candidate.resolve()
        return None

    def _load(self, path: Path) -> ModuleInfo:
        cached = self._cache.get(path)
        if cached is None:
            cached = self._cache[path] = _load_module(path, path.parent == BUILTIN_DIR)
        return cached


# --- loading one module file -------------------------------------------------------

def _load_module(path: Path, builtin: bool) -> ModuleInfo:
    sources = _collect_sources(path, [], set())
    module = _import(path, builtin)
    missing = [n for n in (*_ENTRY_POINTS, "ARGS") if not hasattr(module, n)]
    if missing:
        raise PlaybookError(f"module file {path} does not define {', '.join(missing)}; "
                            "a module declares ARGS and inspect(), plan(), apply()")
    args_spec = module.ARGS
    bad = [k for k, v in args_spec.items() if not isinstance(v, Arg)]
    if bad:
        raise PlaybookError(f"module file {path}: ARGS entries {bad} are not Arg(...)")
    digest = hashlib.sha256()
    for name, text in sources:
        digest.update(f"{name}\0{len(text)}\0{text}".encode())
    return ModuleInfo(
        name=path.stem, path=path, sources=tuple(sources), sha=digest.hexdigest(),
        args_spec=dict(args_spec), doc=str(getattr(module, "DOC", "")),
        prepare=getattr(module, "PREPARE", None), builtin=builtin,
        returns={str(k): str(v) for k, v in dict(getattr(module, "RETURNS", {}) or {}).items()})


def _collect_sources(path: Path, found: list[tuple[str, str]],
                     visiting: set[Path]) -> list[tuple[str, str]]:
    """Depth first: the support files ``path`` requires, then ``path`` itself."""
    if path in visiting:
        raise PlaybookError(f"module file {path}: REQUIRES forms a cycle")
    visiting.add(path)
    text = path.read_text(encoding="utf-8")
    for required in _requires(path, text):
        dep = _find_support(path.parent, required)
        if all(name != required for name, _ in found):
            _collect_sources(dep, found, visiting)
    visiting.discard(path)
    found.append((path.stem, text))
    return found


_REQUIRES_LINE = re.compile(r"^REQUIRES\s*=\s*(\(.*?\)|\[.*?\])", re.M | re.S)


def _requires(path: Path, text: str) -> tuple[str, ...]:
    """The literal ``REQUIRES = (...)`` of a module file, read without importing it.

    A regular expression and ``literal_eval`` of just that value: parsing every
    module file with ``ast`` cost more than the rest of a small run.
    """
    match = _REQUIRES_LINE.search(text)
    if match is None:
        return ()
    try:
        value = ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError) as exc:
        raise PlaybookError(f"module file {path}: REQUIRES must be a literal tuple of names") from exc
    if not (isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value)):
        raise PlaybookError(f"module file {path}: REQUIRES must be a tuple of names")
    return tuple(value)


def _find_support(folder: Path, name: str) -> Path:
    for candidate in (folder / f"{name}.py", BUILTIN_DIR / f"{name}.py"):
        if candidate.is_file():
            return candidate.resolve()
    raise PlaybookError(f"support file {name}.py required by a module in {folder} not found "
                        f"(looked in {folder} and {BUILTIN_DIR})")


def _import(path: Path, builtin: bool) -> ModuleType:
    if builtin:
        return importlib.import_module(f"corral.modules.{path.stem}")
    unique = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"corral_user_module_{unique}_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise PlaybookError(f"module file {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise PlaybookError(f"module file {path}:{exc.lineno}: syntax error: {exc.msg}") from exc
    except Exception as exc:
        raise PlaybookError(f"module file {path} failed to import: "
                            f"{type(exc).__name__}: {exc}") from exc
    return module

