"""apt: install, upgrade and remove Debian packages (Ansible's ``apt``, the common subset)."""

from corral.modules._pkg_apt import ARGS as APT_ARGS
from corral.modules._pkg_apt import Apt
from corral.modules._pkg_common import apply as apply_packages
from corral.modules._pkg_common import common_args
from corral.modules._pkg_common import inspect as inspect_packages
from corral.modules._pkg_common import plan as plan_packages

DOC = ("Manage apt packages: install (a list in one apt-get call), pin a version "
       "(name=pkg=1.0), upgrade to the latest, remove or purge, install a .deb, "
       "refresh the cache. Check mode shows apt-get's simulation.")
REQUIRES = ("_pkg_common", "_pkg_apt")

ARGS = common_args()
ARGS.update(APT_ARGS)

_BACKEND = Apt()


def inspect(ctx, args):
    return inspect_packages(ctx, args, _BACKEND)


def plan(ctx, args, current):
    return plan_packages(ctx, args, current, _BACKEND)


def apply(ctx, args, plan):
    return apply_packages(ctx, args, plan, _BACKEND)
