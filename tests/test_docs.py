"""Every Python example in the README and the docs runs, and every public module is documented."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import jiesu

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _pages_with_examples() -> list[Path]:
    return [p for p in PAGES if _BLOCK.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", _pages_with_examples(), ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's blocks run in order in one namespace, like a reader typing them into one session."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_example"}
    blocks = _BLOCK.findall(page.read_text(encoding="utf-8"))
    for i, block in enumerate(blocks):
        where = f"{page.relative_to(ROOT)}#{i}"
        exec(compile(block, where, "exec"), namespace)  # noqa: S102 - running our own documentation
        namespace[f"_block_{i}_ran"] = True
    assert sum(key.startswith("_block_") for key in namespace) == len(blocks)


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(jiesu.__path__, prefix="jiesu."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or info.name == "jiesu.cli":
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("module", _public_modules())
def test_public_module_is_documented(module: str) -> None:
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    assert f"::: {module}" in docs, f"{module} has no reference page"
    mod = importlib.import_module(module)
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if not (inspect.isclass(obj) or inspect.isroutine(obj)):
            continue  # constants and type aliases are documented in the module docstring
        assert getattr(obj, "__doc__", None), f"{module}.{name} has no docstring"
