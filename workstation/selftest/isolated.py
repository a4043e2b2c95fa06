"""Running a probe in a fresh ``spawn`` process: a crash or a hang there is a result here.

Qt and VTK abort the process that tries them on a machine without display or GL; the decoders must
also work in the loader's worker processes. The self-test must still print its report.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

ISOLATED_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Isolated:
    value: Any = None
    error: str = ""  # French (a UserText when the self-test made it), or the English cause the child printed
    seconds: float = 0.0


def _resolve(function: Callable[..., Any] | str) -> Callable[..., Any]:
    """``"package.module:name"`` is imported in the child only: the parent never loads it (Qt's probe)."""
    if not isinstance(function, str):
        return function
    import importlib

    module, _, name = function.partition(":")
    resolved: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return resolved


def _isolated_main(
    sender: Any, output: str, function: Callable[..., Any] | str, args: tuple[Any, ...]
) -> None:
    # The child's own messages (Qt and VTK warnings, a crash trace) go to a file the parent reads.
    with open(output, "ab", buffering=0) as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    try:
        sender.send((True, _resolve(function)(*args)))
    except BaseException as exc:  # everything goes back to the parent, which reports it
        sender.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def run_isolated(
    function: Callable[..., Any] | str, *args: Any, timeout: float = ISOLATED_TIMEOUT_SECONDS
) -> Isolated:
    """``function(*args)`` in a fresh ``spawn`` process: a crash or a hang there is a result here.

    ``function`` may be named ``"package.module:name"``, to be imported in the child only (a Qt probe
    run from a Qt-free module)."""
    name = function if isinstance(function, str) else function.__name__
    import time

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    with tempfile.NamedTemporaryFile(prefix="tlr-selftest-", suffix=".log", delete=False) as handle:
        output = handle.name
    start = time.perf_counter()
    process = context.Process(target=_isolated_main, args=(sender, output, function, args), daemon=True)
    try:
        process.start()
        sender.close()
        timed_out = not receiver.poll(timeout)
        succeeded, value = False, None
        if timed_out:
            process.kill()
            log.warning("self-test: %s did not answer in %.0f s", name, timeout)
        else:
            with contextlib.suppress(EOFError, OSError):  # EOF: the child died before answering
                succeeded, value = receiver.recv()
        process.join(5)
        seconds = time.perf_counter() - start
        if succeeded:
            return Isolated(value, seconds=seconds)
        told = Path(output).read_text(encoding="utf-8", errors="replace").strip().splitlines()
        cause = value or (told[-1] if told else QT_TRANSLATE_NOOP("Selftest", "code de sortie {code}").format(
            code=process.exitcode))
        log.warning("self-test: %s failed in its process (exit %s): %s", name, process.exitcode,
                    "\n".join(told[-20:]) or cause)
        if timed_out:
            cause = QT_TRANSLATE_NOOP("Selftest", "aucune réponse en {timeout:.0f} s").format(timeout=timeout)
        elif process.exitcode is not None and process.exitcode < 0:
            cause = QT_TRANSLATE_NOOP("Selftest", "processus arrêté par le signal {signal} : {cause}").format(
                signal=-process.exitcode, cause=cause)
        return Isolated(error=cause, seconds=seconds)
    finally:
        if process.is_alive():
            process.kill()
        receiver.close()
        Path(output).unlink(missing_ok=True)


