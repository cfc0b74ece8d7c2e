"""zypper: install, upgrade and remove SUSE packages (Ansible's ``community.general.zypper``)."""

from corral.modules._pkg_common import common_args, entry_points
from corral.modules._pkg_zypper import ARGS as ZYPPER_ARGS
from corral.modules._pkg_zypper import Zypper

DOC = ("Manage SUSE packages with zypper: install (a list in one zypper call), pin a "
       "version (pkg=1.0), upgrade to the latest, remove, refresh the repositories. Check "
       "mode reports zypper --dry-run.")
REQUIRES = ("_pkg_common", "_pkg_rpm", "_pkg_zypper")

ARGS = common_args()
ARGS.update(ZYPPER_ARGS)

inspect, plan, apply = entry_points(Zypper())
