"""Finding libwsbx: $WSBX_LIBRARY, then pkg-config, then the dynamic
linker's search (ctypes.util.find_library); a clear ImportError otherwise.
Each case imports wsbx in a fresh interpreter."""

import os
import subprocess
import sys

import pytest

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOW = "import wsbx; print(wsbx.library_path)"


def _python(code, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in ("WSBX_LIBRARY", "PKG_CONFIG_PATH", "LD_LIBRARY_PATH")}
    base["PYTHONPATH"] = PACKAGE
    base.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run([sys.executable, "-c", code], env=base,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def library():
    return os.environ["WSBX_LIBRARY"]


def test_the_environment_variable_wins(library):
    r = _python(SHOW, WSBX_LIBRARY=library)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == library


def test_a_wrong_environment_variable_is_an_import_error(tmp_path):
    r = _python(SHOW, WSBX_LIBRARY=str(tmp_path / "libnothing.so"))
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "$WSBX_LIBRARY" in r.stderr
    assert "libnothing.so" in r.stderr


def test_pkg_config_names_the_libdir(library, tmp_path):
    libdir = os.path.dirname(library)
    (tmp_path / "wsbx.pc").write_text(
        f"libdir={libdir}\nName: wsbx\nDescription: test\nVersion: 0.1.0\n"
        f"Libs: -L${{libdir}} -lwsbx\n")
    r = _python(SHOW, PKG_CONFIG_LIBDIR=str(tmp_path))
    if r.returncode != 0 and "pkg-config" not in r.stderr:
        pytest.skip("no pkg-config on this machine")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == os.path.join(libdir, "libwsbx.so")


def test_the_dynamic_linker_search(library, tmp_path):
    libdir = os.path.dirname(library)
    probe = "import ctypes.util; print(ctypes.util.find_library('wsbx'))"
    found = _python(probe, PKG_CONFIG_LIBDIR=str(tmp_path),
                    LD_LIBRARY_PATH=libdir).stdout.strip()
    if found == "None":
        pytest.skip("ctypes.util.find_library does not search "
                    "LD_LIBRARY_PATH here")
    r = _python(SHOW, PKG_CONFIG_LIBDIR=str(tmp_path), LD_LIBRARY_PATH=libdir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == found


def test_nothing_found_says_what_to_do(tmp_path):
    probe = "import ctypes.util; print(ctypes.util.find_library('wsbx'))"
    if _python(probe).stdout.strip() != "None":
        pytest.skip("libwsbx is installed system-wide")
    r = _python(SHOW, PKG_CONFIG_LIBDIR=str(tmp_path))
    assert r.returncode != 0
    assert "ImportError: wsbx: cannot load libwsbx" in r.stderr
    assert "WSBX_LIBRARY" in r.stderr
