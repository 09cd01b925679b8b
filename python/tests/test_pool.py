"""Pool: leases reset between uses, waits and time-outs, threads."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import wsbx

DOUBLE = ("env", "double", lambda x: 2 * x, ["i32"], ["i32"])


def test_sum_over_leases(fib_path):
    with wsbx.Pool(fib_path, 2, policy="strict", mem="16M",
                   fuel=50_000_000) as pool:
        total = 0
        for i in range(1, 101):
            with pool.acquire() as sb:
                total += sb.call("sum_to", i)
        assert total == 171700
        assert pool.resets == 100
        assert pool.size == 2
        assert pool.available == 2


def test_leases_are_reset_and_the_pool_times_out(calc_path):
    with wsbx.Pool(calc_path, 2, host_functions=[DOUBLE]) as pool:
        a = pool.acquire()
        assert a.sandbox.call("bump") == 8
        b = pool.acquire(timeout=0)
        assert pool.available == 0
        with pytest.raises(wsbx.ResourceError):
            pool.acquire(timeout=0.02)
        with pytest.raises(wsbx.InvalidArgumentError, match="still out"):
            pool.close()
        a.release()
        b.release()
        b.release()  # twice is fine
        with pytest.raises(wsbx.InvalidArgumentError, match="released"):
            a.sandbox.call("counter")
        assert pool.available == 2
        assert pool.resets == 2
        for _ in range(2):
            with pool.acquire() as sb:
                assert sb.call("counter") == 7
                assert sb.call("first_byte") == ord("h")
                assert sb.call("twice", 5) == 10


def test_threads_share_a_pool(calc_path):
    module = wsbx.Module(calc_path)
    with wsbx.Pool(module, 3, host_functions=[DOUBLE]) as pool:
        def job(_):
            with pool.acquire() as sb:
                return (sb.call("counter"), sb.call("bump"),
                        sb.call("twice", 21))

        with ThreadPoolExecutor(4) as ex:
            results = list(ex.map(job, range(60)))
        assert results == [(7, 8, 42)] * 60
        assert pool.resets == 60


def test_a_waiting_acquire_gets_the_released_sandbox(fib_path):
    with wsbx.Pool(fib_path, 1) as pool:
        lease = pool.acquire()
        got = []
        thread = threading.Thread(
            target=lambda: got.append(pool.acquire(timeout=5)))
        thread.start()
        thread.join(0.05)
        assert thread.is_alive()  # waiting, with the GIL released
        lease.release()
        thread.join()
        with got[0] as sb:
            assert sb.call("fib", 10) == 55


def test_pool_errors(fib_path, two_missing_path):
    with pytest.raises(wsbx.InvalidArgumentError):
        wsbx.Pool(fib_path, 0)
    with pytest.raises(wsbx.LinkError):
        wsbx.Pool(two_missing_path, 2)
