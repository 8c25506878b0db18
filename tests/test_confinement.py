"""The suite reads nothing beside the repository: the recordings it uses are inside it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests import _confinement
from tests.recordings import SETS, SUBMIT_SCHEMA, names


def test_every_recording_set_is_in_the_repository() -> None:
    assert SUBMIT_SCHEMA.is_file()
    assert {name: len(names(name)) for name in SETS} == {"responses": 102, "admin-api": 231, "differences": 26}
    for path in SETS.values():
        assert path.is_relative_to(_confinement.REPOSITORY)


def test_reading_beside_the_repository_is_refused(tmp_path: Path) -> None:
    # A child interpreter (an audit hook cannot be removed) with the hook on a made-up layout: base/repo, base/shared.
    script = textwrap.dedent(
        """
        import os, sys
        base = sys.argv[1]
        repo, shared = os.path.join(base, "repo"), os.path.join(base, "shared")
        os.makedirs(repo); os.makedirs(shared)
        open(os.path.join(shared, "f.json"), "w").close()
        open(os.path.join(repo, "g.json"), "w").close()
        from tests import _confinement
        sys.addaudithook(_confinement._hook(base, repo))
        open(os.path.join(repo, "g.json")).close()
        try:
            open(os.path.join(shared, "f.json"))
        except _confinement.OutsideRepository as exc:
            print("refused:", exc)
        try:
            os.listdir(shared)
        except _confinement.OutsideRepository:
            print("listing refused")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=_confinement.REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "refused: a test read " in result.stdout
    assert "shared/f.json, outside the repository" in result.stdout
    assert "listing refused" in result.stdout
