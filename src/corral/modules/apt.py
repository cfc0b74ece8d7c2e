"""apt: install, upgrade and remove Debian packages (Ansible's ``apt``, the common subset)."""

from corral.modules._pkg_apt import ARGS as APT_ARGS
from corral.modules._pkg_apt import Apt
from corral.modules._pkg_common import common_args, entry_points

DOC = ("Manage apt packages: install (a list in one apt-get call), pin a version "
       "(name=pkg=1.0), upgrade to the latest, remove or purge, install a .deb, "
       "refresh the cache. Check mode reports apt-get's simulation.")
REQUIRES = ("_pkg_common", "_pkg_apt")

ARGS = common_args()
ARGS.update(APT_ARGS)

inspect, plan, apply = entry_points(Apt())
