"""Lyric emotion through the batcher (``motif.inference``): the lines of concurrent lyric reports share
forward passes of the emotion model. Each line's scores do not depend on the other lines of its pass
(attention masks out the padding), so a report gets what it would get alone, within float rounding."""
from __future__ import annotations

import threading

from motif.inference.serving import infer

_lock = threading.Lock()


class BatchedClassifier:
    """An emotion classifier whose ``predict`` calls from concurrent jobs are batched; every other
    attribute is the wrapped classifier's."""

    def __init__(self, classifier):
        self.wrapped = classifier

    def __getattr__(self, name):
        return getattr(self.wrapped, name)

    def predict(self, texts: list[str], batch_size: int = 64, explain: bool = True) -> list:
        if not texts:
            return []
        return infer("emotion", (self.wrapped, bool(explain)), list(texts), _predict, rows=len(texts),
                     device=str(self.wrapped.device))


def _predict(key, payloads):
    classifier, explain = key
    results = classifier.predict([text for texts in payloads for text in texts], explain=explain)
    out, start = [], 0
    for texts in payloads:
        out.append(results[start:start + len(texts)])
        start += len(texts)
    return out


def batched(analyzer):
    """``analyzer`` with its emotion classifier batched (wrapped once, in place) and returned."""
    with _lock:
        if not isinstance(analyzer.classifier, BatchedClassifier):
            analyzer.classifier = BatchedClassifier(analyzer.classifier)
    return analyzer
