"""Build fts3sdk-compat: the version is fts3sdk's (it depends on that exact release), and the startup hook is a .pth.

setuptools installs modules and packages, not ``.pth`` files, so ``build_py`` copies it next to the module.
"""

from __future__ import annotations

import ast
from pathlib import Path

from setuptools import setup  # type: ignore[import-untyped]
from setuptools.command.build_py import build_py  # type: ignore[import-untyped]

HERE = Path(__file__).resolve().parent
HOOK = "fts3sdk_compat.pth"


def fts3sdk_version() -> str:
    """The version in ``fts3sdk/_version.py`` of this checkout, read without importing fts3sdk."""
    source = (HERE.parent / "fts3sdk" / "_version.py").read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise RuntimeError("fts3sdk/_version.py has no __version__")


class BuildWithHook(build_py):  # type: ignore[misc]
    """``build_py`` that also puts the startup hook into the wheel's top level."""

    def run(self) -> None:
        """Build as usual, then copy the hook."""
        super().run()
        self.copy_file(str(HERE / HOOK), str(Path(self.build_lib) / HOOK))


VERSION = fts3sdk_version()
setup(version=VERSION, install_requires=[f"fts3sdk=={VERSION}"], cmdclass={"build_py": BuildWithHook})
