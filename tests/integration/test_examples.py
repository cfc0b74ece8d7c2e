"""Every example of the README and playbooks/ runs, here through the local connection."""

from __future__ import annotations

from pathlib import Path

from tests.integration.corral_cli import corral

ROOT = Path(__file__).resolve().parents[2]


def test_site_example_converges_then_is_idempotent_then_detects_drift(tmp_path: Path) -> None:
    app_root = tmp_path / "demo"
    args = ("-i", ROOT / "inventories/local.yml", "-e", f"app_root={app_root}")
    first_check = corral("check", ROOT / "playbooks/site.yml", *args, cwd=ROOT)
    assert first_check.code == 2, first_check.stdout + first_check.stderr
    assert not app_root.exists()  # check mode wrote nothing
    applied = corral("apply", ROOT / "playbooks/site.yml", *args, cwd=ROOT)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert (app_root / "hello/app.conf").read_text().startswith("# Managed by corral")
    again = corral("apply", ROOT / "playbooks/site.yml", *args, cwd=ROOT)
    assert again.code == 0 and again.changed("localhost") == 0
    assert corral("check", ROOT / "playbooks/site.yml", *args, cwd=ROOT).code == 0
    (app_root / "hello/settings.ini").write_text("log_level = debug\n")
    drift = corral("check", ROOT / "playbooks/site.yml", *args, cwd=ROOT)
    assert drift.code == 2
    drifted = [t["name"] for t in drift.host("localhost")["tasks"] if t["status"] == "changed"]
    assert drifted == ["Log level set in an existing settings file"]
    assert "-log_level = debug" in drift.stdout and "+log_level = info" in drift.stdout


def test_custom_module_example(tmp_path: Path) -> None:
    args = ("-i", ROOT / "inventories/local.yml", "-e", f"app_root={tmp_path}")
    first = corral("apply", ROOT / "playbooks/custom_module.yml", *args, cwd=ROOT)
    assert first.code == 0, first.stdout + first.stderr
    assert (tmp_path / "motd").read_text() == "Managed by corral on localhost.\n"
    second = corral("apply", ROOT / "playbooks/custom_module.yml", *args, cwd=ROOT)
    assert second.code == 0 and second.changed("localhost") == 0


def test_readme_quickstart_command_runs() -> None:
    result = corral("check", "playbooks/site.yml", "-i", "inventories/local.yml", cwd=ROOT)
    assert result.code in (0, 2), result.stdout + result.stderr
