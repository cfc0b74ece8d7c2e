"""package: install, upgrade and remove packages with whatever manager the host has.

Ansible's generic ``package``: the backend is the host's ``pkg_mgr`` (the
setup module's fact, from the same detection), or ``use``.
"""

from corral.modules._api import Arg, ModuleError
from corral.modules._pkg_apk import Apk
from corral.modules._pkg_apt import Apt
from corral.modules._pkg_common import apply as apply_packages
from corral.modules._pkg_common import common_args
from corral.modules._pkg_common import inspect as inspect_packages
from corral.modules._pkg_common import plan as plan_packages
from corral.modules._pkg_dnf import Dnf
from corral.modules._pkg_mgr import PKG_MGRS, pkg_mgr
from corral.modules._pkg_pacman import Pacman
from corral.modules._pkg_zypper import Zypper

try:  # typing only
    from typing import Any, Dict, Mapping  # noqa: F401 (type comments)
except ImportError:  # pragma: no cover
    pass

DOC = ("Manage packages with the host's package manager (apt, dnf, yum, apk, pacman or "
       "zypper): install (a list in one call), upgrade to the latest, remove. Backend-"
       "specific options need the backend's own module.")
REQUIRES = ("_pkg_mgr", "_pkg_apt", "_pkg_dnf", "_pkg_apk", "_pkg_pacman", "_pkg_zypper")

_BACKENDS = {"apt": Apt, "dnf": lambda: Dnf("dnf"), "yum": lambda: Dnf("yum"), "apk": Apk,
             "pacman": Pacman, "zypper": Zypper}

ARGS = common_args()
ARGS["use"] = Arg(str, default="auto", choices=("auto",) + tuple(sorted(_BACKENDS)),
                  doc="The package manager; auto: the host's pkg_mgr fact (apt-get, dnf, yum, "
                      "apk, pacman, zypper: the first found).")


def _backend(use):
    # type: (str) -> Any
    name = pkg_mgr() if use == "auto" else use
    if name not in _BACKENDS:
        raise ModuleError("no supported package manager on this host (looked for %s); "
                          "use the command module" % ", ".join(c for c, _ in PKG_MGRS))
    return _BACKENDS[name]()


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    backend = _backend(args.get("use") or "auto")
    current = inspect_packages(ctx, args, backend)
    current["backend"] = backend
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    return plan_packages(ctx, args, current, current["backend"])


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    return apply_packages(ctx, args, plan, plan.state["current"]["backend"])
