"""The live view's lines: play, batch and task, progress, counts, the slowest hosts."""

from corral.report.live_status import LiveStatus
from corral.report.model import Status, TaskResult


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_live_lines_follow_the_run() -> None:
    clock = Clock()
    status = LiveStatus(clock=clock)
    hosts = [f"web{i}" for i in range(1, 7)]
    status.play_start("site", hosts)
    status.batch_start(hosts, 1, 2)
    assert status.lines()[1:] == ["hosts 0/6 done · ok=0 changed=0 failed=0 unreachable=0 unknown=0 "
                                  "· 0.0s elapsed"]  # no task yet: nobody is slow
    status.task_start("Install", False)
    clock.now += 2.0
    status.task_result(TaskResult("web1", "Install", "apt", Status.CHANGED))
    status.task_result(TaskResult("web2", "Install", "apt", Status.FAILED))
    status.task_result(TaskResult("web3", "Install", "apt", Status.FAILED, ignored=True))
    clock.now += 1.5
    assert status.lines() == [
        "PLAY [site] · batch 1/2 · TASK [Install]",
        "hosts 3/6 done · ok=1 changed=1 failed=1 unreachable=0 unknown=0 · 3.5s elapsed",
        "slowest still running: web4 3.5s, web5 3.5s, web6 3.5s",
    ]
    status.task_start("Restart", True)
    clock.now += 1.0
    status.task_result(TaskResult("web4", "Restart", "service", Status.OK))
    lines = status.lines()
    assert lines[0] == "PLAY [site] · batch 1/2 · HANDLER [Restart]"
    assert lines[1].startswith("hosts 1/5 done")  # web2 failed: it runs no more tasks
    assert lines[2] == "slowest still running: web1 1.0s, web3 1.0s, web5 1.0s (+1: web6)"
