"""How a command's own process starts (`fts3sdk._startup`): collector paused then resumed, plugins not scanned."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import pytest

from fts3sdk.cli import main


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, env=clean
    )


def test_the_collector_is_off_at_first_then_back_on_with_the_startup_objects_frozen() -> None:
    done = _python(
        """
        import gc, os, threading
        import fts3sdk._startup as startup
        startup.COLLECTOR_PAUSE = 0.05
        startup.start_command_process()
        assert not gc.isenabled()
        timer = next(t for t in threading.enumerate() if t.name == "fts3sdk-collector")
        assert timer.daemon
        timer.join(30)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        print(os.environ["PYDANTIC_DISABLE_PLUGINS"])
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "__all__"


def test_a_plugin_setting_given_and_a_collector_switched_off_by_the_caller_are_kept() -> None:
    done = _python(
        """
        import gc, os, threading
        import fts3sdk._startup as startup
        gc.disable()
        startup.start_command_process()
        assert not any(t.name == "fts3sdk-collector" for t in threading.enumerate())
        assert not gc.isenabled()
        print(os.environ["PYDANTIC_DISABLE_PLUGINS"])
        """,
        PYDANTIC_DISABLE_PLUGINS="logfire",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "logfire"


def test_the_pause_does_not_hold_a_short_command_until_it_ends() -> None:
    # A timer that is not a daemon would keep the process until the pause ends (the 60 s timeout first).
    done = _python(
        """
        import fts3sdk._startup as startup
        startup.COLLECTOR_PAUSE = 3600
        startup.start_command_process()
        """
    )
    assert done.returncode == 0, done.stderr


def test_a_command_run_in_process_leaves_the_collector_and_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    assert gc.isenabled()
    assert main(["--version"]) == 0
    assert gc.isenabled()
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ


def test_at_exit_nothing_is_walked_again_while_exit_handlers_and_buffered_output_still_complete() -> None:
    code = """
        import atexit, os, sys
        import fts3sdk._startup as startup
        startup.start_command_process()

        class Noisy:
            def __del__(self, write=os.write):
                write(2, b"finalized at exit")

        cycle = Noisy()
        cycle.me = cycle
        del cycle
        atexit.register(print, "handler ran")
        sys.stdout.write("x" * 100_000)  # still in the buffer when the interpreter exits
        """
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "x" * 100_000 + "handler ran\n"
    assert "finalized at exit" not in done.stderr  # the final pass did not run
    ordinary = _python(code.replace("startup.start_command_process()", "pass"))
    assert "finalized at exit" in ordinary.stderr
