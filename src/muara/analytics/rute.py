"""Routing a complaint to its category and OPD: a linear model on word and character n-grams of ``deskripsi``.

- The corpus is ``corpus/aduan_berlabel.csv`` (written for Muara, see ``corpus/README.md``); its ``split`` column
  fixes which rows are held out. The model is trained on the ``train`` rows only, so ``muara rute evaluate``
  measures it on complaints it never saw.
- Features: TF-IDF of words (1-2) and of characters inside word boundaries (2-5) of the normalised text
  (:mod:`muara.analytics.normalise`); characters carry typos and dialect spellings the word table misses.
- Classifier: a linear SVM whose scores are calibrated into probabilities (Platt scaling on 5-fold
  cross-validated scores), so ``keyakinan`` means roughly "how often a suggestion this confident is right".
- Abstention: below a threshold the suggestion needs a human (``perlu_ditinjau``). The threshold is chosen on a
  validation part carved out of ``train`` (never on ``test``): the lowest confidence at which the suggestions
  that pass are right at least ``TARGET_PRECISION`` of the time.
- The built model (``model/rute.joblib``) records the corpus' SHA-256 and scikit-learn's version; a model that
  does not match either is rebuilt (a few seconds) instead of being used stale.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from muara.analytics.normalise import has_content, normalise
from muara.contract import reference

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "aduan_berlabel.csv"
MODEL = HERE / "model" / "rute.joblib"
SEED = 20261207
#: the threshold is the lowest confidence at which validated suggestions are right this often
TARGET_PRECISION = 0.95
#: bounds for the threshold, whatever the validation part says
THRESHOLD_BOUNDS = (0.25, 0.80)
PERLU_DITINJAU = "perlu_ditinjau"
FORMAT = 1  # bump when the artefact's layout changes


class RuteError(Exception):
    """Routing cannot run; the message is for the officer (Bahasa Indonesia), naming the file and the fix."""


@dataclass(frozen=True)
class Corpus:
    ids: list[str]
    texts: list[str]
    labels: list[str]
    splits: list[str]
    styles: list[str]

    def part(self, split: str) -> tuple[list[str], list[str]]:
        keep = [i for i, s in enumerate(self.splits) if s == split]
        return [self.texts[i] for i in keep], [self.labels[i] for i in keep]


def load_corpus(path: Path = CORPUS) -> Corpus:
    """The labelled complaints as written in the CSV (no pandas: this is read at every model check)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return Corpus(
        ids=[r["id"] for r in rows],
        texts=[r["deskripsi"] for r in rows],
        labels=[r["kode_kategori"] for r in rows],
        splits=[r["split"] for r in rows],
        styles=[r["sumber_gaya"] for r in rows],
    )


