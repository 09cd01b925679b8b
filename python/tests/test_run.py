"""wsbx.run: one WASI command, output captured, errors as values."""

import pytest

import wsbx


def test_stdin_to_stdout(tool_path):
    r = wsbx.run(tool_path, args=["upper"], stdin=b"hello, sandbox\n")
    assert r.error is None
    assert r.exit_code == 0
    assert r.ok
    assert r.stdout == b"HELLO, SANDBOX\n"
    assert r.stderr == b"done\n"
    assert r.stats.stdout_bytes == 15
    assert r.stats.fuel_consumed > 0
    assert r.stats.host_calls["wasi_snapshot_preview1.fd_write"] >= 1


def test_str_stdin_and_env(tool_path):
    r = wsbx.run(tool_path, args=["upper"], stdin="abc")
    assert r.stdout == b"ABC"
    r = wsbx.run(tool_path, args=["env", "GREETING"],
                 env={"GREETING": "hi there"})
    assert r.stdout == b"hi there\n"
    r = wsbx.run(tool_path, args=["env", "GREETING"])
    assert r.stdout == b"(unset)\n"  # nothing is granted by default


def test_exit_status(tool_path):
    r = wsbx.run(tool_path, args=["exit", "7"])
    assert r.error is None
    assert r.exit_code == 7
    assert not r.ok


def test_dirs_dict_and_triples(tool_path, tmp_path):
    (tmp_path / "note.txt").write_text("granted text\n")
    r = wsbx.run(tool_path, args=["read", "/data/note.txt"],
                 dirs={str(tmp_path): "/data"})
    assert r.stdout == b"granted text\n"
    r = wsbx.run(tool_path, args=["read", "/data/note.txt"],
                 dirs=[(tmp_path, "/data", True)])
    assert r.stdout == b"granted text\n"
    r = wsbx.run(tool_path, args=["read", "/data/note.txt"])
    assert r.exit_code == 1
    assert r.stdout.startswith(b"open failed")


def test_refusals_are_audited_and_paranoid_ends_the_guest(tool_path, tmp_path):
    r = wsbx.run(tool_path, args=["escape"], dirs={str(tmp_path): "/data"})
    assert r.stdout == b"after refused\n"
    assert r.audit_events
    event = r.audit_events[0]
    assert event.function
    assert event.errno_name
    assert '"function"' in event.json
    assert r.stats.audit_events == len(r.audit_events)
    r = wsbx.run(tool_path, args=["escape"], dirs={str(tmp_path): "/data"},
                 policy="paranoid")
    assert isinstance(r.error, wsbx.RefusedError)
    assert r.error.is_guest_error
    assert r.exit_code is None
    assert r.stdout == b""


def test_output_cap(tool_path):
    r = wsbx.run(tool_path, args=["flood", "100000"], max_output="4k")
    assert r.exit_code == 3
    assert len(r.stdout) == 4096


def test_budgets_are_errors(tool_path):
    r = wsbx.run(tool_path, args=["flood", "100000000"], fuel=100000)
    assert isinstance(r.error, wsbx.FuelError)
    assert isinstance(r.error, wsbx.BudgetError)
    assert r.error.kind == "fuel"
    assert r.exit_code is None
    assert 0 < len(r.stdout) < 100000000  # what it wrote before
    r = wsbx.run(tool_path, args=["upper"], stdin=b"quick", timeout=2.0)
    assert r.stdout == b"QUICK"


def test_library_errors_come_back_in_error(tool_path, calc_path, tmp_path):
    r = wsbx.run(tmp_path / "missing.wasm")
    assert isinstance(r.error, wsbx.IoError)
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\0asm\2\0\0\0")
    r = wsbx.run(bad)
    assert isinstance(r.error, wsbx.LoadError)
    assert not r.error.is_guest_error
    r = wsbx.run(calc_path)  # imports env.double, not given
    assert isinstance(r.error, wsbx.LinkError)
    assert "env.double" in r.error.message


def test_memory_limit_strings(tool_path):
    assert wsbx.parse_size("64M") == 64 << 20
    assert wsbx.parse_size("1.5GiB") == 3 << 29
    assert wsbx.parse_size("512k") == 512 << 10
    assert wsbx.parse_size("4096") == 4096
    assert wsbx.parse_size(123) == 123
    for bad in ("lots", "-1M", "", -5, 1.5, None):
        with pytest.raises(wsbx.InvalidArgumentError):
            wsbx.parse_size(bad)
    r = wsbx.run(tool_path, args=["upper"], stdin=b"x", mem="64M")
    assert r.exit_code == 0
    # Too little memory for the guest's own: instantiation fails.
    r = wsbx.run(tool_path, args=["upper"], stdin=b"x", mem="64k")
    assert isinstance(r.error, (wsbx.ResourceError, wsbx.LinkError,
                                wsbx.LoadError))


def test_bad_arguments_raise(tool_path):
    with pytest.raises(wsbx.InvalidArgumentError, match="policy"):
        wsbx.run(tool_path, policy="lenient")
    with pytest.raises(wsbx.InvalidArgumentError, match="timeout"):
        wsbx.run(tool_path, timeout="2s")
    with pytest.raises(wsbx.InvalidArgumentError, match="args"):
        wsbx.run(tool_path, args="upper")
    with pytest.raises(wsbx.InvalidArgumentError, match="dirs"):
        wsbx.run(tool_path, dirs=[("a", "b", True, "extra")])
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError
        wsbx.run(tool_path, fuel=-1)


def test_no_arguments_for_the_guest(tool_path):
    assert wsbx.run(tool_path).exit_code == 2  # the tool wants a command
