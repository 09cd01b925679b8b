"""Python values to and from wsbx_val_t, by the kinds of a signature.

i32 and i64 are Python ints (signed when they come back; the unsigned range
is accepted going in), f32 and f64 floats, v128 an unsigned 128-bit int
(16 little-endian bytes are accepted going in), and references Ref objects
or None for null.
"""

import math
import operator

from . import _lib
from .errors import invalid


class Ref:
    """An opaque funcref or externref the guest handed out; None is null.

    Pass it back only to the sandbox it came from.
    """

    __slots__ = ("kind", "_token")

    def __init__(self, kind, token):
        self.kind = kind
        self._token = token

    def __repr__(self):
        return f"<wsbx.Ref {self.kind} {self._token:#x}>"

    def __eq__(self, other):
        return (isinstance(other, Ref) and other.kind == self.kind
                and other._token == self._token)

    def __hash__(self):
        return hash((self.kind, self._token))


def kind_of(name):
    """The wsbx_valkind_t for "i32", "i64", "f32", "f64", "v128",
    "funcref" or "externref" (or one already)."""
    if isinstance(name, int) and 0 <= name < len(_lib.KIND_NAMES):
        return name
    try:
        return _lib.KIND_NAMES.index(name)
    except ValueError:
        raise invalid(f"{name!r} is no wasm value type (one of "
                      f"{', '.join(_lib.KIND_NAMES)})") from None


def _integer(value, bits, what):
    if isinstance(value, float):
        raise invalid(f"{what} needs an int, got the float {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise invalid(f"{what} needs an int, got {type(value).__name__}") \
            from None
    if not -(1 << (bits - 1)) <= n < (1 << bits):
        raise invalid(f"{what}: {n} does not fit in {bits} bits")
    return n - (1 << bits) if n >= (1 << (bits - 1)) else n


def _real(value, what):
    if isinstance(value, (str, bytes, bytearray)) or value is None:
        raise invalid(f"{what} needs a float, got {type(value).__name__}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise invalid(f"{what} needs a float, got {type(value).__name__}") \
            from None


def to_c(kind, value, out, what="value"):
    """Stores `value` as a wasm value of `kind` in the wsbx_val_t `out`."""
    out.kind = kind
    if kind == _lib.I32:
        out.of.i32 = _integer(value, 32, what)
    elif kind == _lib.I64:
        out.of.i64 = _integer(value, 64, what)
    elif kind == _lib.F32:
        f = _real(value, what)
        if math.isfinite(f) and abs(f) > 3.4028234663852886e38:
            raise invalid(f"{what}: {f!r} is out of the range of f32")
        out.of.f32 = f
    elif kind == _lib.F64:
        out.of.f64 = _real(value, what)
    elif kind == _lib.V128:
        if isinstance(value, (bytes, bytearray)) and len(value) == 16:
            raw = bytes(value)
        else:
            n = _integer(value, 128, what) % (1 << 128)
            raw = n.to_bytes(16, "little")
        for i, b in enumerate(raw):
            out.of.v128[i] = b
    else:
        name = _lib.KIND_NAMES[kind]
        if value is None:
            out.of.ref = 0
        elif isinstance(value, Ref) and value.kind == name:
            out.of.ref = value._token
        else:
            raise invalid(f"{what} needs a {name} (a wsbx.Ref or None), "
                          f"got {type(value).__name__}")


def from_c(val):
    """The Python value of a wsbx_val_t."""
    kind = val.kind
    if kind == _lib.I32:
        return val.of.i32
    if kind == _lib.I64:
        return val.of.i64
    if kind == _lib.F32:
        return val.of.f32
    if kind == _lib.F64:
        return val.of.f64
    if kind == _lib.V128:
        return int.from_bytes(bytes(val.of.v128), "little")
    if kind in (_lib.FUNCREF, _lib.EXTERNREF):
        return Ref(_lib.KIND_NAMES[kind], val.of.ref) if val.of.ref else None
    raise invalid(f"a value of kind {kind}, which is no wasm value kind")
