"""Examining questions in a worker process, so matching runs beside the bot, not inside it.

The bot's process spends most of its time on Telegram I/O and its Python overhead; matching
a question costs about a millisecond more. A worker process forked at start, before any
other thread runs, shares the knowledge base and index with the bot (copy-on-write) and
examines questions (`Advisor.examine`) on the machine's other core while the bot goes on
with other messages. The bot keeps everything else: language choice, replies, statistics.

Whenever the worker cannot help, the question is examined in the bot's process, as without
a worker: when it could not be forked (other threads running, no fork on this system), when
it died or took too long, and after a reload of the knowledge base, which the worker does
not have (forking again while the bot's threads run is not safe). Requests travel over a
socket pair as length-prefixed pickles between these two processes only.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import multiprocessing
import pickle
import signal
import socket
import struct
import threading
from typing import Any

from kiz_bot.advisor import Advisor, Conversation, Examined, Knowledge

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0  # a question the worker has not examined by then is examined here
IN_FLIGHT = 64  # questions handed to the worker at a time
_HEADER = struct.Struct("!I")


class Examiner:
    """The bot's side of the worker process: hands questions over, awaits their examination."""

    def __init__(
        self,
        advisor: Advisor,
        process: multiprocessing.process.BaseProcess,
        channel: socket.socket,
    ) -> None:
        self._advisor = advisor
        self._knowledge: Knowledge | None = advisor.knowledge
        self._process = process
        self._channel: socket.socket | None = channel
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None
        self._connecting = asyncio.Lock()
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._pending: dict[int, asyncio.Future[Examined | None]] = {}
        self._numbers = itertools.count()

    @classmethod
    def start(cls, advisor: Advisor) -> Examiner | None:
        """Fork the worker now; None when that is not safe or not possible here."""
        if threading.active_count() != 1 or "fork" not in multiprocessing.get_all_start_methods():
            log.info("questions are examined in the bot process (no worker process)")
            return None
        ours, theirs = socket.socketpair()
        # Frozen objects are left alone by the worker's garbage collector, which would
        # otherwise touch, and so copy, every page the two processes share.
        gc.freeze()
        try:
            process = multiprocessing.get_context("fork").Process(
                target=_serve, args=(advisor, theirs, ours), name="kiz-examiner", daemon=True
            )
            process.start()
        except (OSError, ValueError) as error:
            log.warning("could not start the worker process (%s); examining here", error)
            ours.close()
            return None
        finally:
            gc.unfreeze()
            theirs.close()
        log.info("questions are examined in a worker process (pid %s)", process.pid)
        return cls(advisor, process, ours)

    @property
    def alive(self) -> bool:
        """Return whether questions still go to the worker."""
        return self._channel is not None

    async def examine(self, text: str, conversation: Conversation) -> Examined | None:
        """Return the worker's examination of a question, or None: then examine it here."""
        if self._channel is None:
            return None
        if self._advisor.knowledge is not self._knowledge:
            log.info("the knowledge base was reloaded; questions are examined in the bot process")
            self.close()
            return None
        async with self._slots:
            try:
                writer = await self._connected()
                number = next(self._numbers)
                answer = asyncio.get_running_loop().create_future()
                self._pending[number] = answer
                request = pickle.dumps((number, text, conversation.last_entry))
                writer.write(_HEADER.pack(len(request)) + request)
                return await asyncio.wait_for(answer, TIMEOUT_S)
            except (OSError, TimeoutError) as error:
                log.warning("the worker process failed (%s); examining here", type(error).__name__)
                self.close()
                return None

    async def _connected(self) -> asyncio.StreamWriter:
        """Open the asyncio stream on the socket in the running loop, once."""
        async with self._connecting:
            if self._writer is None:
                if self._channel is None:
                    raise ConnectionResetError
                reader, self._writer = await asyncio.open_connection(sock=self._channel)
                self._reading = asyncio.create_task(self._read(reader))
            return self._writer

    async def _read(self, reader: asyncio.StreamReader) -> None:
        """Hand each examination to the question waiting for it; stop at the end or an error."""
        try:
            while True:
                size = _HEADER.unpack(await reader.readexactly(_HEADER.size))[0]
                number, examined = pickle.loads(await reader.readexactly(size))  # noqa: S301
                answer = self._pending.pop(number, None)
                if answer is not None and not answer.done():
                    answer.set_result(examined)
        except (asyncio.IncompleteReadError, OSError, pickle.UnpicklingError, struct.error):
            log.warning("the worker process stopped answering; examining here")
        finally:
            self._forget_pending()
            self._reading = None
            self.close()

    def _forget_pending(self) -> None:
        for answer in self._pending.values():
            if not answer.done():
                answer.set_result(None)
        self._pending.clear()

    def close(self) -> None:
        """Stop the worker; questions are examined in the bot process from now on."""
        channel, self._channel = self._channel, None
        self._knowledge = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        elif channel is not None:
            channel.close()
        if self._reading is not None and self._reading is not asyncio.current_task():
            self._reading.cancel()
        self._forget_pending()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(1.0)


def _serve(advisor: Advisor, channel: socket.socket, parents: socket.socket) -> None:
    """The worker: examine each question received, until the bot closes the socket."""
    parents.close()
    # Ctrl-C and systemd's SIGTERM reach the bot, which shuts down and closes the socket.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with channel, channel.makefile("rb") as incoming, channel.makefile("wb") as outgoing:
        while True:
            header = incoming.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            request = incoming.read(_HEADER.unpack(header)[0])
            number, text, last_entry = pickle.loads(request)  # noqa: S301 - from the bot only
            examined: Any
            try:
                examined = advisor.examine(text, Conversation(last_entry))
            except Exception:  # the bot examines it itself, and logs what goes wrong there
                examined = None
            answer = pickle.dumps((number, examined))
            outgoing.write(_HEADER.pack(len(answer)) + answer)
            outgoing.flush()
