"""The exceptions of wsbx: one class per kind of wsbx_error_t.

Every error the library reports is a WsbxError with the C API's kind,
message, exit code and wasm backtrace. Catch WsbxError for all of them, or a
subclass for one kind; BudgetError covers both budgets, and TimeLimitError
is also a builtin TimeoutError.
"""

import builtins
from dataclasses import dataclass

from . import _lib


@dataclass(frozen=True)
class Frame:
    """One wasm frame of a trap's backtrace, innermost first."""
    func_index: int
    name: str  # from the name section or an export, else ""
    # Module offset of the instruction the frame was running (the trapping
    # one, or the active call); None when unknown.
    code_offset: "int | None" = None


class WsbxError(Exception):
    """An error from wsbx.

    Attributes: kind ("trap", "fuel", ...: the names of ERROR_KINDS), message,
    exit_code (for ExitError), backtrace (a list of Frame), is_guest_error
    (the guest caused it while running, as opposed to configuration,
    loading and linking).
    """

    kind = "error"

    def __init__(self, message, *, exit_code=0, backtrace=(),
                 is_guest_error=False, text=None):
        super().__init__(text or message)
        self.message = message
        self.exit_code = exit_code
        self.backtrace = list(backtrace)
        self.is_guest_error = is_guest_error


class InvalidArgumentError(WsbxError, ValueError):
    """A wrong value type or count, an unknown export, a bad setting."""
    kind = "invalid_argument"


class IoError(WsbxError):
    """A file could not be read."""
    kind = "io"


class LoadError(WsbxError):
    """The module is malformed, invalid or over a limit."""
    kind = "load"


class LinkError(WsbxError):
    """An import is missing or has another type."""
    kind = "link"


class TrapError(WsbxError):
    """The guest trapped, or a host function raised (see __cause__)."""
    kind = "trap"


class BudgetError(WsbxError):
    """A budget of the call was spent: its time or its fuel."""
    kind = "budget"


class TimeLimitError(BudgetError, builtins.TimeoutError):
    """The wall-clock budget (timeout) was spent."""
    kind = "timeout"


class FuelError(BudgetError):
    """The fuel budget was spent."""
    kind = "fuel"


class InterruptError(WsbxError):
    """Sandbox.interrupt() ended the call."""
    kind = "interrupted"


class ExitError(WsbxError):
    """The guest called proc_exit during call() (run() returns the status)."""
    kind = "exit"


class RefusedError(WsbxError):
    """The paranoid policy ended the guest on a refused WASI call."""
    kind = "refused"


class ResourceError(WsbxError):
    """A memory, stack or table cap; no free sandbox in a pool in time."""
    kind = "resource"


_BY_KIND = {
    "invalid_argument": InvalidArgumentError, "io": IoError,
    "load": LoadError, "link": LinkError, "trap": TrapError,
    "timeout": TimeLimitError, "fuel": FuelError,
    "interrupted": InterruptError, "exit": ExitError,
    "refused": RefusedError, "resource": ResourceError,
}


def _offset(raw):
    return None if raw < 0 else raw


def take(handle):
    """The exception for a wsbx_error_t* (freed here), or None for NULL."""
    if not handle:
        return None
    lib = _lib.lib
    try:
        code = lib.wsbx_error_kind(handle)
        kind = (_lib.ERROR_KINDS[code] if code < len(_lib.ERROR_KINDS)
                else "trap")
        frames = [
            Frame(lib.wsbx_error_frame_func_index(handle, i),
                  lib.wsbx_error_frame_name(handle, i).decode(errors="replace"),
                  _offset(lib.wsbx_error_frame_code_offset(handle, i)))
            for i in range(lib.wsbx_error_frame_count(handle))
        ]
        return _BY_KIND[kind](
            lib.wsbx_error_message(handle).decode(errors="replace"),
            exit_code=lib.wsbx_error_exit_code(handle),
            backtrace=frames,
            is_guest_error=lib.wsbx_error_is_guest_error(handle),
            text=lib.wsbx_error_to_string(handle).decode(errors="replace"))
    finally:
        lib.wsbx_error_delete(handle)


def check(handle):
    """Raises the exception for a wsbx_error_t*, if any."""
    error = take(handle)
    if error is not None:
        raise error


def invalid(message):
    return InvalidArgumentError(message, text="invalid argument: " + message)
