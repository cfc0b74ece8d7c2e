"""The benchmark's own fleet (tests/fleet), driven through its CLI, plus python3-apt for ansible.

ansible's apt module needs python3-apt on the host; the image does not have it and
hosts are offline. The bench fetches the three bookworm debs once (from inside a host,
with the Debian source switched on there, so the controller's distribution does not
matter), caches them, and installs them on every host after each (re)start, untimed.

The real-index mode (``--index real``) gives the hosts this machine's Debian apt sources
and the full index, as a user's servers have it after ``apt-get update``: the lists are
fetched once per bench run (inside one host, with the workload's packages downloaded into
apt's archive so the timed runs do not depend on the mirror's speed), then after every
(re)start each host gets them and runs ``apt-get update`` itself (untimed: mostly "Hit",
then apt builds its binary caches as on any server).
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .inventories import BenchHost

REPO = Path(__file__).resolve().parents[3]
FLEET = REPO / "tests" / "fleet" / "fleet"
KEY = Path("/var/cache/corral-fleet/id_ed25519")
PYTHON_APT_DEBS = ("python3-apt", "python-apt-common", "distro-info-data")
FETCH_DEBS = (
    "sed -i 's/^Enabled: no/Enabled: yes/' /etc/apt/sources.list.d/debian.sources"
    " && apt-get update -q >/dev/null && d=$(mktemp -d) && cd $d"
    f" && apt-get download -q {' '.join(PYTHON_APT_DEBS)} >/dev/null && tar cf - *.deb"
)
# The default base port (31201) keeps hosts and relays below Linux's ephemeral range
# (32768-60999); a port given above it can clash: an
# outgoing connection on this machine holds 127.0.0.1:<a host's port> as its local
# address and that host's sshd cannot bind. Such clashes are transient: retry.
ATTEMPTS = 3
INSTALL_DEBS = "d=$(mktemp -d) && tar xf - -C $d && dpkg -i $d/*.deb >/dev/null && rm -rf $d"
HOST_SOURCES = "etc/apt/sources.list.d/debian.sources"
INSTALL_INDEX = "tar xf - -C / && apt-get -q update >/dev/null"


def machine_debian_sources() -> str:
    """This machine's Debian apt sources (deb822 or one-line format), for the hosts."""
    deb822 = Path("/etc/apt/sources.list.d/debian.sources")
    if deb822.exists():
        return deb822.read_text()
    lines = [line for line in Path("/etc/apt/sources.list").read_text().splitlines()
             if line.startswith("deb ") and "debian" in line]
    if not lines:
        raise RuntimeError("--index real: this machine has no Debian apt source "
                           "(/etc/apt/sources.list.d/debian.sources or deb lines in /etc/apt/sources.list)")
    return "".join(_one_line_to_deb822(line) for line in lines)


def _one_line_to_deb822(line: str) -> str:
    words = line.split()
    words = [w for w in words if not w.startswith("[")]
    return (f"Types: deb\nURIs: {words[1]}\nSuites: {words[2]}\nComponents: {' '.join(words[3:])}\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n")


def seed_index_script(sources: str, packages: tuple[str, ...]) -> str:
    """Inside one host: this machine's sources, apt-get update, the packages downloaded
    (not installed); then a tar of the sources, lists and downloaded debs on stdout."""
    return (f"cat > /{HOST_SOURCES} <<'CORRAL_BENCH_EOF'\n{sources}\nCORRAL_BENCH_EOF\n"
            "apt-get -q update >/dev/null && "
            f"DEBIAN_FRONTEND=noninteractive apt-get -q -y -d install {' '.join(packages)} >/dev/null && "
            f"cd / && tar cf - --exclude=var/lib/apt/lists/lock --exclude=var/lib/apt/lists/partial "
            f"{HOST_SOURCES} var/lib/apt/lists $(ls var/cache/apt/archives/*.deb)")


