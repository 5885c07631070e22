"""Running one-off heavy work in a child process, so the bot never holds its memory.

Building the index takes about 60 MB more than the finished index; reading CLDR data and
unpacking the language model take more than what is kept. A process keeps much of such
memory (freed, but spread over heap pages that long-lived objects still use). A child
process does the work and writes the result to the cache folder; the parent reads the
file. The child is a fork, so nothing is imported again. Forking is safe only while one
thread runs, as at start; later (a reload while the bot serves) the work is done in the
process itself, as the callers do whenever no child could do it. Spawning a fresh
interpreter instead would import the program's main module again, which is not safe for
every program that uses this package.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

TIMEOUT_S = 600.0


class Child:
    """A child process doing some work; finished() waits for it."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process

    def finished(self) -> bool:
        """Wait for the child; return whether it did its work without error."""
        self.process.join(TIMEOUT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
            log.warning("the child process took too long; doing the work here")
            return False
        if self.process.exitcode != 0:
            log.warning(
                "the child process failed (exit %s); doing the work here", self.process.exitcode
            )
            return False
        return True


def start_apart(target: Callable[..., object], *args: object) -> Child | None:
    """Start target(*args) in a forked child process; None when none can be started."""
    if threading.active_count() != 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    # Frozen objects are left alone by the child's garbage collector, which would otherwise
    # touch, and so copy, every page the two processes share.
    gc.freeze()
    try:
        process = context.Process(target=target, args=args)
        process.start()
    except (OSError, ValueError) as error:
        log.warning("could not start a child process (%s); doing the work here", error)
        return None
    finally:
        gc.unfreeze()
    return Child(process)
