"""Sandbox: calls converted by the export's signature, errors per kind,
interrupts, stats, output, reset and lifetime."""

import re
import threading
import time

import pytest

import wsbx


def test_calls_convert_by_signature(calc):
    assert calc.call("add", 2, 3) == 5
    assert calc.call("fib", 20) == 6765
    assert calc.call("swap", -4, 0.5) == (0.5, -4)
    assert calc.call("swap", 2**64 - 1, 3) == (3.0, -1)  # unsigned in, float
    assert calc.call("add", 2**31 - 1, 1) == -2**31       # i32 wraps
    assert calc.call("counter") == 7
    assert calc.signature("swap") == (["i64", "f64"], ["f64", "i64"])
    assert "fib: (i32) -> (i32)" in calc.exports
    assert calc.call("twice", 21) == 42  # through the host function


def test_wrong_calls_raise_before_the_guest_runs(calc):
    with pytest.raises(wsbx.InvalidArgumentError, match=r"\(i32, i32\)"):
        calc.call("add", 1)
    with pytest.raises(wsbx.InvalidArgumentError, match="float"):
        calc.call("add", 1.5, 2)
    with pytest.raises(wsbx.InvalidArgumentError, match="int"):
        calc.call("add", "1", 2)
    with pytest.raises(wsbx.InvalidArgumentError, match="fit"):
        calc.call("add", 2**32, 2)
    with pytest.raises(wsbx.InvalidArgumentError, match="float"):
        calc.call("swap", 1, "0.5")
    with pytest.raises(wsbx.InvalidArgumentError,
                       match=r"fib: \(i32\) -> \(i32\)") as e:
        calc.call("nope")
    assert e.value.kind == "invalid_argument"
    assert not e.value.is_guest_error
    with pytest.raises(wsbx.InvalidArgumentError):
        calc.signature("nope")
    assert calc.stats.fuel_consumed == 0  # nothing ran


def test_traps_carry_their_backtrace(calc):
    with pytest.raises(wsbx.TrapError) as e:
        calc.call("trap")
    assert e.value.message == "unreachable"
    assert [f.name for f in e.value.backtrace[:2]] == ["inner", "outer"]
    assert all(f.code_offset > 0 for f in e.value.backtrace[:2])
    assert re.fullmatch(r"trap: unreachable\n  at inner \(func \d+\) \+0x[0-9a-f]+"
                        r"\n  at outer \(func \d+\) \+0x[0-9a-f]+",
                        str(e.value))
    assert e.value.is_guest_error
    assert calc.call("add", 1, 1) == 2  # usable afterwards


def test_budgets(calc_path):
    double = ("env", "double", lambda x: x, ["i32"], ["i32"])
    with wsbx.Sandbox(calc_path, fuel=10**6, host_functions=[double]) as sb:
        with pytest.raises(wsbx.FuelError):
            sb.call("spin")
        assert sb.call("fib", 10) == 55
    with wsbx.Sandbox(calc_path, timeout=0.05, host_functions=[double]) as sb:
        start = time.monotonic()
        with pytest.raises(wsbx.TimeLimitError):
            sb.call("spin")
        assert time.monotonic() - start < 2


def test_interrupt_from_another_thread(calc):
    done = threading.Event()

    def stopper():
        # A call that starts clears an earlier interrupt: repeat until done.
        while not done.wait(0.02):
            calc.interrupt()

    thread = threading.Thread(target=stopper)
    thread.start()
    try:
        with pytest.raises(wsbx.InterruptError):
            calc.call("spin")
    finally:
        done.set()
        thread.join()
    assert calc.call("add", 2, 2) == 4


def test_a_busy_sandbox_refuses_a_second_thread(calc_path):
    entered = threading.Event()
    release = threading.Event()
    seen = []

    def double(x):
        entered.set()
        release.wait(5)
        return 2 * x

    with wsbx.Sandbox(calc_path, host_functions=[
            ("env", "double", double, ["i32"], ["i32"])]) as sb:
        def caller():
            try:
                seen.append(sb.call("twice", 4))
            except wsbx.InterruptError as e:
                seen.append(e)

        thread = threading.Thread(target=caller)
        thread.start()
        assert entered.wait(5)
        with pytest.raises(wsbx.InvalidArgumentError, match="busy"):
            sb.call("add", 1, 2)
        with pytest.raises(wsbx.InvalidArgumentError, match="busy"):
            sb.close()
        sb.interrupt()  # always allowed, from any thread
        release.set()
        thread.join()
    # The interrupt lands once the guest runs again, or the call is over.
    assert len(seen) == 1
    assert seen[0] == 8 or isinstance(seen[0], wsbx.InterruptError)


