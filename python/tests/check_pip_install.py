"""Installs the package with pip into a temporary folder, offline (no
index: the in-tree build backend needs nothing downloaded), then imports
the installed copy in a fresh interpreter and runs a guest with it.

Usage: check_pip_install.py PYTHON_SOURCE_DIR   (WSBX_LIBRARY and
WSBX_TEST_FIB in the environment, as meson sets them)
"""

import os
import subprocess
import sys
import tempfile

CHECK = r"""
import os, sys, wsbx
target = sys.argv[1]
assert wsbx.__file__.startswith(target), wsbx.__file__
with wsbx.Sandbox(os.environ["WSBX_TEST_FIB"]) as sb:
    assert sb.call("fib", 20) == 6765
print("installed wsbx", wsbx.__version__, "from", os.path.dirname(wsbx.__file__))
"""


def main():
    source = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "site")
        env = dict(os.environ, PIP_NO_INPUT="1",
                   PIP_DISABLE_PIP_VERSION_CHECK="1")
        env.pop("PYTHONPATH", None)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-index", "--quiet",
             "--no-cache-dir", "--target", target, source],
            check=True, env=env, cwd=tmp)
        subprocess.run([sys.executable, "-c", CHECK, target], check=True,
                       env=dict(env, PYTHONPATH=target), cwd=tmp)
    print("ok: pip install --target, offline, then import")


if __name__ == "__main__":
    main()
