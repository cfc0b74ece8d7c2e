"""Where the session's differential results are kept for the end-of-run table."""

from __future__ import annotations

import pytest
from tests.differential.suite import CaseResult

RESULTS_KEY = pytest.StashKey[dict[str, CaseResult]]()
TABLE_KEY = pytest.StashKey[str]()
