"""The house rule on size, held: no module of the package past 450 lines, no folder past 14 modules.

The style splits a module past ~400 lines and a folder past ~12 modules; these limits leave a little room and
fail with every offender listed, so the tree is restructured before it becomes a flat namespace again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fts3sdk"
MAX_LINES = 450
MAX_MODULES = 14


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _folders() -> list[Path]:
    return sorted(p for p in [PACKAGE, *PACKAGE.rglob("*")] if p.is_dir() and p.name != "__pycache__")


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.py"))


def _lines(module: Path) -> int:
    return len(module.read_text(encoding="utf-8").splitlines())


def long_modules() -> list[str]:
    """Every module of the package past `MAX_LINES`, with its length."""
    return [
        f"{_relative(module)} ({_lines(module)} lines)"
        for folder in _folders()
        for module in _modules(folder)
        if _lines(module) > MAX_LINES
    ]


def crowded_folders() -> list[str]:
    """Every folder of the package holding more than `MAX_MODULES` modules, with their number."""
    return [
        f"{_relative(folder)} ({len(_modules(folder))} modules)"
        for folder in _folders()
        if len(_modules(folder)) > MAX_MODULES
    ]


def test_no_module_passes_450_lines() -> None:
    offenders = long_modules()
    assert not offenders, f"split these modules (past {MAX_LINES} lines): " + ", ".join(offenders)


def test_no_folder_passes_14_modules() -> None:
    offenders = crowded_folders()
    assert not offenders, f"give these folders subpackages (past {MAX_MODULES} modules): " + ", ".join(offenders)


def test_the_checks_see_an_offender(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crowded = tmp_path / "fts3sdk" / "crowded"
    crowded.mkdir(parents=True)
    for index in range(MAX_MODULES + 1):
        (crowded / f"m{index}.py").write_text("")
    (tmp_path / "fts3sdk" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "fts3sdk" / "fine.py").write_text("x = 1\n" * MAX_LINES)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "fts3sdk")
    assert long_modules() == [f"fts3sdk/long.py ({MAX_LINES + 1} lines)"]
    assert crowded_folders() == [f"fts3sdk/crowded ({MAX_MODULES + 1} modules)"]


def test_the_errors_split_by_family_still_show_as_fts3sdk_errors() -> None:
    import pickle

    from fts3sdk import errors

    for name in errors.__all__:
        assert getattr(errors, name).__module__ == "fts3sdk.errors", name
    error = errors.ServerNotTrusted("no", ca_location="/etc/grid-security/certificates", status_code=None)
    dumped = pickle.dumps(error)
    assert b"fts3sdk.errors._" not in dumped  # no private module path in a pickle
    again = pickle.loads(dumped)
    assert type(again) is errors.ServerNotTrusted
    assert again.ca_location == error.ca_location
    assert str(again) == str(error)
