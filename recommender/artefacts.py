"""A trained recommender on disk without pickle.

One ``.npz`` file of plain arrays, read with ``np.load(allow_pickle=False)``: the item ids, every
component's fitted arrays (sparse matrices as their CSR parts) and a JSON header (format, blend weights,
each component's algorithm, hyper-parameters and array layout, the term vocabulary and the training
params). Only item-side parameters are written, never per-user factors. Any other file, an old pickled
``.pkl`` artefact included, is refused with :class:`ArtefactError` and never unpickled.
"""
from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .algorithms.content import ContentBased
from .algorithms.ease import EASE
from .algorithms.hybrid import Hybrid
from .algorithms.itemknn import ItemKNN
from .algorithms.mf import ALS, BPR
from .algorithms.popularity import Popularity
from .algorithms.rp3beta import RP3beta

FORMAT = "motif-recommender/1"
SUFFIX = ".npz"
HEADER = "header"
ALGORITHMS = {cls.name: cls for cls in (Popularity, ContentBased, EASE, ItemKNN, RP3beta, ALS, BPR)}
SPARSE_PARTS = ("data", "indices", "indptr", "shape")


class ArtefactError(ValueError):
    """A file that is not a recommender artefact of this format."""


@dataclass
class Artefact:
    """What a model version stores on disk: item-side parameters only."""

    model: Hybrid
    item_ids: np.ndarray          # Item pk of each column
    vocab: dict                   # term -> feature column
    params: dict = field(default_factory=dict)


def _put(arrays: dict, key: str, value) -> str:
    """Add ``value`` to ``arrays`` under ``key`` (a sparse matrix as its CSR parts); returns its layout."""
    if sp.issparse(value):
        m = sp.csr_matrix(value)
        arrays.update({f"{key}.data": m.data, f"{key}.indices": m.indices, f"{key}.indptr": m.indptr,
                       f"{key}.shape": np.asarray(m.shape, dtype=np.int64)})
        return "csr"
    arrays[key] = np.asarray(value)
    if arrays[key].dtype == object:
        raise ArtefactError(f"{key} is not a plain numeric array")
    return "dense"


def _take(stored, key: str, layout: str):
    """The array (or CSR matrix) saved by :func:`_put`."""
    if layout == "csr":
        data, indices, indptr, shape = (stored[f"{key}.{part}"] for part in SPARSE_PARTS)
        return sp.csr_matrix((data, indices, indptr), shape=tuple(int(n) for n in shape))
    if layout != "dense":
        raise ArtefactError(f"unknown array layout {layout!r}")
    return stored[key]


def save_artefact(artefact: Artefact, path: Path) -> Path:
    """Write ``artefact`` to ``path`` (``.npz``) atomically: a temporary file, then a rename."""
    path = Path(path)
    arrays = {"item_ids": np.asarray(artefact.item_ids, dtype=np.int64)}
    components = {}
    for name, component in artefact.model.components.items():
        layouts = {key: _put(arrays, f"{name}/{key}", value) for key, value in component.fitted_state().items()}
        components[name] = {"algorithm": component.name, "params": component.get_params(),
                            "n_items": int(component.n_items), "arrays": layouts}
    header = {"format": FORMAT, "n_items": int(artefact.model.n_items), "weights": artefact.model.weights,
              "components": components, "vocab": artefact.vocab, "params": artefact.params}
    arrays[HEADER] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)
    return path


def load_artefact(path: Path) -> Artefact:
    """Read an artefact written by :func:`save_artefact`; :class:`ArtefactError` for anything else."""
    path = Path(path)
    if path.suffix != SUFFIX:
        raise ArtefactError(f"{path.name} is not a {SUFFIX} artefact (old pickled artefacts are never loaded)")
    try:
        with np.load(path, allow_pickle=False) as stored:
            header = json.loads(stored[HEADER].tobytes().decode())
            if header.get("format") != FORMAT:
                raise ArtefactError(f"{path.name} has format {header.get('format')!r}, not {FORMAT!r}")
            components = {
                name: ALGORITHMS[spec["algorithm"]].from_fitted(
                    spec["params"], spec["n_items"],
                    {key: _take(stored, f"{name}/{key}", layout) for key, layout in spec["arrays"].items()})
                for name, spec in header["components"].items()}
            item_ids = stored["item_ids"]
    except ArtefactError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile) as exc:
        raise ArtefactError(f"{path.name} is not a readable recommender artefact "
                            f"({exc.__class__.__name__}: {exc})") from None
    model = Hybrid.from_components(components, header["weights"], header["n_items"])
    return Artefact(model, item_ids, header["vocab"], header["params"])
