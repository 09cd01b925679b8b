"""Python values to and from wsbx_val_t (python/wsbx/_values.py), and the
layout of the ctypes mirror of wsbx.h's structs."""

import ctypes
import math

import pytest

import wsbx
from wsbx import _lib
from wsbx._values import from_c, kind_of, to_c


def roundtrip(kind, value):
    val = _lib.Val()
    to_c(kind_of(kind), value, val)
    return from_c(val)


def test_layout_matches_wsbx_h():
    # kind (uint8_t), then the 8-aligned union of 16 bytes.
    assert ctypes.sizeof(_lib.Val) == 24
    assert _lib.Val.of.offset == 8
    assert ctypes.sizeof(_lib.StatsC) == 8 * 8
    assert ctypes.sizeof(_lib.AuditEventC) == 5 * ctypes.sizeof(ctypes.c_void_p)


def test_integers_wrap_to_signed():
    assert roundtrip("i32", 7) == 7
    assert roundtrip("i32", 2**32 - 1) == -1
    assert roundtrip("i32", -2**31) == -2**31
    assert roundtrip("i64", 2**64 - 2) == -2
    assert roundtrip("i32", True) == 1
    for bad in (2**32, -2**31 - 1):
        with pytest.raises(wsbx.InvalidArgumentError, match="fit"):
            roundtrip("i32", bad)
    with pytest.raises(wsbx.InvalidArgumentError):
        roundtrip("i64", 1.0)


def test_floats():
    assert roundtrip("f64", 0.1) == 0.1
    assert roundtrip("f64", 3) == 3.0
    assert roundtrip("f32", 0.5) == 0.5
    assert roundtrip("f32", 0.1) == pytest.approx(0.1, rel=1e-7)
    assert math.isinf(roundtrip("f32", math.inf))
    assert math.isnan(roundtrip("f64", math.nan))
    with pytest.raises(wsbx.InvalidArgumentError, match="range of f32"):
        roundtrip("f32", 1e39)
    with pytest.raises(wsbx.InvalidArgumentError):
        roundtrip("f64", "1.0")


def test_v128_is_an_unsigned_int_or_16_bytes():
    n = 0x0102030405060708090A0B0C0D0E0F10
    assert roundtrip("v128", n) == n
    assert roundtrip("v128", -1) == 2**128 - 1
    raw = bytes(range(16))
    assert roundtrip("v128", raw) == int.from_bytes(raw, "little")
    val = _lib.Val()
    to_c(_lib.V128, 1, val)
    assert bytes(val.of.v128) == b"\x01" + b"\x00" * 15  # little-endian


def test_references_are_opaque():
    assert roundtrip("funcref", None) is None
    val = _lib.Val()
    val.kind = _lib.EXTERNREF
    val.of.ref = 0x1234
    ref = from_c(val)
    assert isinstance(ref, wsbx.Ref) and ref.kind == "externref"
    assert roundtrip("externref", ref) == ref
    with pytest.raises(wsbx.InvalidArgumentError):
        roundtrip("funcref", ref)  # another kind
    with pytest.raises(wsbx.InvalidArgumentError):
        roundtrip("externref", 0x1234)  # no forging from ints


def test_kind_names():
    assert [kind_of(n) for n in _lib.KIND_NAMES] == list(range(7))
    for k, name in enumerate(_lib.KIND_NAMES):
        assert _lib.lib.wsbx_valkind_name(k).decode() == name
    # ERROR_KINDS follows wsbx.h's order: the library's names agree.
    c_names = [_lib.lib.wsbx_error_kind_name(k).decode()
               for k in range(len(_lib.ERROR_KINDS))]
    assert c_names == ["invalid argument", "i/o error", "load error",
                       "link error", "trap", "timeout", "fuel exhausted",
                       "interrupted", "exit", "refused", "resource limit"]
    assert _lib.lib.wsbx_error_kind_name(len(_lib.ERROR_KINDS)) == b"?"
    with pytest.raises(wsbx.InvalidArgumentError):
        kind_of("int")
