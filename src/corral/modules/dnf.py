"""dnf: install, upgrade and remove rpm packages with dnf (Ansible's ``dnf``, the common subset)."""

from corral.modules._pkg_common import common_args, entry_points
from corral.modules._pkg_dnf import ARGS as DNF_ARGS
from corral.modules._pkg_dnf import Dnf

DOC = ("Manage packages with dnf: install (a list in one dnf call), pin a version "
       "(pkg-1.0), upgrade to the latest, remove, refresh the metadata. Check mode "
       "reports dnf's transaction (dnf --assumeno).")
REQUIRES = ("_pkg_common", "_pkg_rpm", "_pkg_dnf")

ARGS = common_args()
ARGS.update(DNF_ARGS)

inspect, plan, apply = entry_points(Dnf("dnf"))
