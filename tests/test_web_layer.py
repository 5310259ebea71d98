"""The shared web layer sits below every app: any app may import it, it imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import web

OUR_APPS = ("athletes", "activities", "checkins", "plans", "conversations", "config")
ROOT = Path(web.__file__).parents[1]
WEB_MODULES = sorted((ROOT / "web").rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_web_layer_has_modules():
    assert {p.name for p in WEB_MODULES} >= {"weeks.py", "forms.py", "pagination.py"}


@pytest.mark.parametrize("path", WEB_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_web_layer_imports_none_of_our_apps(path):
    ours = {name for name in imported_modules(path) if name.split(".")[0] in OUR_APPS}

    assert ours == set()
