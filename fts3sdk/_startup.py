"""How the process of one of our commands starts (``fts3sdk``, ``fts-rest-*``): the work it can skip.

A command's process imports some 400 modules (httpx, pydantic, the models) before its first answer. Three things
Python and pydantic do in such a process serve nothing:

- the cyclic garbage collector runs dozens of times while the modules load, each full pass walking every object
  made so far; what an import makes lives as long as the process, so these passes free nothing (about 7% of
  ``fts3sdk whoami``, measured in ``benchmarks/README.md``);
- pydantic scans every installed distribution for plugins when it builds its first validator; a command has none;
- at exit, after clearing the modules, Python walks every object once more and frees the classes, functions and
  schemas the imports made, one cycle at a time: 80 to 130 ms of a 0.6 s ``fts3sdk status`` (``benchmarks/README.md``),
  for memory the operating system takes back at once.

`start_command_process` switches the collector off and arranges for it to come back `COLLECTOR_PAUSE` seconds
later, after `gc.freeze` has set aside everything made until then (it is never walked again): short commands end
before that, long ones (``status --watch``, ``events``, a large bulk submission) collect as usual from then on.
Once the command is over (as the last exit handler), every object is frozen the same way, so that the final pass
has nothing to walk: the exit handlers have run and standard output and error are still flushed, but objects left
at exit are no longer finalized one by one. Our commands write every file in a ``with`` block and print through
the standard streams, so nothing they write waits for a finalizer; a connection left open is closed by the
operating system, as it would be after any exit.
Only a command's own process calls it; importing fts3sdk, or running a command in-process (tests, scripts), leaves
the collector and the environment alone.
"""

from __future__ import annotations

import atexit
import gc
import os
import threading

__all__ = ["COLLECTOR_PAUSE", "start_command_process"]

COLLECTOR_PAUSE = 2.0
"""Seconds the cyclic garbage collector stays off at the start of a command's process."""


def _resume_collector() -> None:
    gc.freeze()
    gc.enable()


def start_command_process() -> None:
    """Called first by a console script: collector paused `COLLECTOR_PAUSE` seconds, no plugin scan, no final pass.

    A ``PYDANTIC_DISABLE_PLUGINS`` already set is kept. The collector is resumed by a daemon timer, which never
    holds the process at exit; if the collector was off already, it stays as it was. Registered first, the exit
    handler that freezes every object runs after all the others.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    atexit.register(gc.freeze)
    if not gc.isenabled():
        return
    gc.disable()
    timer = threading.Timer(COLLECTOR_PAUSE, _resume_collector)
    timer.daemon = True
    timer.name = "fts3sdk-collector"
    timer.start()
