"""yum: the dnf module under its old name; runs dnf, or yum on hosts that only have yum."""

from corral.modules._pkg_common import common_args, entry_points
from corral.modules._pkg_dnf import ARGS as DNF_ARGS
from corral.modules._pkg_dnf import Dnf

DOC = ("Manage rpm packages like the dnf module (same arguments), with dnf where it is "
       "installed, else with yum.")
REQUIRES = ("_pkg_common", "_pkg_rpm", "_pkg_dnf")

ARGS = common_args()
ARGS.update(DNF_ARGS)

inspect, plan, apply = entry_points(Dnf())
