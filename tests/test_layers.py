"""The layers of docs/architecture.md, checked on the source: corpus → ingest → assistant → eval / app.

Every import counts, also the ones inside functions. A module may import its own layer and the
layers below; the page (``assistant.page``) and the notes (``assistant.notes``) are used only by
``app.py`` (and by themselves); no module imports another module's private (``_name``) names;
every package declares its public surface in ``__all__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "ingest", "assistant", "eval")
RANK = {"corpus": 0, "ingest": 1, "assistant": 2, "assistant.page": 3, "assistant.notes": 3, "eval": 3, "app": 4}
APP_ONLY = ("assistant.page", "assistant.notes")


def layer(module: str) -> str | None:
    """The layer a dotted module name belongs to (None: not the project's)."""
    for name in sorted(RANK, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str) -> list[tuple[str, tuple[str, ...]]]:
    """(imported module, imported names) for every import statement of ``source``, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            base = node.module or ""
            if node.level:  # relative import: resolve against the importing package
                package = module.split(".")[: len(module.split(".")) - node.level]
                base = ".".join([*package, *([base] if base else [])])
            names = tuple(alias.name for alias in node.names)
            found.append((base, names))
            # "from assistant import render" imports the module assistant.render
            found += [(f"{base}.{name}", ()) for name in names if layer(f"{base}.{name}") != layer(base)]
    return found


def violations(module: str, source: str) -> list[str]:
    mine = layer(module)
    if mine is None:
        return []
    problems = []
    for target, names in imports(source, module):
        theirs = layer(target)
        if theirs is None:
            continue
        if RANK[theirs] > RANK[mine]:
            problems.append(f"{module} imports {target}: {theirs} is above {mine}")
        if theirs in APP_ONLY and mine not in (theirs, "app"):
            problems.append(f"{module} imports {target}: {theirs} is for app.py only")
        if mine in APP_ONLY and theirs == "eval":
            problems.append(f"{module} imports {target}: the page and the notes never use the eval")
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private and target != module:
            problems.append(f"{module} imports private names {private} from {target}")
    return problems


def sources() -> list[Path]:
    return sorted([ROOT / "app.py", *(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))])


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_respect_the_layers(path: Path) -> None:
    assert violations(module_name(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("package", sorted({p.parent for p in sources() if p.name == "__init__.py"}))
def test_every_package_declares_its_surface(package: Path) -> None:
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    declared = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert declared, f"{package.relative_to(ROOT)}/__init__.py has no __all__"
    names = ast.literal_eval(declared[0].value)
    missing = [n for n in names if not (package / f"{n}.py").exists() and not (package / n).is_dir()]
    assert missing == [], f"__all__ of {package.name} names modules that do not exist: {missing}"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("ingest.build", "from assistant.index import Index", "above"),
        ("corpus.settings", "def f():\n    import eval.cases", "above"),
        ("assistant.assistant", "from assistant.page import render", "app.py only"),
        ("eval.runner", "from assistant.notes.policy_note import draft", "app.py only"),
        ("assistant.llm", "from assistant.compose import _heading", "private"),
        ("assistant.page.render", "from eval.cases import load_cases", "never use the eval"),
        ("app", "from assistant import page", ""),
    ],
)
def test_the_checker_catches_what_it_should(module: str, source: str, expected: str) -> None:
    found = violations(module, source)
    assert (expected in " ".join(found)) if expected else found == []
