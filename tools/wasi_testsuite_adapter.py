"""wsbx adapter for the official WASI test suite's runner.

The suite (github.com/WebAssembly/wasi-testsuite, branch prod/testsuite-base)
ships prebuilt wasm32-wasip1 tests and a Python runner that drives any engine
through a small adapter module like this one:

    python3 test-runner/wasi_test_runner.py \
        -t tests/c/testsuite/wasm32-wasip1 \
           tests/rust/testsuite/wasm32-wasip1 \
           tests/assemblyscript/testsuite/wasm32-wasip1 \
        -r /path/to/wsbx/tools/wasi_testsuite_adapter.py

WSBX names the wsbx binary (default: `wsbx` on PATH); extra run flags may
follow it, e.g. WSBX="build/cli/wsbx --timeout 10s".
"""
import os
import shlex
import subprocess
from typing import Dict, List, Optional, Tuple

WSBX = shlex.split(os.getenv("WSBX", "wsbx"))


def get_name() -> str:
    return "wsbx"


def get_version() -> str:
    # Probe the binary so a wrong WSBX fails here, not in every test.
    subprocess.run(WSBX[0:1] + ["--help"], capture_output=True, check=True)
    return "main"


def get_wasi_versions() -> List[str]:
    return ["wasm32-wasip1"]


def get_wasi_worlds() -> List[str]:
    return ["wasi:cli/command"]


def get_timeout_seconds() -> float:
    return 30.0


def compute_argv(test_path: str,
                 args_env_root: Tuple[List[str], Dict[str, str], Optional[str]],
                 proposals: List[str],
                 wasi_world: str,
                 wasi_version: str) -> List[str]:
    del proposals, wasi_world, wasi_version  # wsbx runs preview1 commands only
    args, env, root = args_env_root
    argv = WSBX[0:1] + ["run"] + WSBX[1:]
    for name, value in env.items():
        argv += ["--env", f"{name}={value}"]
    if root:
        argv += ["--dir", f"{root}::/"]
    return argv + [test_path, "--"] + list(args)
