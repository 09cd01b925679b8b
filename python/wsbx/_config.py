"""What a sandbox is built from: Module, HostFunction, and the
wsbx_config_t filled from Sandbox's and Pool's keyword arguments.

Python callbacks (host functions, output and audit sinks) run on the thread
that called into the sandbox, with the GIL. Whatever they raise cannot
cross the C library: it is kept per thread and raised again once the call
returns (raise_pending).
"""

import ctypes
import os
import threading
from dataclasses import dataclass

from . import _lib
from ._values import from_c, kind_of, to_c
from .errors import check, invalid

_lib_ = _lib.lib

# Exceptions raised by Python callbacks during a call on this thread, to be
# raised again once the call returns (they cannot cross the C library).
_pending = threading.local()


def pending_errors():
    errors = getattr(_pending, "errors", None)
    if errors is None:
        errors = _pending.errors = []
    return errors


def raise_pending(error):
    """Raises what a callback raised, or `error` (a WsbxError or None)."""
    errors = pending_errors()
    raised = errors[0] if errors else None
    errors.clear()
    if raised is not None and not isinstance(raised, Exception):
        raise raised  # KeyboardInterrupt, SystemExit: as they were
    if error is not None:
        if raised is not None:
            raise error from raised
        raise error
    if raised is not None:
        raise raised


