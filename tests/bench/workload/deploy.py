"""The benchmark's "app server" workload for pyinfra: the same steps as app.yml.

Run from this folder: `pyinfra -y INVENTORY.py deploy.py` (`--dry` for check mode).
The harness sets BENCH_NO_PKG=1 for the variant without the package and service steps,
and BENCH_PACKAGES (comma-separated) to the packages of the real-index mode.
"""

import os

from pyinfra import host
from pyinfra.operations import apt, files, server, systemd

APP_ROOT = "/srv/app"
WITH_PKG = os.environ.get("BENCH_NO_PKG") != "1"
ON_SYSTEMD = "systemd" in host.groups
PACKAGES = os.environ.get("BENCH_PACKAGES", "corral-demo,corral-demo-svc").split(",")

if WITH_PKG:
    apt.packages(name="App packages installed", packages=PACKAGES)

files.directory(name="App folder exists", path=APP_ROOT, mode="755")

config = files.template(
    name="App config rendered from two host variables",
    src="templates/app.conf.j2",
    dest=f"{APP_ROOT}/app.conf",
    mode="644",
    inventory_hostname=host.name,
    app_port=host.data.app_port,
    app_tier=host.data.app_tier,
)

files.put(name="Static page copied", src="files/index.html", dest=f"{APP_ROOT}/index.html",
          mode="644")

files.line(name="Log level set", path=f"{APP_ROOT}/settings.ini", line=r"^log_level\s*=",
           replace="log_level = info")

if WITH_PKG and ON_SYSTEMD:
    unit = files.put(name="Unit file installed", src="files/corral-bench.service",
                     dest="/etc/systemd/system/corral-bench.service", mode="644")
    systemd.daemon_reload(name="Reload systemd", _if=unit.did_change)
    systemd.service(name="Service started and enabled", service="corral-bench",
                    running=True, enabled=True)

# The handlers: run when the config changed (ansible's notify).
server.shell(name="Mark restart", commands=[f"touch {APP_ROOT}/restarted"], _if=config.did_change)
if WITH_PKG and ON_SYSTEMD:
    systemd.service(name="Restart service", service="corral-bench", running=True,
                    restarted=True, _if=config.did_change)
