"""package: install, upgrade and remove packages with whatever manager the host has.

Ansible's generic ``package``: the backend is the host's ``pkg_mgr`` (the
setup module's fact, from the same detection), or ``use``.
"""

from corral.modules._api import Arg, ModuleError
from corral.modules._pkg_apk import ARGS as APK_ARGS
from corral.modules._pkg_apk import Apk
from corral.modules._pkg_apt import ARGS as APT_ARGS
from corral.modules._pkg_apt import Apt
from corral.modules._pkg_common import apply as apply_packages
from corral.modules._pkg_common import common_args
from corral.modules._pkg_common import inspect as inspect_packages
from corral.modules._pkg_common import plan as plan_packages
from corral.modules._pkg_dnf import ARGS as DNF_ARGS
from corral.modules._pkg_dnf import Dnf
from corral.modules._pkg_mgr import PKG_MGRS, pkg_mgr
from corral.modules._pkg_pacman import ARGS as PACMAN_ARGS
from corral.modules._pkg_pacman import Pacman
from corral.modules._pkg_zypper import ARGS as ZYPPER_ARGS
from corral.modules._pkg_zypper import Zypper

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)

DOC = ("Manage packages with the host's package manager (apt, dnf, yum, apk, pacman or "
       "zypper): install (a list in one call), upgrade to the latest, remove. A backend's "
       "own arguments (enablerepo, purge, …) are passed to it; on a host whose manager does "
       "not take one, the task fails there.")
REQUIRES = ("_pkg_mgr", "_pkg_apt", "_pkg_dnf", "_pkg_apk", "_pkg_pacman", "_pkg_zypper")

_BACKENDS = {"apt": Apt, "dnf": lambda: Dnf("dnf"), "yum": lambda: Dnf("yum"), "apk": Apk,
             "pacman": Pacman, "zypper": Zypper}

_BACKEND_ARGS = {"apt": APT_ARGS, "dnf": DNF_ARGS, "yum": DNF_ARGS, "apk": APK_ARGS,
                 "pacman": PACMAN_ARGS, "zypper": ZYPPER_ARGS}


def _passed_through():
    # type: () -> Dict[str, Arg]
    """Every backend's own arguments, not given by default: given, they go to the
    backend that takes them (Ansible's package passes them to the backend module)."""
    merged = {}  # type: Dict[str, Arg]
    for name in sorted(_BACKEND_ARGS):
        for arg, spec in _BACKEND_ARGS[name].items():
            if arg not in merged:
                takers = sorted(set(b for b in _BACKEND_ARGS if arg in _BACKEND_ARGS[b]))
                merged[arg] = Arg(spec.type, aliases=spec.aliases, elements=spec.elements,
                                  choices=spec.choices,
                                  doc="%s (%s only.)" % (spec.doc, ", ".join(takers)))
    return merged


ARGS = common_args()
ARGS.update(_passed_through())
ARGS["use"] = Arg(str, default="auto", choices=("auto",) + tuple(sorted(_BACKENDS)),
                  doc="The package manager; auto: the host's pkg_mgr fact (apt-get, dnf, yum, "
                      "apk, pacman, zypper: the first found).")


def backend_args(name, args):
    # type: (str, Mapping[str, Any]) -> Dict[str, Any]
    """``args`` for backend ``name``: its own arguments' defaults filled in; one it
    does not take, given, fails the task on this host."""
    own = _BACKEND_ARGS[name]
    foreign = sorted(k for k in _passed_through() if k not in own and args.get(k) is not None)
    if foreign:
        raise ModuleError("%s: not an argument of %s, the package manager of this host; "
                          "package passes it only to %s" % (
                              ", ".join(foreign), name, ", ".join(sorted(set(
                                  b for b in _BACKEND_ARGS for k in foreign
                                  if k in _BACKEND_ARGS[b])))))
    result = dict(args)
    for key, spec in own.items():
        if result.get(key) is None and spec.has_default:
            result[key] = spec.default
    return result


def _backend_name(use):
    # type: (str) -> str
    name = pkg_mgr() if use == "auto" else use
    if name not in _BACKENDS:
        raise ModuleError("no supported package manager on this host (looked for %s); "
                          "use the command module" % ", ".join(c for c, _ in PKG_MGRS))
    return name


def _backend(use):
    # type: (str) -> Any
    return _BACKENDS[_backend_name(use)]()


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    name = _backend_name(args.get("use") or "auto")
    given = backend_args(name, args)
    backend = _BACKENDS[name]()
    current = inspect_packages(ctx, given, backend)
    current.update(backend=backend, args=given)
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    return plan_packages(ctx, current["args"], current, current["backend"])


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    current = plan.state["current"]
    return apply_packages(ctx, current["args"], plan, current["backend"])
