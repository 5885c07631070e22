"""Keeps a built match index on disk, keyed by what it was built from, for fast restarts.

The key covers the phrasings, the parameters, the matching code and the versions of the
libraries that shape the features, so a changed FAQ file, a code update or a library
upgrade builds afresh. Only arrays are stored (NumPy's .npz, read without pickle): a
damaged or foreign file is ignored and the index is built as if there were no cache.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiz_bot.cache_files import release_of, write_npz
from kiz_bot.matching.postings import Postings

log = logging.getLogger(__name__)

FORMAT = "kiz-index-1"
PREFIX = "index-"
_CODE = (
    "features.py",
    "normalize.py",
    "index.py",
    "index_build.py",
    "index_cache.py",
    "postings.py",
    "language.py",
)
_LIBRARIES = ("anyascii", "snowballstemmer", "PyStemmer", "numpy", "scipy")
_MATRICES = ("documents_t", "words_t", "skeletons_t", "phrases_t")


@dataclass(frozen=True, slots=True)
class IndexArrays:
    """The part of an index that costs time to compute: tf-idf matrices and their vocabulary."""

    idf: npt.NDArray[np.float32]
    group: npt.NDArray[np.float32]
    vocabulary: npt.NDArray[np.int64]
    documents_t: Postings
    document_starts: npt.NDArray[np.int64]
    document_language: tuple[str, ...]
    words_t: Postings
    skeletons_t: Postings
    phrases_t: Postings
    normalized: tuple[str, ...]


def cache_key(*parts: object) -> str:
    """Return a digest of what an index is built from and of the code that builds it."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        digest.update(repr(part).encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    for library in _LIBRARIES:
        digest.update(f"{library}={release_of(library)}".encode())
    return digest.hexdigest()


def _path(folder: Path, key: str) -> Path:
    return folder / f"{PREFIX}{key[:32]}.npz"


def load_arrays(folder: Path, key: str) -> IndexArrays | None:
    """Return the stored arrays for this key, or None when there are none or they are unusable."""
    path = _path(folder, key)
    if not path.is_file():
        return None
    try:
        with path.open("rb") as file, np.load(file, allow_pickle=False) as stored:
            if bytes(stored["key"]).decode() != key:
                return None
            matrices = {
                name: Postings(
                    stored[f"{name}.data"],
                    stored[f"{name}.indices"],
                    stored[f"{name}.indptr"],
                    _shape(stored[f"{name}.shape"]),
                )
                for name in _MATRICES
            }
            return IndexArrays(
                idf=stored["idf"],
                group=stored["group"],
                vocabulary=stored["vocabulary"],
                document_starts=stored["document_starts"],
                document_language=_lines(stored["document_language"]),
                normalized=_lines(stored["normalized"]),
                **matrices,
            )
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        log.warning("index cache %s is unusable (%s); building the index", path.name, error)
        return None


def save_arrays(folder: Path, key: str, arrays: IndexArrays) -> bool:
    """Store the arrays under this key, atomically, and remove older index files."""
    content: dict[str, npt.NDArray[np.generic]] = {
        "key": np.frombuffer(key.encode(), dtype=np.uint8),
        "idf": arrays.idf,
        "group": arrays.group,
        "vocabulary": arrays.vocabulary,
        "document_starts": arrays.document_starts,
        "document_language": _joined(arrays.document_language),
        "normalized": _joined(arrays.normalized),
    }
    for name in _MATRICES:
        matrix: Postings = getattr(arrays, name)
        content[f"{name}.data"] = matrix.data
        content[f"{name}.indices"] = matrix.indices
        content[f"{name}.indptr"] = matrix.indptr
        content[f"{name}.shape"] = np.asarray(matrix.shape, dtype=np.int64)
    return write_npz(_path(folder, key), content, "the index cache")


def _shape(stored: npt.NDArray[np.int64]) -> tuple[int, int]:
    rows, columns = (int(n) for n in stored)
    return rows, columns


def _joined(texts: tuple[str, ...]) -> npt.NDArray[np.uint8]:
    """Return strings without newlines as one UTF-8 byte array (no pickle, no padding).

    Each string ends with a newline, so an empty string survives the round trip.
    """
    return np.frombuffer("".join(f"{t}\n" for t in texts).encode(), dtype=np.uint8)


def _lines(stored: npt.NDArray[np.uint8]) -> tuple[str, ...]:
    return tuple(bytes(stored).decode().split("\n")[:-1])
