#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine, as root: installs what it needs
# (apt packages for the local fleet, a venv with corral and its test extras),
# then runs the lint, the type check, the unit tests and the integration tests
# against real hosts of the local fleet.
#
#   sudo bash tests/run_suite.sh            # everything
#   sudo bash tests/run_suite.sh -k file    # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "tests/run_suite.sh: the local fleet needs root (namespaces, mounts, debootstrap); run it with sudo" >&2
    exit 1
fi

need_apt=()
while read -r pkg; do
    [ -z "$pkg" ] || [ "${pkg#\#}" != "$pkg" ] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done < <(cat tests/apt-packages.txt tests/fleet/REQUIREMENTS-apt.txt)
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "== installing apt packages: ${need_apt[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

# ansible-core, the oracle of tests/differential: a test-only venv, never a corral dependency.
ANSIBLE_CORE_VERSION=2.19.14
have_ansible=$(.venv-ansible/bin/ansible-playbook --version 2>/dev/null || true)
if [ -z "${CORRAL_ANSIBLE_VENV:-}" ] && [[ "$have_ansible" != *"[core $ANSIBLE_CORE_VERSION]"* ]]; then
    echo "== creating .venv-ansible (ansible-core $ANSIBLE_CORE_VERSION, for tests/differential)"
    "$PY" -m venv .venv-ansible
    .venv-ansible/bin/python -m pip install -q "ansible-core==$ANSIBLE_CORE_VERSION"
fi

echo "== ruff"
.venv/bin/ruff check src tests modules
echo "== mypy (controller, strict)"
.venv/bin/mypy
echo "== mypy (agent and modules: type comments, not strict; their 3.8 syntax is a test)"
host_side=$(ls src/corral/modules/*.py | grep -v -E '/(registry|doc|__init__)\.py$')
.venv/bin/mypy --config-file=/dev/null --python-version 3.10 --ignore-missing-imports \
    src/corral/agent/remote.py $host_side modules/*.py
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
