"""The folders of function/ are layers, and imports only point down them.

api (the models and rules) is at the bottom and knows nothing of gRPC; render
turns a validated spec into plain dicts; safety judges the rendered Table; compose
is the pure pipeline; serve (gRPC) and generate (XRDs, docs) sit on it; the command
line is on top. A module importing from a higher layer fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT

PACKAGE = ROOT / "function"

# Lower number = lower layer. A module may import its own layer and any lower one.
LAYERS: dict[str, int] = {
    "function.__version__": 0,
    "function.api": 0,
    "function.render": 1,
    "function.safety": 2,
    "function.compose": 3,
    "function.serve": 4,
    "function.generate": 4,
    "function.offline": 5,
    "function.main": 6,
}
# Nothing below the edge may speak gRPC or protobuf.
EDGE_ONLY = ("grpc", "google.protobuf", "crossplane.function")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int | None:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix]
    return None


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if node.module == "function":
                names.extend(f"function.{a.name}" for a in node.names)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _module_name(p) != "function")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    module = _module_name(path)
    own = _layer(module)
    assert own is not None, f"{module} is in no layer: add its folder to LAYERS"
    upward = [
        name
        for name in _imports(path)
        if name.startswith("function.") and (_layer(name) or 0) > own
    ]
    assert not upward, f"{module} (layer {own}) imports from a higher layer: {upward}"


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if (_layer(_module_name(p)) or 0) < LAYERS["function.serve"]],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_core_knows_no_grpc(path: Path) -> None:
    edge = [n for n in _imports(path) if n.startswith(EDGE_ONLY)]
    assert not edge, f"{_module_name(path)} imports the gRPC edge: {edge}"


def test_every_folder_is_a_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {f"function.{f}" for f in folders} <= set(LAYERS)
