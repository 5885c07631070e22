"""py3langid's model cut down to the languages we serve, kept on disk for fast starts.

The package ships its 142-language model LZMA-compressed, and unpacking it takes about
half a second at every start. The cut-down model (the same arrays the identifier is made
of, for our languages only) is stored once in the cache folder as an .npz of 41 MB (left
uncompressed: compressing it would cost the first start 0.3 s) and read without pickle
in under a tenth of a second. A damaged file is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from kiz_bot.cache_files import release_of, write_npz

log = logging.getLogger(__name__)

FORMAT = "kiz-language-1"
PREFIX = "language-"
_UNSIGNED = {2: np.uint16, 4: np.uint32, 8: np.uint64}
_TYPECODES = {array(code).itemsize: code for code in "QLIH"}  # H, I, L, Q by width


def load_identifier(languages: Sequence[str], cache: Path | None) -> LanguageIdentifier:
    """Return an identifier restricted to those languages, from the cache folder if possible."""
    key = _key(languages)
    path = model_file(languages, cache) if cache is not None else None
    if path is not None and path.is_file():
        stored = _read(path, key)
        if stored is not None:
            return stored
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.labels)
    identifier.set_languages([language for language in languages if language in known])
    # The identifier keeps its full model to allow resetting; we never reset, and dropping
    # it saves about 25 MB of resident memory.
    identifier._full_model = (identifier.nb_ptc, identifier.nb_pc, identifier.nb_classes)
    if path is not None:
        write_npz(path, _arrays_of(identifier, key), "the language model")
    return identifier


def model_file(languages: Sequence[str], cache: Path) -> Path:
    """Return where the model for these languages is kept in the cache folder."""
    return cache / f"{PREFIX}{_key(languages)[:32]}.npz"


def _key(languages: Sequence[str]) -> str:
    """Return a digest of the languages and of the py3langid release the model comes from."""
    release = release_of("py3langid")
    return hashlib.sha256(f"{FORMAT} {release} {sorted(languages)}".encode()).hexdigest()


def _arrays_of(identifier: LanguageIdentifier, key: str) -> dict[str, npt.NDArray[np.generic]]:
    """Return what the identifier is made of, as arrays."""
    return {
        "key": np.frombuffer(key.encode(), dtype=np.uint8),
        "ptc": np.ascontiguousarray(identifier.nb_ptc),
        "pc": np.asarray(identifier.nb_pc),
        "classes": np.array(identifier.nb_classes, dtype=np.str_),
        "nextmove": _numpy(identifier.tk_nextmove),
        "row": _numpy(identifier.tk_row),
        "output": np.asarray(identifier.tk_output, dtype=np.int32),
    }


def _read(path: Path, key: str) -> LanguageIdentifier | None:
    """Return the identifier stored at path, or None when the file is not usable."""
    try:
        with path.open("rb") as file, np.load(file, allow_pickle=False) as stored:
            if bytes(stored["key"]).decode() != key:
                return None
            return LanguageIdentifier(
                stored["ptc"],
                stored["pc"],
                [str(label) for label in stored["classes"]],
                _array(stored["nextmove"]),
                stored["output"].tolist(),
                norm_probs=True,
                tk_row=_array(stored["row"]),
            )
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        log.warning("language model cache %s is unusable (%s); unpacking it", path.name, error)
        return None


def _numpy(values: array[int]) -> npt.NDArray[np.generic]:
    """Return an array module array as a NumPy array of the same unsigned width."""
    return np.frombuffer(values, dtype=_UNSIGNED[values.itemsize]).copy()


def _array(values: npt.NDArray[np.generic]) -> memoryview:
    """Return unsigned integers as a view that indexes to Python ints as fast as an array.

    A view, not a copy: the 39 MB state table is then in memory once, not twice.
    """
    view: memoryview = np.ascontiguousarray(values).data.cast("B")
    return view.cast(_TYPECODES[values.dtype.itemsize])  # type: ignore[call-overload,no-any-return]