def corpus_sha256(path: Path = CORPUS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def category_opd() -> dict[str, str]:
    """``kode_kategori`` -> ``kode_opd_default`` from the reference list (read at run time, so a city that
    moves a category to another OPD needs no retraining)."""
    return {r["kode_kategori"]: r["kode_opd_default"] for r in reference.all_rows("kategori_aduan")}


def build_pipeline(seed: int = SEED) -> Any:
    """The untrained model: n-gram features and a calibrated linear SVM, every random part seeded."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    words = TfidfVectorizer(preprocessor=normalise, analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=seed)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
    return Pipeline([("ngram", FeatureUnion([("kata", words), ("huruf", chars)])), ("model", calibrated)])


def choose_threshold(texts: list[str], labels: list[str], seed: int = SEED) -> dict[str, float]:
    """Fit on 80 % of the training rows, score the other 20 %, and pick the lowest confidence at which the
    suggestions that pass are right at least ``TARGET_PRECISION`` of the time (within ``THRESHOLD_BOUNDS``)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    fit_x, val_x, fit_y, val_y = train_test_split(texts, labels, test_size=0.2, stratify=labels, random_state=seed)
    model = build_pipeline(seed).fit(fit_x, fit_y)
    proba = model.predict_proba(val_x)
    conf = proba.max(axis=1)
    right = model.classes_[proba.argmax(axis=1)] == np.asarray(val_y)
    lo, hi = THRESHOLD_BOUNDS
    chosen = hi
    for t in sorted({round(float(c), 3) for c in conf if lo <= c <= hi}):
        kept = conf >= t
        if kept.any() and right[kept].mean() >= TARGET_PRECISION:
            chosen = t
            break
    kept = conf >= chosen
    return {
        "threshold": chosen,
        "validation_rows": len(val_y),
        "validation_accuracy": float(right.mean()),
        "validation_abstention": float(1 - kept.mean()),
        "validation_accuracy_kept": float(right[kept].mean()) if kept.any() else 0.0,
    }


def train(seed: int = SEED) -> dict[str, Any]:
    """Train on the ``train`` rows: the threshold on a validation part first, then the model on all of them."""
    import sklearn

    corpus = load_corpus()
    texts, labels = corpus.part("train")
    validation = choose_threshold(texts, labels, seed)
    return {
        "format": FORMAT,
        "pipeline": build_pipeline(seed).fit(texts, labels),
        "threshold": validation["threshold"],
        "validation": validation,
        "corpus_sha256": corpus_sha256(),
        "sklearn": sklearn.__version__,
        "seed": seed,
        "train_rows": len(texts),
    }


def save(artefact: dict[str, Any], path: Path = MODEL) -> Path:
    """Write atomically (a temporary file renamed), so a reader never sees half a model."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(artefact, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def is_fresh(artefact: dict[str, Any]) -> bool:
    import sklearn

    return (
        artefact.get("format") == FORMAT
        and artefact.get("corpus_sha256") == corpus_sha256()
        and artefact.get("sklearn") == sklearn.__version__
    )


@cache
def load() -> Router:
    """The router from ``model/rute.joblib``; rebuilt (and saved when the folder is writable) if missing or
    stale, so a fresh clone or a changed corpus never routes with an old model."""
    import joblib

    artefact: dict[str, Any] | None = None
    if MODEL.is_file():
        try:
            artefact = joblib.load(MODEL)
        except Exception:  # a truncated or foreign file: rebuild it
            artefact = None
    if artefact is None or not is_fresh(artefact):
        print("muara rute: model belum ada atau usang, dilatih ulang dari korpus (beberapa detik)", file=sys.stderr)
        artefact = train()
        # a read-only checkout (the production image mounts src/ read-only): keep it in memory
        with contextlib.suppress(OSError):
            save(artefact)
    return Router(artefact)


@dataclass(frozen=True)
class Saran:
    """One complaint's suggestion."""

    kategori: tuple[str, str, str]
    keyakinan: float
    perlu_ditinjau: bool
    opd: str


@dataclass
class Router:
    artefact: dict[str, Any]
    opd_of: dict[str, str] = field(default_factory=category_opd)

    @property
    def threshold(self) -> float:
        return float(self.artefact["threshold"])

    def probabilities(self, texts: list[str]) -> Any:
        return self.artefact["pipeline"].predict_proba([str(t) for t in texts])

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.artefact["pipeline"].classes_]

    def route(self, texts: list[str]) -> list[Saran]:
        """The three most likely categories, the confidence in the first, and whether a human must decide.
        A text under the threshold, or made only of greetings and courtesy words, gets no OPD: it is never
        forwarded on a guess. An empty text gets no candidates either."""
        if not texts:
            return []
        proba = self.probabilities(texts)
        classes = self.classes
        out = []
        for text, row in zip(texts, proba, strict=True):
            if not normalise(text):  # nothing to read: no candidates at all
                out.append(Saran(("", "", ""), 0.0, True, ""))
                continue
            order = row.argsort()[::-1][:3]
            top = tuple(classes[i] for i in order)
            conf = float(row[order[0]])
            review = conf < self.threshold or not has_content(text)
            out.append(Saran((top[0], top[1], top[2]), round(conf, 3), review, "" if review else self.opd_of[top[0]]))
        return out


def check_artefact(path: Path = MODEL) -> list[str]:
    """Problems with the committed model, empty when it is current: it exists, matches the corpus and
    scikit-learn, and a retraining from scratch (same seed) gives the same suggestions and confidences."""
    import joblib
    import numpy as np

    if not path.is_file():
        return [f"{path} is missing: run `make rute-model`"]
    built = joblib.load(path)
    if not is_fresh(built):
        return [f"{path} is stale (corpus or scikit-learn changed): run `make rute-model`"]
    fresh = train(int(built.get("seed", SEED)))
    texts = load_corpus().texts
    old = built["pipeline"].predict_proba(texts)
    new = fresh["pipeline"].predict_proba(texts)
    problems = []
    if not np.array_equal(old.argmax(axis=1), new.argmax(axis=1)) or not np.allclose(old, new, atol=1e-6):
        problems.append(f"{path}: retraining gives different suggestions: run `make rute-model` and commit it")
    if fresh["threshold"] != built["threshold"]:
        problems.append(f"{path}: retraining chooses threshold {fresh['threshold']}, not {built['threshold']}")
    return problems
