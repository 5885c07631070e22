"""Writing files to the cache folder atomically, so a crash never leaves half a file behind."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)


def write_npz(target: Path, content: dict[str, npt.NDArray[np.generic]], what: str) -> bool:
    """Store arrays as .npz at target (see write_file); False on failure."""
    return write_file(target, lambda file: np.savez(file, **content), what)  # type: ignore[arg-type]


def write_file(target: Path, write: Callable[[BinaryIO], object], what: str) -> bool:
    """Write target through a temporary file and replace others of its prefix; False on failure.

    The prefix is the part of the file name before the first dash: a new file replaces
    the older ones made from something that has changed since.
    """
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                write(file)
            Path(name).replace(target)
        finally:
            Path(name).unlink(missing_ok=True)
        prefix = target.name.split("-", 1)[0]
        for old in folder.glob(f"{prefix}-*{target.suffix}"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not write %s in %s (%s); going on without", what, folder, error)
        return False
    return True


def release_of(package: str) -> str:
    """Return an installed package's version, for cache keys ("none" when not installed)."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "none"
