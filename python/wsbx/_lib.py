"""Finds libwsbx and declares the C API (include/wsbx/wsbx.h) for ctypes.

The library is looked up, in order, at $WSBX_LIBRARY, in the libdir that
`pkg-config --variable=libdir wsbx` names, and by ctypes.util.find_library.
The declarations below mirror wsbx.h one for one; keep them in step.
"""

import ctypes
import ctypes.util
import glob
import os
import subprocess
from ctypes import (CFUNCTYPE, POINTER, Structure, Union, c_bool, c_char,
                    c_char_p, c_double, c_float, c_int, c_int32, c_int64,
                    c_size_t, c_uint8, c_uint32, c_uint64, c_void_p)

# Value kinds (wsbx_valkind_t).
I32, I64, F32, F64, V128, FUNCREF, EXTERNREF = range(7)
KIND_NAMES = ("i32", "i64", "f32", "f64", "v128", "funcref", "externref")

# Error kinds (wsbx_error_kind_t), in the order of wsbx.h.
ERROR_KINDS = ("invalid_argument", "io", "load", "link", "trap", "timeout",
               "fuel", "interrupted", "exit", "refused", "resource")

POLICIES = {"standard": 0, "strict": 1, "paranoid": 2}


class _ValUnion(Union):
    _fields_ = [("i32", c_int32), ("i64", c_int64), ("f32", c_float),
                ("f64", c_double), ("v128", c_uint8 * 16), ("ref", c_uint64)]


class Val(Structure):
    _fields_ = [("kind", c_uint8), ("of", _ValUnion)]


class AuditEventC(Structure):
    _fields_ = [("function", c_char_p), ("path", c_char_p),
                ("errno_name", c_char_p), ("reason", c_char_p),
                ("json", c_char_p)]


class StatsC(Structure):
    _fields_ = [("fuel_consumed", c_uint64), ("peak_memory_bytes", c_uint64),
                ("memory_pages", c_uint64), ("stdout_bytes", c_uint64),
                ("stderr_bytes", c_uint64), ("audit_events", c_uint64),
                ("last_call_ns", c_uint64), ("host_calls", c_size_t)]


OUTPUT_CALLBACK = CFUNCTYPE(None, c_void_p, POINTER(c_char), c_size_t)
AUDIT_CALLBACK = CFUNCTYPE(None, c_void_p, POINTER(AuditEventC))
HOST_CALLBACK = CFUNCTYPE(c_void_p, c_void_p, POINTER(Val), c_size_t,
                          POINTER(Val), c_size_t)

_P = c_void_p  # every handle is opaque
_PP = POINTER(c_void_p)

