"""The public API as a type-checked pipeline sees it: good code passes mypy --strict, mistakes are reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "typing_samples"
EXPECTED = {
    "good.py": None,
    "bad_attribute.py": r'has no attribute "job_sate"',
    "bad_argument.py": r'incompatible type "str"; expected "int"',
    "bad_await.py": r'"Coroutine\[Any, Any, Job\]" has no attribute "job_state"',
}


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    from mypy import api

    cache = tmp_path_factory.mktemp("mypy-cache")
    files = [str(SAMPLES / name) for name in EXPECTED]
    stdout, _, _ = api.run(["--strict", "--no-error-summary", "--cache-dir", str(cache), "--config-file", "", *files])
    report: dict[str, list[str]] = {name: [] for name in EXPECTED}
    for line in stdout.splitlines():
        match = re.match(r".*?([\w]+\.py):\d+: (error: .*)", line)
        if match and match.group(1) in report:
            report[match.group(1)].append(match.group(2))
    return report


@pytest.mark.parametrize("name", list(EXPECTED))
def test_mypy_sees_what_users_see(mypy_report: dict[str, list[str]], name: str) -> None:
    expected = EXPECTED[name]
    errors = mypy_report[name]
    if expected is None:
        assert errors == []
    else:
        assert any(re.search(expected, error) for error in errors), errors
