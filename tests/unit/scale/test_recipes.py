"""The scale-out recipes stay valid: YAML that parses, the shard index wired the right
way, shell that parses. (xargs/run-shards.sh runs against the fleet in
tests/integration/test_scale_shards.py.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

RECIPES = Path(__file__).resolve().parents[3] / "examples" / "scale-out"


def test_kubernetes_indexed_job_runs_one_shard_per_index() -> None:
    docs = list(yaml.safe_load_all((RECIPES / "kubernetes" / "shards-job.yaml").read_text()))
    job = next(d for d in docs if d["kind"] == "Job")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    container = spec["template"]["spec"]["containers"][0]
    shards = next(e["value"] for e in container["env"] if e["name"] == "SHARDS")
    assert int(shards) == spec["completions"] == spec["parallelism"]
    script = container["args"][0]
    assert '--shard "$JOB_COMPLETION_INDEX/$SHARDS"' in script
    assert "--report \"/reports/shard-$JOB_COMPLETION_INDEX.json\"" in script
    assert "-e corral_known_hosts=/ssh/known_hosts" in script  # host keys stay checked
    volumes = {v["name"]: v for v in job["spec"]["template"]["spec"]["volumes"]}
    assert volumes["ssh"]["secret"]["secretName"] == "corral-ssh"
    merge = yaml.safe_load((RECIPES / "kubernetes" / "merge-job.yaml").read_text())
    merge_script = merge["spec"]["template"]["spec"]["containers"][0]["args"][0]
    for index in range(int(shards)):
        assert f"/reports/shard-{index}.json" in merge_script
    assert "corral report merge" in merge_script


def test_github_matrix_and_merge_job() -> None:
    flow = yaml.safe_load((RECIPES / "github-actions" / "corral-shards.yml").read_text())
    shard, merge = flow["jobs"]["shard"], flow["jobs"]["merge"]
    indices = shard["strategy"]["matrix"]["shard"]
    assert indices == list(range(int(shard["env"]["SHARDS"])))
    assert shard["strategy"]["fail-fast"] is False
    assert merge["needs"] == "shard" and merge["if"] == "always()"
    merge_run = " ".join(step.get("run", "") for step in merge["steps"])
    assert all(f"shard-{i}.json" in merge_run for i in indices)


def test_gitlab_parallel_counts_from_zero() -> None:
    flow = yaml.safe_load((RECIPES / "gitlab-ci" / ".gitlab-ci.yml").read_text())
    shard = flow["corral-shard"]
    assert shard["parallel"] == 4
    script = " ".join(shard["script"])
    assert 'SHARD="$((CI_NODE_INDEX - 1))/$CI_NODE_TOTAL"' in script
    assert flow["corral-merge"]["when"] == "always"
    assert all(f"shard-{i}.json" in flow["corral-merge"]["script"][1] for i in range(4))


@pytest.mark.parametrize("script", ["xargs/run-shards.sh", "kubernetes/run.sh"])
def test_shell_scripts_parse(script: str) -> None:
    path = RECIPES / script
    assert path.stat().st_mode & 0o100, f"{script} is not executable"
    subprocess.run(["sh", "-n", str(path)], check=True)


def test_run_shards_usage_is_exit_5() -> None:
    done = subprocess.run([str(RECIPES / "xargs" / "run-shards.sh")], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 5 and done.stderr.startswith("usage:")
