"""wsbx: run WebAssembly you did not write, from Python.

    import wsbx
    result = wsbx.run("tool.wasm", args=["--verbose"], mem="64M", timeout=2,
                      dirs={"/srv/data": "/data"}, stdin=b"input")
    print(result.exit_code, result.stdout, result.error)

    with wsbx.Sandbox("plugin.wasm", policy="strict", fuel=10**8) as sb:
        print(sb.call("fib", 20))

A ctypes binding of libwsbx's C API (wsbx/wsbx.h): pure Python, no
compiler needed. The library is found at $WSBX_LIBRARY, through
`pkg-config --variable=libdir wsbx`, or by the dynamic linker.
"""

from ._config import AuditEvent, HostFunction, Module, parse_size
from ._lib import path as library_path
from ._values import Ref
from .errors import (BudgetError, ExitError, Frame, FuelError,
                     InterruptError, InvalidArgumentError, IoError, LinkError,
                     LoadError, RefusedError, ResourceError, TimeLimitError,
                     TrapError, WsbxError)
from .sandbox import Lease, Pool, RunResult, Sandbox, Stats, run

__version__ = "0.1.0"

__all__ = [
    "AuditEvent", "BudgetError", "ExitError", "Frame", "FuelError",
    "HostFunction", "InterruptError", "InvalidArgumentError", "IoError",
    "Lease", "LinkError", "LoadError", "Module", "Pool", "Ref",
    "RefusedError", "ResourceError", "RunResult", "Sandbox", "Stats",
    "TimeLimitError", "TrapError", "WsbxError", "library_path", "parse_size",
    "run",
]
