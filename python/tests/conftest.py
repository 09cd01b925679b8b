"""Fixtures of the wsbx Python tests: the guests meson built (paths in
WSBX_TEST_* variables) and the build's libwsbx.so (WSBX_LIBRARY)."""

import os

import pytest


def _guest(var):
    path = os.environ.get(var)
    if not path:
        pytest.fail(f"{var} is not set: run these tests through "
                    f"`meson test --suite python`")
    return path


@pytest.fixture(scope="session")
def calc_path():
    """Arithmetic, state to reset, traps, a spin loop; imports env.double."""
    return _guest("WSBX_TEST_CALC")


@pytest.fixture(scope="session")
def tool_path():
    """The WASI guest: upper, read PATH, escape, flood N, exit N, env NAME."""
    return _guest("WSBX_TEST_TOOL")


@pytest.fixture(scope="session")
def fib_path():
    """The bundled freestanding guest: fib(i32) -> i32, sum_to(i32) -> i64."""
    return _guest("WSBX_TEST_FIB")


@pytest.fixture(scope="session")
def start_trap_path():
    return _guest("WSBX_TEST_START_TRAP")


@pytest.fixture(scope="session")
def two_missing_path():
    return _guest("WSBX_TEST_TWO_MISSING")


@pytest.fixture
def calc(calc_path):
    import wsbx
    double = wsbx.HostFunction("env", "double", lambda x: 2 * x,
                               params=["i32"], results=["i32"])
    with wsbx.Sandbox(calc_path, host_functions=[double]) as sandbox:
        yield sandbox