def test_host_functions_errors_become_traps(calc_path):
    def bad(x):
        raise ValueError(f"no {x}")

    with wsbx.Sandbox(calc_path, host_functions=[
            wsbx.HostFunction("env", "double", bad, ["i32"], ["i32"])]) as sb:
        with pytest.raises(wsbx.TrapError, match="ValueError: no 3") as e:
            sb.call("twice", 3)
        assert isinstance(e.value.__cause__, ValueError)
        assert sb.call("add", 1, 2) == 3
    wrong = ("env", "double", lambda x: "text", ["i32"], ["i32"])
    with wsbx.Sandbox(calc_path, host_functions=[wrong]) as sb:
        with pytest.raises(wsbx.TrapError) as e:
            sb.call("twice", 3)
        assert isinstance(e.value.__cause__, wsbx.InvalidArgumentError)
    with pytest.raises(wsbx.LinkError, match=r"the host has \(i64\) -> \(i64\)"):
        wsbx.Sandbox(calc_path, host_functions=[
            ("env", "double", lambda x: x, ["i64"], ["i64"])])
    with pytest.raises(wsbx.InvalidArgumentError, match="wasm value type"):
        wsbx.HostFunction("env", "double", len, ["int"], ["i32"])


def test_host_function_keyboard_interrupt_passes_through(calc_path):
    def stop(x):
        raise KeyboardInterrupt

    with wsbx.Sandbox(calc_path, host_functions=[
            ("env", "double", stop, ["i32"], ["i32"])]) as sb:
        with pytest.raises(KeyboardInterrupt):
            sb.call("twice", 1)


def test_build_errors(calc_path, start_trap_path, two_missing_path, tmp_path):
    with pytest.raises(wsbx.TrapError, match="unreachable"):
        wsbx.Sandbox(start_trap_path)
    with pytest.raises(wsbx.LinkError) as e:
        wsbx.Sandbox(two_missing_path)
    assert "env.first" in e.value.message and "env.second" in e.value.message
    with pytest.raises(wsbx.LoadError):
        wsbx.Sandbox(b"\0asm\2\0\0\0")
    with pytest.raises(wsbx.IoError):
        wsbx.Sandbox(tmp_path / "none.wasm")
    with pytest.raises(wsbx.InvalidArgumentError, match="policy"):
        wsbx.Sandbox(calc_path, policy="lax")


def test_output_capture_callbacks_and_audit(tool_path, tmp_path):
    chunks, errs, events = [], [], []
    with wsbx.Sandbox(tool_path, args=["upper"], stdin=b"abc",
                      capture_output=False, on_stdout=chunks.append,
                      on_stderr=errs.append) as sb:
        assert sb.run() == 0
        assert b"".join(chunks) == b"ABC"
        assert b"".join(errs) == b"done\n"
        assert sb.stdout == b""  # not captured
    with wsbx.Sandbox(tool_path, args=["escape"],
                      dirs=[(tmp_path, "/data", True)],
                      on_audit=events.append) as sb:
        assert sb.run() == 0
        assert sb.stdout == b"after refused\n"
        assert events and events == sb.audit_events
        assert isinstance(events[0], wsbx.AuditEvent)


def test_a_failing_output_callback_is_raised_after_the_call(tool_path):
    def sink(data):
        raise RuntimeError("sink broke")

    with wsbx.Sandbox(tool_path, args=["upper"], stdin=b"abc",
                      on_stdout=sink) as sb:
        with pytest.raises(RuntimeError, match="sink broke"):
            sb.run()


def test_exit_from_call_and_run(tool_path):
    with wsbx.Sandbox(tool_path, args=["exit", "3"]) as sb:
        assert sb.run() == 3
        with pytest.raises(wsbx.ExitError) as e:
            sb.call("_start")
        assert e.value.exit_code == 3


def test_stats(calc):
    calc.call("fib", 15)
    s = calc.stats
    assert isinstance(s, wsbx.Stats)
    assert s.fuel_consumed > 0
    assert s.memory_pages == 1
    assert s.peak_memory_bytes > 0
    assert s.last_call_ns > 0
    calc.call("twice", 1)
    calc.call("twice", 2)
    assert calc.stats.host_calls == {"env.double": 2}


@pytest.mark.parametrize("fast", [False, True])
def test_reset(calc_path, fast):
    double = ("env", "double", lambda x: 2 * x, ["i32"], ["i32"])
    with wsbx.Sandbox(calc_path, host_functions=[double],
                      fast_reset=fast) as sb:
        for _ in range(3):
            assert sb.call("counter") == 7
            assert sb.call("first_byte") == ord("h")
            assert sb.call("bump") == 8
            assert sb.call("first_byte") == ord("J")
            assert sb.call("pages") == 4
            sb.reset()
            assert sb.stats.fuel_consumed == 0
        assert sb.call("pages") == 1


def test_modules_are_compiled_once_and_shared(calc_path, fib_path):
    module = wsbx.Module(calc_path)
    assert "add: (i32, i32) -> (i32)" in module.exports
    for i in range(3):
        with wsbx.Sandbox(module, host_functions=[
                ("env", "double", lambda x: x + i, ["i32"], ["i32"])]) as sb:
            assert sb.call("twice", 10) == 10 + i
    with open(fib_path, "rb") as f:
        from_bytes = wsbx.Module.from_bytes(f.read())
    with wsbx.Sandbox(from_bytes) as sb:
        assert sb.call("sum_to", 100) == 5050
    with pytest.raises(wsbx.LoadError):
        wsbx.Module(b"junk")


def test_closed_sandbox(calc):
    calc.close()
    with pytest.raises(wsbx.InvalidArgumentError, match="closed"):
        calc.call("add", 1, 2)
    calc.interrupt()  # harmless
    calc.close()      # twice is fine