def parse_size(value, what="size"):
    """Bytes from an int or a string such as "64M", "1.5GiB" or "4096";
    k, M, G and T are powers of 1024."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise invalid(f"{what} must not be negative")
        return value
    if isinstance(value, str):
        s = value.strip().lower()
        for suffix in ("ib", "b"):
            if s.endswith(suffix) and len(s) > len(suffix):
                s = s[:-len(suffix)]
                break
        scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
        factor = scale.get(s[-1:], 1)
        if s[-1:] in scale:
            s = s[:-1]
        try:
            number = float(s.strip())
        except ValueError:
            number = -1
        if number >= 0:
            return int(number * factor)
    raise invalid(f"{what}: {value!r} is no size (an int, or a string such "
                  f"as '64M')")


@dataclass(frozen=True)
class AuditEvent:
    """One refusal or other security-relevant event of the WASI layer."""
    function: str
    path: str
    errno_name: str
    reason: str
    json: str

    @classmethod
    def _from_c(cls, e):
        def s(b):
            return b.decode(errors="replace") if b else ""
        return cls(s(e.function), s(e.path), s(e.errno_name), s(e.reason),
                   s(e.json))


class HostFunction:
    """A Python callable the guest may import as `module`.`name`.

    `params` and `results` are wasm types ("i32", "i64", "f32", "f64",
    ...). The callable gets one Python value per parameter and returns
    None, one value, or a tuple of values. An exception it raises ends the
    guest's call with a TrapError whose __cause__ is that exception.
    """

    def __init__(self, module, name, fn, params=(), results=()):
        if not callable(fn):
            raise invalid(f"host function {module}.{name} is not callable")
        self.module, self.name, self.fn = module, name, fn
        self.params = [kind_of(k) for k in params]
        self.results = [kind_of(k) for k in results]

    def _callback(self):
        nres = len(self.results)

        def call(_env, args, nargs, results, nresults):
            try:
                values = [from_c(args[i]) for i in range(nargs)]
                out = self.fn(*values)
                if nres == 0:
                    return None
                out = (out,) if nres == 1 else tuple(out)
                if len(out) != nresults:
                    raise invalid(f"{self.name} returned {len(out)} values "
                                  f"for {nresults} results")
                for i, v in enumerate(out):
                    to_c(results[i].kind, v, results[i],
                         f"result {i} of {self.name}")
                return None
            except BaseException as e:  # noqa: B902 - must not cross C
                pending_errors().append(e)
                text = f"{type(e).__name__}: {e}".encode(errors="replace")
                return _lib_.wsbx_error_new(text)

        return _lib.HOST_CALLBACK(call)


def _host_function(spec):
    if isinstance(spec, HostFunction):
        return spec
    if isinstance(spec, tuple) and len(spec) == 5:
        return HostFunction(*spec)
    raise invalid("a host function is a wsbx.HostFunction or a tuple "
                  "(module, name, fn, params, results)")


class Module:
    """A module decoded, validated and compiled once, for any number of
    sandboxes and pools on any threads."""

    def __init__(self, source):
        out = ctypes.c_void_p()
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            check(_lib_.wsbx_module_new(data, len(data), ctypes.byref(out)))
            self.path = None
        else:
            self.path = os.fspath(source)
            check(_lib_.wsbx_module_from_file(os.fsencode(self.path),
                                              ctypes.byref(out)))
        self._handle = out.value

    @classmethod
    def from_file(cls, path):
        return cls(os.fspath(path))

    @classmethod
    def from_bytes(cls, data):
        return cls(bytes(data))

    @property
    def exports(self):
        """Exported functions, e.g. ["fib: (i32) -> (i32)", ...]."""
        return strings(_lib_.wsbx_module_exports(self._handle))

    def __del__(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _lib_.wsbx_module_delete(handle)


def strings(handle):
    try:
        return [_lib_.wsbx_strings_get(handle, i).decode(errors="replace")
                for i in range(_lib_.wsbx_strings_size(handle))]
    finally:
        _lib_.wsbx_strings_delete(handle)


class Config:
    """A wsbx_config_t filled from keyword arguments, and the Python
    objects (callbacks, modules) it needs kept alive."""

    def __init__(self, module, *, policy="standard", mem=None, fuel=None,
                 timeout=None, stack=None, call_depth=None,
                 table_elements=None, args=(), program=None, env=None,
                 dirs=None, stdin=None, capture_output=True, on_stdout=None,
                 on_stderr=None, max_output=None, on_audit=None,
                 host_functions=()):
        self.keep = []
        self.handle = _lib_.wsbx_config_new()
        h = self.handle
        program = self._set_module(module, program)
        if policy not in _lib.POLICIES:
            raise invalid(f"policy {policy!r} is none of "
                          f"{', '.join(_lib.POLICIES)}")
        _lib_.wsbx_config_set_policy(h, _lib.POLICIES[policy])
        if mem is not None:
            _lib_.wsbx_config_set_memory_limit(h, parse_size(mem, "mem"))
        if fuel is not None:
            _lib_.wsbx_config_set_fuel(h, _count(fuel, "fuel"))
        if timeout is not None:
            if not isinstance(timeout, (int, float)) or timeout < 0:
                raise invalid(f"timeout: {timeout!r} is no number of seconds")
            _lib_.wsbx_config_set_timeout_ns(h, int(timeout * 1e9))
        if stack is not None:
            _lib_.wsbx_config_set_stack_limit(h, parse_size(stack, "stack"))
        if call_depth is not None:
            _lib_.wsbx_config_set_max_call_depth(
                h, _count(call_depth, "call_depth"))
        if table_elements is not None:
            _lib_.wsbx_config_set_max_table_elements(
                h, _count(table_elements, "table_elements"))
        self._set_wasi(program, args, env, dirs, stdin)
        self._set_output(capture_output, on_stdout, on_stderr, max_output)
        if on_audit is not None:
            def audit(_user, event):
                try:
                    on_audit(AuditEvent._from_c(event.contents))
                except BaseException as e:  # noqa: B902 - must not cross C
                    pending_errors().append(e)
            cb = _lib.AUDIT_CALLBACK(audit)
            self.keep.append(cb)
            _lib_.wsbx_config_set_audit_callback(h, cb, None, None)
        for spec in host_functions:
            self._add_host(_host_function(spec))

    def _set_module(self, module, program):
        h = self.handle
        if isinstance(module, Module):
            _lib_.wsbx_config_set_module(h, module._handle)
            self.keep.append(module)
            return program
        if isinstance(module, (bytes, bytearray, memoryview)):
            data = bytes(module)
            _lib_.wsbx_config_set_module_bytes(h, data, len(data))
            return program
        path = os.fspath(module)
        _lib_.wsbx_config_set_module_file(h, os.fsencode(path))
        return program if program is not None else os.path.basename(path)

    def _set_wasi(self, program, args, env, dirs, stdin):
        h = self.handle
        if isinstance(args, (str, bytes)):
            raise invalid("args is a sequence of strings, not one string")
        argv = [program or "main"] + [str(a) for a in args]
        arr = (ctypes.c_char_p * len(argv))(*[a.encode() for a in argv])
        _lib_.wsbx_config_set_argv(h, len(argv), arr)
        pairs = env.items() if isinstance(env, dict) else (env or ())
        for name, value in pairs:
            _lib_.wsbx_config_push_env(h, str(name).encode(),
                                       str(value).encode())
        for host, guest, read_only in _dirs(dirs):
            _lib_.wsbx_config_preopen_dir(h, os.fsencode(host),
                                          guest.encode(), read_only)
        if stdin is not None:
            data = stdin.encode() if isinstance(stdin, str) else bytes(stdin)
            _lib_.wsbx_config_set_stdin(h, data, len(data))

    def _set_output(self, capture, on_stdout, on_stderr, max_output):
        h = self.handle
        _lib_.wsbx_config_capture_output(h, bool(capture))
        for sink, setter in ((on_stdout, _lib_.wsbx_config_set_stdout_callback),
                             (on_stderr, _lib_.wsbx_config_set_stderr_callback)):
            if sink is None:
                continue
            cb = _lib.OUTPUT_CALLBACK(_output(sink))
            self.keep.append(cb)
            setter(h, cb, None, None)
        if max_output is not None:
            _lib_.wsbx_config_set_max_output(
                h, parse_size(max_output, "max_output"))

    def _add_host(self, hf):
        cb = hf._callback()
        self.keep.append(cb)
        params = (ctypes.c_uint8 * max(1, len(hf.params)))(*hf.params)
        results = (ctypes.c_uint8 * max(1, len(hf.results)))(*hf.results)
        _lib_.wsbx_config_add_host_func(
            self.handle, hf.module.encode(), hf.name.encode(), params,
            len(hf.params), results, len(hf.results), cb, None, None)

    def close(self):
        handle, self.handle = self.handle, None
        if handle:
            _lib_.wsbx_config_delete(handle)

    def __del__(self):
        self.close()


def _output(sink):
    def write(_user, data, size):
        try:
            sink(ctypes.string_at(data, size))
        except BaseException as e:  # noqa: B902 - must not cross C
            pending_errors().append(e)
    return write


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(f"{what}: {value!r} is no count")
    return value


def _dirs(dirs):
    """(host, guest, read_only) triples from a dict host -> guest (granted
    read-write, as the CLI's --dir) or a list of pairs or triples."""
    if dirs is None:
        return []
    items = dirs.items() if isinstance(dirs, dict) else dirs
    out = []
    for item in items:
        item = tuple(item)
        if len(item) == 2:
            item = item + (False,)
        if len(item) != 3:
            raise invalid(f"dirs: {item!r} is not (host, guest[, read_only])")
        host, guest, read_only = item
        out.append((os.fspath(host), str(guest), bool(read_only)))
    return out
