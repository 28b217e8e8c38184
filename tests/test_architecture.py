"""The server's shape: small modules, layers that import only downwards, public APIs only.

Domain packages (board, phases, workshops) know nothing of delivery or the web framework
and import each other without a loop; nothing reaches into another library's private
attributes; only the command line knows which ASGI server runs the app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
MAX_LINES = 400
DOMAIN = ("app.board", "app.phases", "app.workshops", "app.toolkit")
# The domain packages in import order: each may import those before it, never after.
DOMAIN_ORDER = ("app.phases", "app.board", "app.workshops")
BASE = ("app.config", "app.json_text", "app.errors", "app.principal", "app.schema",
        "app.db", "app.sqlite_writer", "app.eventlog", "app.gc_tuning", "app.protocol",
        "app.migrations", "app.network", "app.client_address", "app.throttle", "app.periodic",
        "app.i18n")
DELIVERY_AND_UP = ("app.realtime", "app.api", "app.main", "app.http", "app.services",
                   "app.cli", "app.auth")
WEB_FRAMEWORKS = ("fastapi", "starlette", "uvicorn", "hypercorn")


def modules() -> list[tuple[str, Path, ast.Module]]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        name = ".".join(("app", *path.relative_to(APP).with_suffix("").parts))
        found.append((name.removesuffix(".__init__"), path, ast.parse(path.read_text())))
    return found


def imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


MODULES = modules()


@pytest.mark.parametrize(("name", "path"), [(n, p) for n, p, _ in MODULES])
def test_no_module_is_over_four_hundred_lines(name: str, path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES, name


def test_domain_packages_import_neither_delivery_nor_the_web_framework() -> None:
    wrong = [(name, imported) for name, _, tree in MODULES if within(name, DOMAIN)
             for imported in imports(tree)
             if within(imported, DELIVERY_AND_UP) or within(imported, WEB_FRAMEWORKS)]
    assert wrong == []


def test_the_base_layer_imports_no_domain_delivery_or_web_code() -> None:
    wrong = [(name, imported) for name, _, tree in MODULES if within(name, BASE)
             for imported in imports(tree)
             if within(imported, DOMAIN) or within(imported, DELIVERY_AND_UP)
             or within(imported, WEB_FRAMEWORKS)]
    assert wrong == []


def test_domain_packages_import_each_other_only_downwards() -> None:
    wrong = []
    for name, _, tree in MODULES:
        if not within(name, DOMAIN_ORDER):
            continue
        mine = next(i for i, p in enumerate(DOMAIN_ORDER) if within(name, (p,)))
        for imported in imports(tree):
            later = [p for p in DOMAIN_ORDER[mine + 1:] if within(imported, (p,))]
            if later:
                wrong.append((name, imported))
    assert wrong == []


def test_delivery_imports_no_api_or_web_framework() -> None:
    wrong = [(name, imported) for name, _, tree in MODULES if within(name, ("app.realtime",))
             for imported in imports(tree)
             if within(imported, ("app.api", "app.main", "app.cli"))
             or within(imported, WEB_FRAMEWORKS)]
    assert wrong == []


def test_only_the_command_line_knows_the_asgi_server() -> None:
    wrong = [name for name, _, tree in MODULES if name != "app.cli"
             for imported in imports(tree) if within(imported, ("uvicorn", "hypercorn"))]
    assert wrong == []


def test_no_private_attribute_of_another_object_is_touched() -> None:
    """``x._name`` only on self or cls: never on another library's objects."""
    wrong = []
    for name, _, tree in MODULES:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                wrong.append(f"{name}:{node.lineno} .{node.attr}")
    assert wrong == []
