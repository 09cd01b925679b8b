"""Runs the examples of docs/python.md, in order and in one namespace, in
a folder where the guests they name (fib.wasm, tool.wasm, calc.wasm) are
links to the guests meson built."""

import os
import re

import pytest

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "docs", "python.md")


def _examples():
    with open(DOC, encoding="utf-8") as f:
        return re.findall(r"^```python\n(.*?)^```", f.read(), re.M | re.S)


def test_the_doc_has_examples():
    assert len(_examples()) >= 6


def test_the_examples_run(tmp_path, monkeypatch, fib_path, tool_path,
                          calc_path):
    for name, target in (("fib.wasm", fib_path), ("tool.wasm", tool_path),
                         ("calc.wasm", calc_path)):
        os.symlink(target, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_python_md"}
    for i, code in enumerate(_examples()):
        try:
            exec(compile(code, f"docs/python.md example {i + 1}", "exec"),
                 namespace)
        except Exception as e:  # say which example, keep the traceback
            pytest.fail(f"example {i + 1} of docs/python.md: {e!r}\n{code}")
