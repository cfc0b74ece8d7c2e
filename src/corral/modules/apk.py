"""apk: install, upgrade and remove Alpine packages (Ansible's ``community.general.apk``)."""

from corral.modules._pkg_apk import ARGS as APK_ARGS
from corral.modules._pkg_apk import Apk
from corral.modules._pkg_common import common_args, entry_points

DOC = ("Manage Alpine packages with apk: install (a list in one apk call), pin a version "
       "(pkg=1.0-r0), upgrade to the latest, remove, refresh the index. Check mode "
       "reports apk --simulate.")
REQUIRES = ("_pkg_common", "_pkg_apk")

ARGS = common_args()
ARGS.update(APK_ARGS)

inspect, plan, apply = entry_points(Apk())
