"""The lyric report: one function from text to the JSON-ready dict described in issue 6.

    from perception.lyrics.analysis.analyze import Analyzer
    report = Analyzer.shared().analyze("[Chorus]\\nHold on ...")
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from motif.uploads import KINDS, UploadRejected

from . import mood as mood_mod
from . import prosody, sentiment, structure, themes
from .emotion import LABELS, EmotionClassifier, get_classifier
from .structure import HAN, LATIN, decode_lyrics
from .zh_emotion import chinese_emotion

REPORT_VERSION = 1
FUNCTION_WORDS = {"was", "were", "are", "am", "of", "for", "with", "that", "this", "from", "by", "as", "but",
                  "his", "her", "he", "she", "they", "them", "our", "your", "its", "all", "just", "there"}
MAX_LINES = KINDS["lyrics"].max_lines
Progress = Callable[[int, str], None]


class Analyzer:
    """Holds the loaded models; ``analyze`` is cheap after the first load."""

    _shared: "Analyzer | None" = None
    _lock = threading.Lock()

    def __init__(self, classifier: EmotionClassifier | None = None, checkpoint_dir: Path | None = None,
                 variant: str = "default"):
        self.classifier = classifier or get_classifier(variant, checkpoint_dir)
        self.calibration = mood_mod.load_calibration(checkpoint_dir)

    @classmethod
    def shared(cls) -> "Analyzer":
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def warm(self) -> "Analyzer":
        """Load the lazily loaded lexicons and tokenizers (CMUdict, VADER, YAKE, jieba) now."""
        self.analyze("Warm up the night, we sing in the light\n暖一暖夜里的歌", explain=True)
        return self

    # ------------------------------------------------------------------ public
    def analyze(self, raw: str | bytes, progress: Progress | None = None, explain: bool = True) -> dict:
        return self.analyze_batch([raw], progress=progress, explain=explain)[0]

    def analyze_batch(self, raws: list[str | bytes], progress: Progress | None = None,
                      explain: bool = True) -> list[dict]:
        """Analyse several songs, scoring all their lines in shared model batches.
        Raises UploadRejected for unusable input (the message is for the musician)."""
        started = time.perf_counter()
        report_progress = progress or (lambda pct, msg: None)
        texts = [decode_lyrics(raw) for raw in raws]
        parsed = [structure.parse_structure(t) for t in texts]
        for p in parsed:
            if len(p.lines) > MAX_LINES:
                raise UploadRejected("too_many_lines", lines=len(p.lines), limit=MAX_LINES)
        report_progress(10, "Reading the lines")
        all_lines = [line.text for p in parsed for line in p.lines]
        line_sent = [sentiment.line_sentiment(t) for t in all_lines]
        report_progress(30, "Scoring emotions")
        emotions = self._emotions(all_lines, line_sent, explain)
        report_progress(70, "Checking rhyme and syllables")
        reports, offset = [], 0
        for text, p in zip(texts, parsed):
            n = len(p.lines)
            reports.append(self._report(text, p, line_sent[offset : offset + n], emotions[offset : offset + n],
                                        explain))
            offset += n
        elapsed = time.perf_counter() - started
        for report in reports:
            report["seconds"] = round(elapsed / len(reports), 4)
        report_progress(100, "Done")
        return reports

    # ------------------------------------------------------------------ parts
    def _emotions(self, lines: list[str], sents: list[dict], explain: bool) -> list[dict]:
        """Model for English (or the English part of mixed lines), lexicon for Chinese."""
        # Choruses repeat: score each distinct English text once.
        english = {i: _english_part(text) for i, text in enumerate(lines)}
        unique = sorted({t for t in english.values() if t})
        by_text = dict(zip(unique, self.classifier.predict(unique, explain=explain)))
        predicted = {i: by_text[t] for i, t in english.items() if t}
        out = []
        for i, text in enumerate(lines):
            han, latin = len(HAN.findall(text)), len(LATIN.findall(text))
            model = predicted.get(i)
            scores = dict(model.scores) if model else None
            words = list(model.words) if model else []
            method = self.classifier.name
            if han:
                zh_scores, cues = chinese_emotion(text, sents[i]["score"])
                if scores is None:
                    scores, method = zh_scores, "zh-lexicon"
                else:  # mixed line: weight by each script's share
                    w_zh = han * 4 / (han * 4 + latin)
                    scores = {k: round(w_zh * zh_scores[k] + (1 - w_zh) * scores[k], 4) for k in LABELS}
                    method = f"{method}+zh-lexicon"
                words = words + cues
            if scores is None:  # no letters at all (emoji, numbers): no evidence
                scores, method = {k: round(1 / len(LABELS), 4) for k in LABELS}, "none"
            label = max(scores, key=scores.get)
            words = [(w, v) for w, v in words if w.lower() not in prosody.STOPWORDS | FUNCTION_WORDS]
            top_words = sorted(words, key=lambda kv: -kv[1])[:3] if method != "none" else []
            out.append({"label": label, "scores": scores, "method": method,
                        "words": [[w, round(v, 4)] for w, v in top_words if v > 0]})
        return out

    def _report(self, text: str, parsed: structure.Structure, sents: list[dict], emotions: list[dict],
                explain: bool) -> dict:
        lines_text = [line.text for line in parsed.lines]
        rhymes = prosody.assign_rhymes(lines_text)
        repeated, hook = structure.find_repeats(lines_text)
        positions = []
        lines = []
        for line, sent, emo, rhyme in zip(parsed.lines, sents, emotions, rhymes):
            pos = mood_mod.line_position(emo["scores"], sent["score"], line.text.count("!"))
            if emo["method"] != "none" or sent["score"]:
                positions.append(pos)
            entry = {
                "index": line.index,
                "text": line.text,
                "section": line.section,
                "stanza": line.stanza,
                "language": structure.detect_language(line.text),
                "sentiment": sent["score"],
                "emotion": {"label": emo["label"], "scores": emo["scores"]},
                "syllables": prosody.line_syllables(line.text),
                "rhyme": rhyme,
                "internal_rhymes": prosody.internal_rhymes(line.text),
                "valence": round(pos[0], 4),
                "arousal": round(pos[1], 4),
                "repeats": repeated.get(structure.normalise_line(line.text), 1),
            }
            if explain:
                entry["explain"] = {
                    "sentiment": [[w, v] for w, v in sentiment.explain_sentiment(line.text, sent["score"],
                                                                                 sent["method"])],
                    "emotion": emo["words"],
                }
            lines.append(entry)
        sections = [self._section(s, lines) for s in parsed.sections]
        language = structure.detect_language("\n".join(lines_text))
        words = themes.tokens("\n".join(lines_text))
        song_scores = _mean_scores([line["emotion"]["scores"] for line in lines])
        warnings = []
        if not any(HAN.search(t) or LATIN.search(t) for t in lines_text):
            warnings.append("No words found (only symbols or emoji); the report has little to say.")
        if any(len(t) > 2000 for t in lines_text):
            warnings.append("Some lines are very long; the emotion model reads the first 64 word pieces of each.")
        if language == "mixed" or any(HAN.search(t) for t in lines_text):
            warnings.append("Chinese lines are scored with lexicons (sentiment and emotion), not the English model.")
        return {
            "version": REPORT_VERSION,
            "language": language,
            "lines": lines,
            "sections": sections,
            "mood": mood_mod.song_mood(positions, self.calibration),
            "rhyme_scheme": " ".join(
                "".join(rhymes[i]["letter"] for i in s.lines) for s in parsed.sections if s.lines
            ),
            "keywords": themes.keywords("\n".join(lines_text), language),
            "themes": themes.themes("\n".join(lines_text)),
            "sentiment": {
                "valence": round(sum(s["score"] for s in sents) / len(sents), 4) if sents else 0.0,
                "arc": [s["score"] for s in sents],
                "methods": sorted({s["method"] for s in sents}),
            },
            "emotion": {"label": max(song_scores, key=song_scores.get) if lines else "", "scores": song_scores},
            "hook": hook,
            "repeated_lines": [{"text": t, "count": c} for t, c in sorted(repeated.items(), key=lambda kv: -kv[1])],
            "vocabulary": themes.vocabulary(words),
            "syllables": _syllable_summary([line["syllables"] for line in lines]),
            "stats": {"lines": len(lines), "stanzas": parsed.stanzas, "sections": len(sections),
                      "characters": len(text), "lrc_tags_removed": parsed.had_lrc_tags},
            "models": {"emotion": self.classifier.name, "emotion_meta": _meta_summary(self.classifier.meta),
                       "mood_calibrated": bool(self.calibration)},
            "warnings": warnings,
            "seconds": 0.0,
        }

    @staticmethod
    def _section(section: structure.Section, lines: list[dict]) -> dict:
        members = [lines[i] for i in section.lines]
        scores = _mean_scores([m["emotion"]["scores"] for m in members])
        return {
            "index": section.index,
            "kind": section.kind,
            "name": section.name,
            "lines": section.lines,
            "sentiment": round(sum(m["sentiment"] for m in members) / len(members), 4) if members else 0.0,
            "emotion": {"label": max(scores, key=scores.get) if members else "", "scores": scores},
            "rhyme_scheme": prosody.scheme_string([m["rhyme"]["letter"] for m in members]),
            "syllables": [m["syllables"] for m in members],
        }


def _english_part(text: str) -> str:
    """The words the English model reads: lower-case, no punctuation, like its training data."""
    return " ".join(prosody.WORD.findall(text)).lower()


def _mean_scores(rows: list[dict]) -> dict:
    if not rows:
        return {k: 0.0 for k in LABELS}
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in LABELS}


def _syllable_summary(counts: list[int]) -> dict:
    if not counts:
        return {"min": 0, "max": 0, "mean": 0.0}
    return {"min": min(counts), "max": max(counts), "mean": round(sum(counts) / len(counts), 2)}


def _meta_summary(meta: dict) -> dict:
    keep = ("variant", "date", "trainable_layers")
    out = {k: meta[k] for k in keep if k in meta}
    if "val" in meta:
        out["val_accuracy"] = meta["val"].get("accuracy")
        out["val_macro_f1"] = meta["val"].get("macro_f1")
    return out