@dataclass
class BenchFleet:
    state_dir: Path
    base_port: int
    size: int
    systemd: int
    deb_cache: Path
    relays: tuple[str, ...] = ()
    relay_delay_ms: int = 0
    # --index real: the workload's packages, and where the fetched index is kept (a tar)
    real_index: tuple[str, ...] = ()
    index_tar: Path | None = None

    @property
    def known_hosts(self) -> Path:
        return self.state_dir / "known_hosts"

    def hosts(self, count: int | None = None) -> tuple[BenchHost, ...]:
        count = self.size if count is None else count
        out = []
        for n in range(1, count + 1):
            name = f"host{n:02d}"
            port = self.base_port + n - 1 + (1000 if name in self.relays else 0)
            out.append(BenchHost(name, port, n <= self.systemd))
        return tuple(out)

    def up(self) -> None:
        args = ["up", "--hosts", str(self.size), "--systemd", str(self.systemd)]
        for name in self.relays:
            args += ["--relay", f"{name}:delay={self.relay_delay_ms}"]
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self._fleet(*args, "--base-port", str(self.base_port))
                break
            except RuntimeError as exc:
                if attempt == ATTEMPTS:
                    raise
                print(f"bench: fleet up failed (attempt {attempt}), retrying: "
                      f"{str(exc).splitlines()[1] if len(str(exc).splitlines()) > 1 else exc}",
                      flush=True)
                self.down()
                time.sleep(2)
        if not self._have_debs():
            self._fetch_debs()
        self.install_python_apt(self.hosts())
        self.install_index(self.hosts())

    def down(self) -> None:
        self._fleet("down", check=False)

    def reset(self, count: int) -> None:
        """Every host of the first ``count`` back to a clean image, python3-apt installed."""
        if count >= self.size:
            self.down()
            self.up()
            return
        for host in self.hosts(count):
            self._reset_host(host.name)
        self.install_python_apt(self.hosts(count))
        self.install_index(self.hosts(count))

    def install_index(self, hosts: tuple[BenchHost, ...]) -> None:
        """--index real: this machine's Debian sources and the full index on ``hosts``,
        then ``apt-get update`` on each (untimed). Nothing in the local-repo mode."""
        if not self.real_index:
            return
        assert self.index_tar is not None
        if not self.index_tar.exists():
            self._seed_index()
        tar = self.index_tar.read_bytes()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda h: self.exec(h.name, INSTALL_INDEX, stdin=tar), hosts))

    def _seed_index(self) -> None:
        """apt-get update (and the packages downloaded) inside the last host, kept as a tar;
        that host is reset, then given python3-apt again."""
        assert self.index_tar is not None
        print(f"bench: fetching the Debian index and {', '.join(self.real_index)} (once)", flush=True)
        host = self.hosts()[-1]
        data = self.exec(host.name, seed_index_script(machine_debian_sources(), self.real_index))
        self._reset_host(host.name)
        self.install_python_apt((host,))
        self.index_tar.parent.mkdir(parents=True, exist_ok=True)
        self.index_tar.write_bytes(data)

    def hosts_cpu_seconds(self, hosts: int) -> float:
        """CPU used so far by everything inside the first ``hosts`` hosts (their cgroups)."""
        state = json.loads((self.state_dir / "state.json").read_text())
        total = 0
        for host in self.hosts(hosts):
            cgroup = state["hosts"][host.name]["running"]["cgroup"]
            stat = Path(cgroup, "cpu.stat").read_text()
            total += int(stat.split("usage_usec", 1)[1].split()[0])
        return total / 1e6

    def _reset_host(self, name: str) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self._fleet("reset", name, "--base-port", str(self.base_port))
                return
            except RuntimeError:
                if attempt == ATTEMPTS:
                    raise
                time.sleep(2)

    def install_python_apt(self, hosts: tuple[BenchHost, ...]) -> None:
        tar = self._python_apt_tar()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda h: self.exec(h.name, INSTALL_DEBS, stdin=tar), hosts))

    def exec(self, host: str, script: str, stdin: bytes | None = None) -> bytes:
        proc = subprocess.run([str(FLEET), "exec", "--state-dir", str(self.state_dir), host,
                               "--", "sh", "-c", script], input=stdin, capture_output=True)
        if proc.returncode != 0:
            raise RuntimeError(f"fleet exec {host}: {script!r} failed: "
                               f"{proc.stderr.decode(errors='replace')[-2000:]}")
        return proc.stdout

    def _have_debs(self) -> bool:
        return all(any(self.deb_cache.glob(f"{name}_*.deb")) for name in PYTHON_APT_DEBS)

    def _python_apt_tar(self) -> bytes:
        debs = sorted(self.deb_cache.glob("*.deb"))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for deb in debs:
                tar.add(deb, arcname=deb.name)
        return buffer.getvalue()

    def _fetch_debs(self) -> None:
        """Download the debs inside the last host, then reset it (its apt lists are dirty)."""
        print("bench: fetching python3-apt for ansible's apt module (once)", flush=True)
        host = self.hosts()[-1].name
        data = self.exec(host, FETCH_DEBS)
        self._reset_host(host)
        self.deb_cache.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(self.deb_cache)

    def _fleet(self, *args: str, check: bool = True) -> None:
        cmd = [str(FLEET), args[0], "--state-dir", str(self.state_dir), *args[1:]]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}")
