"""Stable random streams: the same parts give the same numbers in every process and every run.

Every (dataset, sender, chunk) draws from its own generator seeded from a hash of its names, so a file's bytes
do not depend on which other files are made, in which order, or in which worker process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np


def stable_hash(*parts: object) -> int:
    """A 64-bit number from the parts; unlike ``hash()`` it is the same in every process and run."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def seeded_rng(*parts: object) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(stable_hash(*parts)))


def pick_values(rng: np.random.Generator, values: Sequence[Any] | np.ndarray, n: int, p: Any = None) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    return arr[rng.choice(len(arr), size=n, p=p)]


def random_weights(rng: np.random.Generator, k: int, shape: float = 1.0) -> np.ndarray:
    w = rng.gamma(shape, 1.0, size=k) + 1e-3
    return w / w.sum()


def norm(w: Sequence[float] | np.ndarray) -> np.ndarray:
    a = np.asarray(w, dtype=float)
    return a / a.sum()
