"""The mutation fuzzer over every parser, in CI: a fixed seed, 2,000 cases, ~60 s on 2 cores.

A case passes when corral accepts the input or refuses it with its own input error
naming a file, within 10 s of CPU (60 s of wall clock) and 2 GiB; a traceback, a hang or a message without a file
fails it. ``tests/bench/fuzz`` runs the same fuzzer longer, with a random seed.
"""

from __future__ import annotations

import time
from collections import Counter

from .mutations import _BY_KIND
from .runner import FuzzRun, failures, make_case, report
from .seeds import KINDS, TEMPLATE_KINDS

SEED = 20261130
CASES = 2000
BUDGET_SECONDS = 60  # measured on an idle 2-core machine
HARD_LIMIT_SECONDS = 240  # the machine is shared: fail only when far past the budget
PARSER_KINDS = tuple(k for k in KINDS if k not in TEMPLATE_KINDS)  # see test_fuzz_templates


def test_fuzz_every_parser() -> None:
    cases = [make_case(SEED, i, PARSER_KINDS) for i in range(CASES)]
    started = time.monotonic()
    outcomes = FuzzRun(workers=2).run(cases)
    seconds = time.monotonic() - started
    summary = report(outcomes, seconds)
    print(summary, f"(budget {BUDGET_SECONDS} s)")
    assert len(outcomes) == CASES
    assert not failures(outcomes), summary
    assert seconds < HARD_LIMIT_SECONDS, summary
    statuses = Counter(o.status for o in outcomes)
    assert statuses["accepted"] >= CASES // 20, summary  # the seeds still load after light mutations


def test_every_mutation_is_drawn() -> None:
    cases = [make_case(SEED, i, PARSER_KINDS) for i in range(CASES)]
    drawn = {(c.kind, label) for c in cases for label in c.labels}
    wanted = {(kind, name) for kind in PARSER_KINDS for name, _, _ in _BY_KIND[kind]}
    assert wanted - drawn == set()
