"""Writing arrays to a cache folder atomically, so a crash never leaves half a file behind."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)


def write_npz(target: Path, content: dict[str, npt.NDArray[np.generic]], what: str) -> bool:
    """Store arrays as .npz at target, replacing others of the same prefix; False on failure.

    The prefix is the part of the file name before the first dash: a new file replaces
    the older ones built from something that has changed since.
    """
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **content)  # type: ignore[arg-type]
            Path(name).replace(target)
        finally:
            Path(name).unlink(missing_ok=True)
        prefix = target.name.split("-", 1)[0]
        for old in folder.glob(f"{prefix}-*.npz"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not write %s in %s (%s); going on without", what, folder, error)
        return False
    return True
