"""Rolling batches (serial) and tag selection: Ansible's rules, one row per case."""

import pytest

from corral.executor.play_runner import batches
from corral.executor.tags import task_selected

HOSTS = [f"h{i}" for i in range(1, 6)]


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ([], [HOSTS]),
        ([2], [["h1", "h2"], ["h3", "h4"], ["h5"]]),
        ([1, 2], [["h1"], ["h2", "h3"], ["h4", "h5"]]),
        (["40%"], [["h1", "h2"], ["h3", "h4"], ["h5"]]),
        (["10%"], [["h1"], ["h2"], ["h3"], ["h4"], ["h5"]]),  # never a batch of 0
        ([1, "100%"], [["h1"], ["h2", "h3", "h4", "h5"]]),
        ([10], [HOSTS]),
    ],
)
def test_serial_batches(serial, expected):
    assert batches(HOSTS, serial) == expected


@pytest.mark.parametrize(
    ("task_tags", "only", "skip", "selected"),
    [
        ([], [], [], True),
        (["web"], [], [], True),
        (["web"], ["web"], [], True),
        (["db"], ["web"], [], False),
        ([], ["web"], [], False),
        (["always"], ["web"], [], True),
        (["always"], ["web"], ["always"], False),
        (["never"], [], [], False),
        (["never", "debug"], ["debug"], [], True),
        (["web"], [], ["web"], False),
        (["web"], ["tagged"], [], True),
        ([], ["tagged"], [], False),
        ([], ["untagged"], [], True),
        (["web"], ["untagged"], [], False),
        (["web"], ["all"], [], True),
        (["web", "db"], [], ["db"], False),
    ],
)
def test_task_selected(task_tags, only, skip, selected):
    assert task_selected(task_tags, frozenset(only), frozenset(skip)) is selected
