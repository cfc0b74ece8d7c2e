"""Every template the load checks compiled is the run's too: nothing compiles twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
import atexit, collections, sys
from corral.templating.environment import CorralEnvironment
seen = collections.Counter()
compile_text = CorralEnvironment._compile_text
def counted(self, text):
    seen[text] += 1
    return compile_text(self, text)
CorralEnvironment._compile_text = counted
atexit.register(lambda: print("compiled", sorted(seen.values())[-1], len(seen)))
sys.argv = ["corral", *sys.argv[1:]]
from corral.cli import main
main()
"""


def test_a_run_compiles_each_template_once(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local\n")
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: all\n  gather_facts: false\n  vars: {folder: " + str(tmp_path) + "}\n"
        "  tasks:\n"
        "    - copy: {content: \"{{ inventory_hostname | upper }}\\n\", dest: \"{{ folder }}/a\"}\n"
        "      when: folder | length > 1\n"
        "    - debug: {msg: \"{{ folder }}\"}\n")
    done = subprocess.run([sys.executable, "-c", _PROBE, "apply", str(playbook), "-i",
                           str(inventory), "--no-history"], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "a").read_text() == "LOCALHOST\n"
    most, distinct = done.stdout.strip().splitlines()[-1].split()[1:]
    assert (int(most), int(distinct) >= 3) == (1, True)
