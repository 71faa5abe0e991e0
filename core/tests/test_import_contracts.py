"""Dependencies point one way (docs/development/index.md): the import contracts in pyproject.toml
([tool.importlinter]) are kept, and every app of the project is placed in them."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def contracts_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_every_project_app_has_its_place_in_the_contracts():
    config = contracts_config()
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    placed = {name.strip("()") for layer in layers for name in layer.replace(":", "|").split("|")}
    placed = {name.strip() for name in placed}
    # The project's own apps: under the checkout, not installed packages (a .venv may sit inside it).
    # An app inside a placed package (tests.example_app, the test-only app, inside `tests`) is placed
    # with it: import-linter's root packages are top-level packages.
    ours = {app.name.split(".")[0] for app in apps.get_app_configs()
            if Path(app.path).is_relative_to(ROOT) and "site-packages" not in Path(app.path).parts}
    assert ours <= placed, f"add {sorted(ours - placed)} to the layers contract in pyproject.toml"
    assert ours <= set(config["root_packages"]), "and to root_packages"