# name: (result type, argument types)
_SIGNATURES = {
    "wsbx_valkind_name": (c_char_p, [c_uint8]),
    "wsbx_error_new": (_P, [c_char_p]),
    "wsbx_error_delete": (None, [_P]),
    "wsbx_error_kind": (c_uint8, [_P]),
    "wsbx_error_kind_name": (c_char_p, [c_uint8]),
    "wsbx_error_message": (c_char_p, [_P]),
    "wsbx_error_to_string": (c_char_p, [_P]),
    "wsbx_error_exit_code": (c_int, [_P]),
    "wsbx_error_is_guest_error": (c_bool, [_P]),
    "wsbx_error_frame_count": (c_size_t, [_P]),
    "wsbx_error_frame_func_index": (c_uint32, [_P, c_size_t]),
    "wsbx_error_frame_name": (c_char_p, [_P, c_size_t]),
    "wsbx_error_frame_code_offset": (c_int64, [_P, c_size_t]),
    "wsbx_strings_size": (c_size_t, [_P]),
    "wsbx_strings_get": (c_char_p, [_P, c_size_t]),
    "wsbx_strings_delete": (None, [_P]),
    "wsbx_module_new": (_P, [c_char_p, c_size_t, _PP]),
    "wsbx_module_from_file": (_P, [c_char_p, _PP]),
    "wsbx_module_delete": (None, [_P]),
    "wsbx_module_exports": (_P, [_P]),
    "wsbx_config_new": (_P, []),
    "wsbx_config_delete": (None, [_P]),
    "wsbx_config_set_module_bytes": (None, [_P, c_char_p, c_size_t]),
    "wsbx_config_set_module_file": (None, [_P, c_char_p]),
    "wsbx_config_set_module": (None, [_P, _P]),
    "wsbx_config_set_policy": (None, [_P, c_int]),
    "wsbx_config_set_memory_limit": (None, [_P, c_uint64]),
    "wsbx_config_set_fuel": (None, [_P, c_uint64]),
    "wsbx_config_set_timeout_ns": (None, [_P, c_uint64]),
    "wsbx_config_set_stack_limit": (None, [_P, c_uint64]),
    "wsbx_config_set_max_call_depth": (None, [_P, c_uint32]),
    "wsbx_config_set_max_table_elements": (None, [_P, c_uint64]),
    "wsbx_config_set_argv": (None, [_P, c_size_t, POINTER(c_char_p)]),
    "wsbx_config_push_env": (None, [_P, c_char_p, c_char_p]),
    "wsbx_config_preopen_dir": (None, [_P, c_char_p, c_char_p, c_bool]),
    "wsbx_config_set_stdin": (None, [_P, c_char_p, c_size_t]),
    "wsbx_config_capture_output": (None, [_P, c_bool]),
    "wsbx_config_set_stdout_callback":
        (None, [_P, OUTPUT_CALLBACK, c_void_p, c_void_p]),
    "wsbx_config_set_stderr_callback":
        (None, [_P, OUTPUT_CALLBACK, c_void_p, c_void_p]),
    "wsbx_config_set_max_output": (None, [_P, c_uint64]),
    "wsbx_config_set_audit_callback":
        (None, [_P, AUDIT_CALLBACK, c_void_p, c_void_p]),
    "wsbx_config_add_host_func":
        (None, [_P, c_char_p, c_char_p, POINTER(c_uint8), c_size_t,
                POINTER(c_uint8), c_size_t, HOST_CALLBACK, c_void_p,
                c_void_p]),
    "wsbx_sandbox_new": (_P, [_P, _PP]),
    "wsbx_sandbox_delete": (None, [_P]),
    "wsbx_sandbox_run": (_P, [_P, POINTER(c_int)]),
    "wsbx_sandbox_call":
        (_P, [_P, c_char_p, POINTER(Val), c_size_t, POINTER(Val), c_size_t]),
    "wsbx_sandbox_export_type":
        (_P, [_P, c_char_p, POINTER(POINTER(c_uint8)), POINTER(c_size_t),
              POINTER(POINTER(c_uint8)), POINTER(c_size_t)]),
    "wsbx_sandbox_exports": (_P, [_P]),
    "wsbx_sandbox_interrupt": (None, [_P]),
    "wsbx_sandbox_stats": (None, [_P, POINTER(StatsC)]),
    "wsbx_sandbox_host_call": (c_char_p, [_P, c_size_t, POINTER(c_uint64)]),
    "wsbx_sandbox_stdout": (c_void_p, [_P, POINTER(c_size_t)]),
    "wsbx_sandbox_stderr": (c_void_p, [_P, POINTER(c_size_t)]),
    "wsbx_sandbox_audit_count": (c_size_t, [_P]),
    "wsbx_sandbox_audit_event": (c_bool, [_P, c_size_t, POINTER(AuditEventC)]),
    "wsbx_sandbox_reset": (_P, [_P]),
    "wsbx_sandbox_enable_fast_reset": (_P, [_P]),
    "wsbx_pool_new": (_P, [_P, c_size_t, _PP]),
    "wsbx_pool_delete": (None, [_P]),
    "wsbx_pool_acquire": (_P, [_P, c_int64, _PP]),
    "wsbx_lease_sandbox": (_P, [_P]),
    "wsbx_lease_release": (None, [_P]),
    "wsbx_pool_size": (c_size_t, [_P]),
    "wsbx_pool_available": (c_size_t, [_P]),
    "wsbx_pool_resets": (c_uint64, [_P]),
}


def _pkg_config_candidates():
    try:
        out = subprocess.run(
            ["pkg-config", "--variable=libdir", "wsbx"], capture_output=True,
            text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    libdir = out.stdout.strip()
    if out.returncode != 0 or not libdir:
        return []
    exact = os.path.join(libdir, "libwsbx.so")
    return [exact] + sorted(glob.glob(exact + ".*"))


def _candidates():
    """(where it came from, path) pairs, best first."""
    env = os.environ.get("WSBX_LIBRARY")
    if env:
        # An explicit choice is final: no silent fallback to another copy.
        return [("$WSBX_LIBRARY", env)]
    found = [("pkg-config", p) for p in _pkg_config_candidates()]
    name = ctypes.util.find_library("wsbx")
    if name:
        found.append(("ctypes.util.find_library", name))
    return found


def _load():
    tried = []
    for origin, path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{origin}: {path}: {e}")
            continue
        try:
            for name, (restype, argtypes) in _SIGNATURES.items():
                fn = getattr(lib, name)
                fn.restype = restype
                fn.argtypes = argtypes
        except AttributeError as e:
            tried.append(f"{origin}: {path}: not the wsbx C API ({e})")
            continue
        return lib, path
    detail = "; ".join(tried) if tried else "nothing found"
    raise ImportError(
        "wsbx: cannot load libwsbx (" + detail + "). Set WSBX_LIBRARY to "
        "the path of libwsbx.so, or install wsbx where pkg-config or the "
        "dynamic linker finds it (PKG_CONFIG_PATH, LD_LIBRARY_PATH).")


lib, path = _load()
