"""The differential suite: every case of corpus/ run by ansible-core and by corral on twin
fleet hosts, compared (exit code, recap, files under /srv/diff, registered results written
as JSON). A difference fails its case unless intended.yml lists it with its reason.

    CORRAL_FLEET_PYTEST_STATE=... CORRAL_FLEET_PYTEST_PORT=... \
        .venv/bin/python -m pytest tests/differential -q [-k CASE]

``CORRAL_ANSIBLE_VENV`` points at the venv holding ansible-core (default .venv-ansible,
made by tests/run_suite.sh); ``CORRAL_DIFF_PAIRS`` caps the pairs of twins used at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from tests.differential.cases import CORPUS, Case, CaseError, case_names, load_case
from tests.differential.intended import load_intended
from tests.differential.stash import RESULTS_KEY, TABLE_KEY
from tests.differential.suite import CaseResult, run_suite
from tests.differential.table import details, parity_table, unused_entries
from tests.differential.tools import Twin, ansible_playbook


def _selected_cases(request: pytest.FixtureRequest) -> list[str]:
    names = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.module is not None and item.module.__name__ == __name__ and callspec is not None:
            names.append(callspec.params["case_name"])
    return sorted(set(names))


def _pairs(fleet: Any) -> list[tuple[Twin, Twin]]:
    hosts = sorted(fleet.light_hosts)
    wanted = int(os.environ.get("CORRAL_DIFF_PAIRS", "2"))
    twins = [Twin(h, fleet.port(h), fleet.key_path, fleet.known_hosts) for h in hosts]
    pairs = [(twins[i], twins[i + 1]) for i in range(0, len(twins) - 1, 2)][:max(wanted, 1)]
    if not pairs:
        pytest.fail("the differential suite needs at least two light fleet hosts", pytrace=False)
    return pairs


@pytest.fixture(scope="session")
def differential_results(request: pytest.FixtureRequest, fleet: Any) -> Iterator[dict[str, CaseResult]]:
    if not ansible_playbook().is_file():
        pytest.fail(f"ansible-core is not installed at {ansible_playbook()}: run tests/run_suite.sh "
                    "(it makes .venv-ansible) or set CORRAL_ANSIBLE_VENV to a venv with "
                    "ansible-core", pytrace=False)
    pairs = _pairs(fleet)
    for pair in pairs:
        for twin in pair:
            fleet.reset(twin.fleet_name)  # earlier tests may have left anything on them
    intended = load_intended()
    cases, broken = [], {}
    for name in _selected_cases(request):
        try:
            cases.append(load_case(name))
        except CaseError as exc:
            broken[name] = CaseResult(Case(name, CORPUS / name), error=str(exc))
    results = {**run_suite(cases, pairs, fleet.exec, intended), **broken}
    request.config.stash[RESULTS_KEY] = results
    report = [parity_table(results), details(results)]
    if set(results) == set(case_names()):
        report.append(unused_entries(results, intended))
    request.config.stash[TABLE_KEY] = "\n".join(part for part in report if part)
    yield results


@pytest.mark.fleet
@pytest.mark.parametrize("case_name", case_names())
def test_parity(case_name: str, differential_results: dict[str, CaseResult]) -> None:
    result = differential_results[case_name]
    assert result.error is None, result.error
    if result.unlisted:
        lines = [f"  {d.what}: {d.detail}" for d in result.unlisted]
        outputs = [f"--- {run.tool} ({mode}, exit {run.exit_code}) ---\n{run.output[-3000:]}"
                   for mode, pair in result.runs.items() for run in pair]
        pytest.fail(f"{case_name}: differences not listed in tests/differential/intended.yml:\n"
                    + "\n".join(lines) + "\n" + "\n".join(outputs), pytrace=False)
