"""The command line's parser (argparse under `fts3sdk.cli._parsing`): every command's help, options in any order,
the environment, one-line usage errors, and the preload thread of the process's own command line."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Annotated, Any

import pytest

from fts3sdk.cli import ExitCode, _app, main
from fts3sdk.cli._app import app
from fts3sdk.cli._parsing.parser import Group, dispatch, params_of
from fts3sdk.cli._parsing.preload import JOB_MODELS, SERVER_MODELS, Preloader
from fts3sdk.cli._parsing.spec import Arg, Opt
from fts3sdk.testing import FakeFTS, IssuedCertificate
from tests import test_cli
from tests.test_cli import Result, Run, queued

fake = test_cli.fake
run = test_cli.run


def commands(group: Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the tree (not the groups), with the words that call it."""
    for name, entry in group.entries.items():
        if isinstance(entry.target, Group):
            yield from commands(entry.target, (*path, name))
        else:
            yield (*path, name), entry.target


def offline(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return Result(code, out, err)


def test_every_help_lists_every_option_with_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    found = dict(commands(app))
    assert len(found) >= 40
    for words, command in found.items():
        result = offline(capsys, *words, "--help")
        assert result.code == ExitCode.OK, words
        assert result.out.startswith(f"Usage: fts3sdk {' '.join(words)} [OPTIONS]"), result.out
        flat = " ".join(result.out.split())  # help text wraps
        params, _ = params_of(command)
        for param in params:
            spec = param.spec
            names = [param.metavar] if isinstance(spec, Arg) else list(param.toggle or spec.flags)
            for name in names:
                assert name in result.out, (words, name)
            assert " ".join(spec.help.split()) in flat, (words, param.name)
        assert "<bool>" not in result.out
        assert "list[" not in result.out


def test_short_help_and_groups_without_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline(capsys, "whoami", "-h").out.startswith("Usage: fts3sdk whoami [OPTIONS]")
    group = offline(capsys, "config", "links")
    assert group.code == ExitCode.USAGE
    assert group.out.startswith("Usage: fts3sdk config links COMMAND [ARGS]...")
    for name in ("list", "show", "set", "delete"):
        assert f"\n  {name} " in group.out
    top = offline(capsys, "--help")
    assert "Exit codes: 0 ok" in top.out


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["status", "x", "--jsno"], "No such option: --jsno; did you mean --json? (see 'fts3sdk status --help')"),
        (["stauts", "x"], "No such command 'stauts'; did you mean 'status'? (see 'fts3sdk --help')"),
        (["list", "--json=yes"], "Option '--json' does not take a value (see 'fts3sdk list --help')"),
        (["config", "nope"], "No such command 'nope' (see 'fts3sdk config --help')"),
        (["--json"], "No such option: --json (see 'fts3sdk --help')"),
        (["status", "x", "--interval", "0.01"], "--interval 0.01: must be 0.05 or more"),
        (["status", "x", "--max-wait", "nan"], "--max-wait nan: must be a number"),
        (["config", "shares", "set", "a", "b", "vo", "-1"], "SHARE -1: must be 0 or more"),
        (["config", "activity-shares", "set", "atlas"], "Missing argument 'WEIGHTS'"),
        (["proxy-init", "--key-type", "dsa"], "--key-type: 'dsa' is not one of 'rsa', 'ec'"),
        (["list", "--vo"], "Option '--vo' requires an argument"),
    ],
)
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], line: str) -> None:
    result = offline(capsys, *argv)
    assert result.code == ExitCode.USAGE
    assert result.out == ""
    assert result.err.startswith(f"error: {line}"), result.err
    assert len(result.err.splitlines()) == 1


def test_options_and_arguments_in_any_order(run: Run, fake: FakeFTS) -> None:
    first, second = queued(fake, 1), queued(fake, 1)
    result = run("cancel", first, "--json", second, fake=fake)
    assert result.code == ExitCode.OK, result
    assert [job["job_id"] for job in result.json()] == [first, second]
    negative = run("submit", "https://a.example.org/x", "--retry", "-1", "https://b.example.org/y", "--dry-run")
    assert negative.code == ExitCode.OK, negative
    assert negative.json()["params"]["retry"] == -1


def test_the_environment_fills_options_and_is_checked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FTS3_BROKERS", raising=False)
    monkeypatch.setenv("FTS3_BROKER_PORT", "many")
    result = offline(capsys, "events", "--broker", "mq.example.org")
    assert result.code == ExitCode.USAGE
    assert result.err.strip() == "error: FTS3_BROKER_PORT many: must be a whole number (see 'fts3sdk events --help')"
    monkeypatch.setenv("FTS3_BROKER_PORT", "61613")
    monkeypatch.setenv("FTS3_BROKER_TLS", "perhaps")
    result = offline(capsys, "events", "--broker", "mq.example.org")
    assert result.err.startswith("error: FTS3_BROKER_TLS perhaps: must be true or false")


def test_flags_from_the_environment_read_the_usual_words() -> None:
    seen: list[bool] = []

    def command(
        flag: Annotated[bool, Opt("--flag", envvar="FTS3SDK_TEST_FLAG", help="A flag.")] = False,
        values: Annotated[list[str] | None, Opt("--value", envvar="FTS3SDK_TEST_VALUES", help="Values.")] = None,
    ) -> None:
        seen.append(flag)
        seen.append(values == ["a", "b"])

    group = Group()
    group.command("try")(command)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FTS3SDK_TEST_VALUES", "a  b")
        for text, expected in (("1", True), ("Yes", True), ("on", True), ("0", False), ("off", False)):
            patch.setenv("FTS3SDK_TEST_FLAG", text)
            assert dispatch(group, ["try"], "prog", None) == 0
            assert seen[-2:] == [expected, True], text
        patch.delenv("FTS3SDK_TEST_FLAG")
        assert dispatch(group, ["try", "--flag"], "prog", None) == 0
        assert seen[-2] is True


def test_an_annotation_without_opt_or_arg_is_a_programming_error() -> None:
    def command(value: str = "") -> None:
        """Nothing."""

    with pytest.raises(TypeError, match="Opt"):
        params_of(command)


# --- preloading ---------------------------------------------------------------------------------------------------


def preload_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "fts3sdk-preload"]


def test_the_preloader_imports_then_leaves_nothing_running() -> None:
    preloader = Preloader()
    preloader.start([*SERVER_MODELS, "fts3sdk.no_such_module", *JOB_MODELS])  # a failure ends the thread quietly
    preloader.start(JOB_MODELS)
    preloader.join()
    assert not preload_threads()
    assert "fts3sdk.models.server" in sys.modules


def test_only_the_process_command_line_preloads(
    run: Run, fake: FakeFTS, alice: IssuedCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[str, ...]] = []
    original = Preloader.start

    def start(self: Preloader, modules: tuple[str, ...]) -> None:
        started.append(tuple(modules))
        original(self, modules)

    monkeypatch.setattr(Preloader, "start", start)
    assert run("whoami", fake=fake).code == ExitCode.OK
    assert started == []  # main(argv): tests, scripts
    job_id = queued(fake, 1)
    options = ["-s", test_cli.ENDPOINT, "--cert", str(alice.cert_path), "--key", str(alice.key_path)]
    monkeypatch.setattr(sys, "argv", ["fts3sdk", "status", job_id, *options])
    code = _app.run(None, transport=fake.transport(), preload=True)
    assert code == ExitCode.OK
    assert started == [JOB_MODELS]
    assert not preload_threads()
