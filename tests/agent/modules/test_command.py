"""command and shell: creates/removes, chdir, stdin, failures, check mode."""

from .conftest import run, snapshot


def test_result_keys(tmp_path):
    result = run("command", {"_raw_params": "echo 'hello world'", "chdir": str(tmp_path)})
    assert result["status"] == "changed"
    data = result["data"]
    assert (data["rc"], data["stdout"], data["stdout_lines"]) == (0, "hello world", ["hello world"])
    assert data["cmd"] == ["echo", "hello world"] and data["stderr"] == ""
    assert data["msg"] == "" and result["msg"] == "ran: echo 'hello world'"
    assert set(data) >= {"start", "end", "delta", "stderr_lines"}


def test_shell_cmd_is_the_text():
    result = run("shell", {"_raw_params": "echo a | tr a b"})
    assert (result["data"]["cmd"], result["data"]["stdout"]) == ("echo a | tr a b", "b")


def test_command_has_no_shell_but_expands_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRAL_T", "v")
    result = run("command", {"cmd": "echo $CORRAL_T ~root > x", "chdir": str(tmp_path)})
    assert result["data"]["stdout"] == "v /root > x"
    assert result["data"]["cmd"] == ["echo", "$CORRAL_T", "~root", ">", "x"]  # as written
    assert not (tmp_path / "x").exists()
    kept = run("command", {"cmd": "echo $CORRAL_T", "expand_argument_vars": False})
    assert kept["data"]["stdout"] == "$CORRAL_T"


def test_executable_runs_in_place_of_the_first_word():
    result = run("command", {"cmd": "whatever -c 'echo $0'", "executable": "/bin/sh",
                             "expand_argument_vars": False})
    assert result["data"]["stdout"] == "whatever"


def test_argv(tmp_path):
    result = run("command", {"argv": ["printf", "%s|", "a b", "c"]})
    assert result["data"]["stdout"] == "a b|c|"


def test_chdir_and_shell_features(tmp_path):
    result = run("shell", {"cmd": "pwd; echo err >&2 | cat; echo $((1+2))", "chdir": str(tmp_path)})
    assert result["data"]["stdout_lines"] == [str(tmp_path), "3"]
    assert result["data"]["stderr"] == "err"


def test_missing_chdir_fails(tmp_path):
    result = run("command", {"cmd": "true", "chdir": str(tmp_path / "nope")})
    assert (result["status"], result["msg"]) == ("failed", "chdir %s: no such directory"
                                                 % (tmp_path / "nope"))


def test_nonzero_rc_fails_with_outputs():
    result = run("shell", {"cmd": "echo out; echo oops >&2; exit 3"})
    assert (result["status"], result["msg"]) == ("failed", "non-zero return code 3")
    assert (result["data"]["rc"], result["data"]["stdout"], result["data"]["stderr"]) == (
        3, "out", "oops")


def test_missing_program_fails():
    result = run("command", {"cmd": "no-such-program-xyz"})
    assert result["status"] == "failed" and result["data"]["rc"] == 2
    assert result["msg"] == "no-such-program-xyz: No such file or directory"


def test_stdin():
    result = run("command", {"cmd": "cat", "stdin": "fed"})
    assert result["data"]["stdout"] == "fed"


def test_check_mode_skips_unless_creates_decides(tmp_path):
    before = snapshot(tmp_path)
    skipped = run("shell", {"cmd": f"touch {tmp_path}/x"}, check=True)
    assert (skipped["status"], skipped["msg"]) == ("skipped", "command is not run in check mode")
    would = run("shell", {"cmd": f"touch {tmp_path}/x", "creates": str(tmp_path / "x")},
                check=True)
    assert would["status"] == "changed" and would["msg"] == f"ran: touch {tmp_path}/x"
    assert snapshot(tmp_path) == before


def test_creates_and_removes_accept_globs(tmp_path):
    (tmp_path / "a.log").write_text("")
    ok = run("command", {"cmd": "false", "creates": str(tmp_path / "*.log")})
    assert (ok["status"], ok["msg"]) == ("ok", f"skipped, since {tmp_path}/*.log exists")
    ok = run("command", {"cmd": "false", "removes": str(tmp_path / "*.pid")})
    assert (ok["status"], ok["msg"]) == ("ok", f"skipped, since {tmp_path}/*.pid does not exist")


def test_no_command_and_both_forms():
    assert run("command", {})["msg"] == "no command given: use the free-form text, cmd or argv"
    both = run("shell", {"cmd": "true", "_raw_params": "true"})
    assert both["msg"] == "give the command either free-form or as cmd, not both"


def test_warn_is_accepted_and_ignored():
    assert run("command", {"cmd": "true", "warn": False})["status"] == "changed"


def test_registered_keys_when_not_run_are_ansibles(tmp_path):
    skipped = run("command", {"cmd": "touch x"}, check=True)["data"]
    assert skipped == {"cmd": ["touch", "x"], "rc": 0, "stdout": "", "stderr": "",
                       "stdout_lines": [], "stderr_lines": [], "start": None, "end": None,
                       "delta": None, "skipped": True,
                       "msg": "Command would have run if not in check mode"}
    (tmp_path / "x").write_text("")
    ok = run("command", {"cmd": "false", "creates": str(tmp_path / "x")})["data"]
    assert ok["msg"] == f"Did not run command since '{tmp_path}/x' exists"
    assert ok["stdout"] == f"skipped, since {tmp_path}/x exists" and ok["rc"] == 0
    gone = run("shell", {"cmd": "false", "removes": str(tmp_path / "y")})["data"]
    assert gone["msg"] == f"Did not run command since '{tmp_path}/y' does not exist"
    checked = run("shell", {"cmd": "false", "removes": str(tmp_path / "y")}, check=True)["data"]
    assert checked["msg"] == f"Would not run command since '{tmp_path}/y' does not exist"


def test_failure_registers_ansibles_msg():
    failed = run("shell", {"cmd": "exit 4"})
    assert failed["msg"] == "non-zero return code 4"
    assert (failed["data"]["msg"], failed["data"]["rc"]) == ("non-zero return code", 4)
