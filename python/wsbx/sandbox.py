"""Sandbox and Pool over the C API (wsbx.h), and wsbx.run.

A Sandbox is used by one thread at a time: a thread that calls into one
another thread is using gets an InvalidArgumentError instead of undefined
behaviour. interrupt() is the exception: any thread may call it at any time.
The GIL is released while the guest runs, so distinct sandboxes (and a
pool's leases) run in parallel on Python threads.
"""

import contextlib
import ctypes
import threading
from dataclasses import dataclass, field
from typing import Optional

from . import _lib
from ._config import (AuditEvent, Config, pending_errors, raise_pending,
                      strings)
from ._values import from_c, to_c
from .errors import WsbxError, invalid, take

_lib_ = _lib.lib


@dataclass
class Stats:
    """Measured after each run or call, since the build or the last reset."""
    fuel_consumed: int = 0
    peak_memory_bytes: int = 0
    memory_pages: int = 0
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    audit_events: int = 0
    last_call_ns: int = 0
    host_calls: dict = field(default_factory=dict)  # import -> calls


def _signature_text(params, results):
    def names(kinds):
        return ", ".join(_lib.KIND_NAMES[k] for k in kinds)
    return f"({names(params)}) -> ({names(results)})"


class Sandbox:
    """One instance of a module, with its budgets and WASI grants.

    Sandbox(module, *, policy="standard", mem=None, fuel=None,
            timeout=None, stack=None, call_depth=None, table_elements=None,
            args=(), program=None, env=None, dirs=None, stdin=None,
            capture_output=True, on_stdout=None, on_stderr=None,
            max_output=None, on_audit=None, host_functions=(),
            fast_reset=False)

    `module` is a wsbx.Module, the bytes of one, or a path. `mem`, `stack`
    and `max_output` are bytes (ints or strings such as "64M"), `timeout`
    seconds per call, `fuel` units per call. `dirs` maps host directories to
    guest paths (read-write), or is a list of (host, guest, read_only).
    Building fails with a WsbxError (LoadError, LinkError, a TrapError from
    the start function, ...).
    """

    def __init__(self, module, **options):
        fast_reset = options.pop("fast_reset", False)
        config = Config(module, **options)
        try:
            self._build(config)
        finally:
            config.close()
        if fast_reset:
            self.enable_fast_reset()

    def _build(self, config):
        out = ctypes.c_void_p()
        pending_errors().clear()
        raise_pending(take(_lib_.wsbx_sandbox_new(config.handle,
                                                  ctypes.byref(out))))
        self._init(out.value, True, config.keep, {})

    def _init(self, handle, owned, keep, signatures):
        self._handle = handle
        self._owned = owned
        self._keep = keep              # callbacks the library points to
        self._signatures = signatures  # name -> (params, results) or None
        self._lock = threading.Lock()  # held while in use
        self._life = threading.Lock()  # guards the handle against close

    @classmethod
    def _from_config(cls, config):
        self = cls.__new__(cls)
        self._build(config)
        return self

    @classmethod
    def _leased(cls, handle, keep, signatures):
        self = cls.__new__(cls)
        self._init(handle, False, keep, signatures)
        return self

    @contextlib.contextmanager
    def _using(self):
        if not self._lock.acquire(blocking=False):
            raise invalid("the sandbox is busy: a Sandbox is used by one "
                          "thread at a time (a Pool serves several)")
        try:
            if self._handle is None:
                raise invalid("the sandbox is closed or its lease released")
            yield self._handle
        finally:
            self._lock.release()

    # -- calls ------------------------------------------------------------

    def _signature(self, handle, name):
        if name not in self._signatures:
            params = ctypes.POINTER(ctypes.c_uint8)()
            results = ctypes.POINTER(ctypes.c_uint8)()
            np, nr = ctypes.c_size_t(), ctypes.c_size_t()
            err = take(_lib_.wsbx_sandbox_export_type(
                handle, name.encode(), ctypes.byref(params), ctypes.byref(np),
                ctypes.byref(results), ctypes.byref(nr)))
            self._signatures[name] = None if err else (
                tuple(params[i] for i in range(np.value)),
                tuple(results[i] for i in range(nr.value)))
        return self._signatures[name]

    def signature(self, name):
        """(params, results) of an exported function as type names, e.g.
        (["i32"], ["i32"]); an InvalidArgumentError if there is none."""
        with self._using() as handle:
            sig = self._signature(handle, name)
            if sig is None:
                raise invalid(f"no exported function {name!r}")
            return ([_lib.KIND_NAMES[k] for k in sig[0]],
                    [_lib.KIND_NAMES[k] for k in sig[1]])

    def call(self, name, *args):
        """Calls an exported function, converting the arguments by its
        signature. Returns None, the one result, or a tuple of results.
        Wrong argument counts or types raise InvalidArgumentError before
        any guest code runs."""
        with self._using() as handle:
            sig = self._signature(handle, name)
            if sig is None:  # the library's error lists the exports
                raise take(_lib_.wsbx_sandbox_call(
                    handle, name.encode(), None, 0, None, 0)) or invalid(
                        f"no exported function {name!r}")
            params, results = sig
            if len(args) != len(params):
                raise invalid(f"'{name}' is {_signature_text(*sig)}; called "
                              f"with {len(args)} argument(s)")
            vals = (_lib.Val * max(1, len(params)))()
            for i, (kind, value) in enumerate(zip(params, args)):
                to_c(kind, value, vals[i], f"argument {i} of '{name}'")
            out = (_lib.Val * max(1, len(results)))()
            pending_errors().clear()
            raise_pending(take(_lib_.wsbx_sandbox_call(
                handle, name.encode(), vals, len(params), out, len(results))))
            values = tuple(from_c(out[i]) for i in range(len(results)))
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def run(self):
        """Runs the WASI command's _start: its exit status (0 when _start
        returns, the proc_exit status otherwise). Traps, budgets and
        refusals raise their WsbxError."""
        with self._using() as handle:
            code = ctypes.c_int()
            pending_errors().clear()
            raise_pending(take(_lib_.wsbx_sandbox_run(handle,
                                                      ctypes.byref(code))))
            return code.value

    def interrupt(self):
        """Ends the running call with InterruptError within a few
        milliseconds. Any thread may call it; a call that starts later
        clears it."""
        with self._life:
            if self._handle is not None:
                _lib_.wsbx_sandbox_interrupt(self._handle)

    def reset(self):
        """Back to the state right after the build: memory, globals,
        tables, WASI descriptors, output, audit events and stats."""
        with self._using() as handle:
            raise_pending(take(_lib_.wsbx_sandbox_reset(handle)))

    def enable_fast_reset(self):
        """Keeps the current state as what reset() restores, copy-on-write:
        resets then take microseconds."""
        with self._using() as handle:
            raise_pending(take(_lib_.wsbx_sandbox_enable_fast_reset(handle)))

    # -- what it measured and captured ------------------------------------

    @property
    def stats(self):
        with self._using() as handle:
            c = _lib.StatsC()
            _lib_.wsbx_sandbox_stats(handle, ctypes.byref(c))
            calls = {}
            count = ctypes.c_uint64()
            for i in range(c.host_calls):
                name = _lib_.wsbx_sandbox_host_call(handle, i,
                                                    ctypes.byref(count))
                calls[name.decode(errors="replace")] = count.value
            return Stats(c.fuel_consumed, c.peak_memory_bytes,
                         c.memory_pages, c.stdout_bytes, c.stderr_bytes,
                         c.audit_events, c.last_call_ns, calls)

    def _captured(self, getter):
        with self._using() as handle:
            size = ctypes.c_size_t()
            data = getter(handle, ctypes.byref(size))
            return ctypes.string_at(data, size.value) if size.value else b""

    @property
    def stdout(self):
        """What the guest wrote to stdout (captured), as bytes."""
        return self._captured(_lib_.wsbx_sandbox_stdout)

    @property
    def stderr(self):
        return self._captured(_lib_.wsbx_sandbox_stderr)

    @property
    def audit_events(self):
        """The WASI layer's refusals so far, as AuditEvent objects."""
        with self._using() as handle:
            event = _lib.AuditEventC()
            return [AuditEvent._from_c(event) for i in
                    range(_lib_.wsbx_sandbox_audit_count(handle))
                    if _lib_.wsbx_sandbox_audit_event(handle, i,
                                                      ctypes.byref(event))]

    @property
    def exports(self):
        """Exported functions, e.g. ["fib: (i32) -> (i32)", ...]."""
        with self._using() as handle:
            return strings(_lib_.wsbx_sandbox_exports(handle))

    # -- lifetime ---------------------------------------------------------

    def close(self):
        """Frees the sandbox (a leased one goes back with its lease)."""
        if not self._lock.acquire(blocking=False):
            raise invalid("the sandbox is busy: it cannot be closed during "
                          "a call")
        try:
            with self._life:
                handle, self._handle = self._handle, None
        finally:
            self._lock.release()
        if handle and self._owned:
            _lib_.wsbx_sandbox_delete(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_owned", False) and self._handle:
            _lib_.wsbx_sandbox_delete(self._handle)
            self._handle = None


class Lease:
    """A sandbox on loan from a Pool: `with pool.acquire() as sandbox:`.
    Releasing it (leaving the with block) resets the sandbox and returns
    it; the Sandbox object is unusable afterwards."""

    def __init__(self, pool, handle):
        self._pool = pool
        self._handle = handle
        self.sandbox = Sandbox._leased(_lib_.wsbx_lease_sandbox(handle),
                                       pool._keep, pool._signatures)
        self.sandbox._lease = self  # the lease lasts while either is held

    def release(self):
        if not self._handle:
            return
        self.sandbox.close()  # refuses during a call in progress
        handle, self._handle = self._handle, None
        _lib_.wsbx_lease_release(handle)
        self._pool._count(-1)

    def __enter__(self):
        return self.sandbox

    def __exit__(self, *exc):
        self.release()

    def __del__(self):
        if getattr(self, "_handle", None):
            self.release()


class Pool:
    """`size` sandboxes of one configuration kept ready (the keyword
    arguments of Sandbox); each lease's sandbox is reset, copy-on-write,
    when it comes back. Thread-safe."""

    def __init__(self, module, size, **options):
        config = Config(module, **options)
        out = ctypes.c_void_p()
        try:
            pending_errors().clear()
            raise_pending(take(_lib_.wsbx_pool_new(
                config.handle, int(size), ctypes.byref(out))))
        finally:
            config.close()
        self._handle = out.value
        self._keep = config.keep
        self._signatures = {}
        self._leases = 0
        self._leases_lock = threading.Lock()

    def _count(self, delta):
        with self._leases_lock:
            self._leases += delta

    def acquire(self, timeout=None):
        """A Lease on a free sandbox, waiting up to `timeout` seconds (None:
        as long as it takes); ResourceError when none came in time."""
        if self._handle is None:
            raise invalid("the pool is closed")
        wait = -1 if timeout is None else max(0, int(timeout * 1e9))
        out = ctypes.c_void_p()
        raise_pending(take(_lib_.wsbx_pool_acquire(self._handle, wait,
                                                   ctypes.byref(out))))
        self._count(1)
        return Lease(self, out.value)

    @property
    def size(self):
        return _lib_.wsbx_pool_size(self._handle)

    @property
    def available(self):
        return _lib_.wsbx_pool_available(self._handle)

    @property
    def resets(self):
        return _lib_.wsbx_pool_resets(self._handle)

    def close(self):
        """Frees the pool; every lease must have been released."""
        if self._leases > 0:
            raise invalid(f"{self._leases} lease(s) of the pool are still out")
        handle, self._handle = self._handle, None
        if handle:
            _lib_.wsbx_pool_delete(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # Leases hold the pool: none can be out when it is collected.
        if getattr(self, "_handle", None):
            _lib_.wsbx_pool_delete(self._handle)
            self._handle = None


@dataclass
class RunResult:
    """What wsbx.run returns. `exit_code` is None when `error` ended the
    run (a trap, a budget, a load or link error, ...)."""
    stdout: bytes = b""
    stderr: bytes = b""
    exit_code: Optional[int] = None
    stats: Stats = field(default_factory=Stats)
    error: Optional[WsbxError] = None
    audit_events: list = field(default_factory=list)

    @property
    def ok(self):
        return self.error is None and self.exit_code == 0


def run(path, args=(), mem=None, timeout=None, dirs=None, env=None,
        stdin=None, fuel=None, policy="standard", max_output=None,
        **options):
    """Runs a WASI command once, its output captured.

    Arguments as Sandbox's (further keyword arguments go to it). A mistake
    in them raises InvalidArgumentError; whatever goes wrong in the library
    or the guest (an unreadable or invalid module, a missing import, a
    trap, a spent budget) is returned in RunResult.error instead.
    """
    config = Config(path, args=args, mem=mem, timeout=timeout, dirs=dirs,
                    env=env, stdin=stdin, fuel=fuel, policy=policy,
                    max_output=max_output, capture_output=True, **options)
    result = RunResult()
    try:
        sandbox = Sandbox._from_config(config)
    except WsbxError as e:
        result.error = e
        return result
    finally:
        config.close()
    with sandbox:
        try:
            result.exit_code = sandbox.run()
        except WsbxError as e:
            result.error = e
        result.stdout = sandbox.stdout
        result.stderr = sandbox.stderr
        result.stats = sandbox.stats
        result.audit_events = sandbox.audit_events
    return result
