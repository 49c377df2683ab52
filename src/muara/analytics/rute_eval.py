"""``muara rute evaluate``: the router measured on the held-out ``test`` rows of the corpus, which it never saw.

Figures: accuracy, macro-F1 (every category counts the same, however rare), top-3 accuracy (the right category
among the three suggestions), the abstention rate at the threshold and the accuracy of the suggestions that were
not abstained on, and, for the pairs of categories citizens and officers confuse most, how many held-out
complaints of one went to the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from muara.analytics import rute

#: category pairs whose confusion the issue asks to show (both directions are counted)
CONFUSABLE: tuple[tuple[str, str], ...] = (
    ("drainase_genangan", "banjir"),
    ("pohon_tumbang", "pemangkasan_pohon"),
    ("sampah", "pencemaran_lingkungan"),
    ("sampah", "pasar"),
    ("pencemaran_lingkungan", "pasar"),
    ("pelayanan_puskesmas", "pelayanan_rsud"),
    ("pungli_pelayanan_publik", "perizinan"),
    ("lampu_jalan", "cctv_internet_publik"),
    ("bencana", "banjir"),
)


@dataclass(frozen=True)
class PairConfusion:
    a: str
    b: str
    n_a: int  # held-out complaints of a
    n_b: int
    a_as_b: int  # complaints of a whose first suggestion is b
    b_as_a: int


@dataclass(frozen=True)
class Evaluation:
    rows: int
    accuracy: float
    macro_f1: float
    top3: float
    threshold: float
    abstention: float
    accuracy_kept: float
    per_category_f1: dict[str, float]
    pairs: list[PairConfusion]
    by_style: dict[str, tuple[int, float]]  # sumber_gaya -> (held-out rows, accuracy)

    def lines(self) -> list[str]:
        out = [
            f"held-out test split: {self.rows} complaints the model never saw",
            f"accuracy           {self.accuracy:.3f}",
            f"macro-F1           {self.macro_f1:.3f}",
            f"top-3 accuracy     {self.top3:.3f}",
            f"threshold          {self.threshold:.3f} (chosen on a validation part of train)",
            f"abstention rate    {self.abstention:.3f} (perlu_ditinjau)",
            f"accuracy when not abstaining  {self.accuracy_kept:.3f}",
            "",
            "confusion between the listed pairs (first suggestion; held-out rows of each):",
        ]
        for p in self.pairs:
            out.append(f"  {p.a} -> {p.b}: {p.a_as_b}/{p.n_a}    {p.b} -> {p.a}: {p.b_as_a}/{p.n_b}")
        out += ["", "accuracy by writing style (sumber_gaya):"]
        out += [f"  {k:<10} {acc:.3f} ({n} complaints)" for k, (n, acc) in sorted(self.by_style.items())]
        out += ["", "F1 per category:"]
        out += [f"  {k:<26} {v:.3f}" for k, v in sorted(self.per_category_f1.items(), key=lambda kv: kv[1])]
        return out


def evaluate(router: rute.Router | None = None) -> Evaluation:
    import numpy as np
    from sklearn.metrics import f1_score

    router = router or rute.load()
    corpus = rute.load_corpus()
    texts, labels = corpus.part("test")
    styles = np.asarray([g for g, s in zip(corpus.styles, corpus.splits, strict=True) if s == "test"])
    proba = router.probabilities(texts)
    classes = np.asarray(router.classes)
    truth = np.asarray(labels)
    order = np.argsort(-proba, axis=1)
    first = classes[order[:, 0]]
    top3 = (classes[order[:, :3]] == truth[:, None]).any(axis=1)
    # abstention exactly as `muara rute` decides it (threshold, and messages with no content word)
    kept = ~np.asarray([s.perlu_ditinjau for s in router.route(texts)])
    right = first == truth
    f1 = f1_score(truth, first, labels=classes, average=None, zero_division=0)
    pairs = [
        PairConfusion(
            a,
            b,
            int((truth == a).sum()),
            int((truth == b).sum()),
            int(((truth == a) & (first == b)).sum()),
            int(((truth == b) & (first == a)).sum()),
        )
        for a, b in CONFUSABLE
    ]
    return Evaluation(
        rows=len(labels),
        accuracy=float(right.mean()),
        macro_f1=float(f1.mean()),
        top3=float(top3.mean()),
        threshold=router.threshold,
        abstention=float(1 - kept.mean()),
        accuracy_kept=float(right[kept].mean()) if kept.any() else 0.0,
        per_category_f1={str(c): float(v) for c, v in zip(classes, f1, strict=True)},
        pairs=pairs,
        by_style={str(g): (int((styles == g).sum()), float(right[styles == g].mean())) for g in sorted(set(styles))},
    )
