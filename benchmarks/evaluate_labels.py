"""Score voice, speaker, referent and agency against the hand-labelled set in tests/data/voice/.

Run ``python benchmarks/evaluate_labels.py`` to print the scores and write
``benchmarks/LABELS.md``; ``tests/test_labelled_set.py`` runs the same
evaluation and checks the targets (voice macro-F1 >= 0.90, agency and referent
accuracy >= 0.85).

How each label is scored (one row = one target occurrence):

- voice: the span of :func:`framing.segment_voice` at the target's first
  character, on the whole seed article or the written passage;
- speaker: rows whose gold speaker is set; a match when the gold head word
  (last word, case folded, ignoring a leading "the"/"a") is a word of the
  predicted speaker, or both are unknown;
- referent: the referent of the :func:`framing.find_referents` match that
  overlaps the target; a target that no lexicon term covers counts as
  ``unknown`` (and is reported in ``coverage``);
- agency: the construction of the :func:`framing.harm_reports` report that
  overlaps the target; no report counts as wrong.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LABELS = PROJECT / "tests" / "data" / "voice" / "labelled.jsonl"
RESULTS = PROJECT / "benchmarks" / "LABELS.md"

sys.path.insert(0, str(PROJECT))

from framing import Article, Corpus, load_corpus  # noqa: E402
from framing.agency import harm_reports  # noqa: E402
from framing.referents import find_referents  # noqa: E402
from framing.voice import segment_voice, voice_at  # noqa: E402

_ARTICLES = ("the", "a", "an", "one")


def load_rows(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _locate(rows: list[dict]) -> tuple[Corpus, list[tuple[str, int, int]]]:
    """A corpus of every text the rows point into, and each row's (article id, start, end) of its target."""
    seeds = load_corpus(PROJECT / "seeds")
    texts: dict[str, str] = {}
    where = []
    for row in rows:
        if row["context"] is None:
            article_id = Path(row["source"]).stem
            text = seeds[article_id].text
        else:
            article_id = "passage-" + row["id"].split("-")[0]
            text = row["context"]
        texts[article_id] = text
        sentence_start = text.index(row["sentence"])
        position = -1
        for _ in range(row.get("occurrence") or 1):
            position = row["sentence"].index(row["target"], position + 1)
        start = sentence_start + position
        where.append((article_id, start, start + len(row["target"])))
    corpus = Corpus([Article(article_id, text) for article_id, text in sorted(texts.items())])
    return corpus, where


def _head(name: str | None) -> str:
    words = [word for word in (name or "").lower().replace("\u2019", "'").split() if word not in _ARTICLES]
    return words[-1].removesuffix("'s").strip(".,") if words else ""


def speaker_matches(gold: str, predicted: str) -> bool:
    if gold == "unknown":
        return predicted in ("", "unknown")
    head = _head(gold)
    words = {word.removesuffix("'s").strip(".,") for word in predicted.lower().replace("\u2019", "'").split()}
    return bool(head) and (head in words or _head(predicted) in gold.lower().split())


def _scores(pairs: list[tuple[str, str]]) -> dict:
    """Per label precision, recall, F1 and support, plus accuracy and macro F1."""
    labels = sorted({gold for gold, _ in pairs})
    per_label = {}
    for label in labels:
        tp = sum(gold == label and predicted == label for gold, predicted in pairs)
        predicted_n = sum(predicted == label for _, predicted in pairs)
        gold_n = sum(gold == label for gold, _ in pairs)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / gold_n if gold_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1, "support": gold_n}
    accuracy = sum(gold == predicted for gold, predicted in pairs) / len(pairs) if pairs else 0.0
    macro = sum(score["f1"] for score in per_label.values()) / len(per_label) if per_label else 0.0
    return {"labels": per_label, "accuracy": accuracy, "macro_f1": macro, "n": len(pairs)}


def _overlapping(table, article_id: str, start: int, end: int):
    rows = table[(table["article_id"] == article_id) & (table["start"] < end) & (table["end"] > start)]
    return rows.iloc[0] if len(rows) else None


def evaluate(path: Path = LABELS) -> dict:
    rows = load_rows(path)
    corpus, where = _locate(rows)
    spans = {article.id: segment_voice(article.text) for article in corpus}
    referents = find_referents(corpus)
    reports = harm_reports(corpus)
    voice_pairs, referent_pairs, agency_pairs = [], [], []
    speaker_hits: Counter = Counter()
    misses: dict[str, list] = {"voice": [], "speaker": [], "referent": [], "agency": []}
    covered = 0
    for row, (article_id, start, end) in zip(rows, where):
        span = voice_at(spans[article_id], [start])[0]
        voice_pairs.append((row["voice"], span.voice))
        if row["voice"] != span.voice:
            misses["voice"].append((row["id"], row["target"], row["voice"], span.voice))
        if row["speaker"]:
            kind = "quotation" if row["voice"] == "quotation" else "reported"
            hit = speaker_matches(row["speaker"], span.speaker)
            speaker_hits[(kind, hit)] += 1
            if not hit:
                misses["speaker"].append((row["id"], row["speaker"], span.speaker))
        if row["referent"]:
            match = _overlapping(referents, article_id, start, end)
            covered += match is not None
            predicted = match["referent"] if match is not None else "unknown"
            referent_pairs.append((row["referent"], predicted))
            if predicted != row["referent"]:
                misses["referent"].append((row["id"], row["target"], row["referent"], predicted))
        if row["agency"]:
            report = _overlapping(reports, article_id, start, end)
            predicted = report["construction"] if report is not None else "none"
            agency_pairs.append((row["agency"], predicted))
            if predicted != row["agency"]:
                misses["agency"].append((row["id"], row["target"], row["agency"], predicted))
    speakers = {kind: {"correct": speaker_hits[(kind, True)],
                       "n": speaker_hits[(kind, True)] + speaker_hits[(kind, False)]}
                for kind in ("quotation", "reported")}
    return {"n_rows": len(rows), "voice": _scores(voice_pairs), "speaker": speakers,
            "referent": {**_scores(referent_pairs), "covered": covered},
            "agency": _scores(agency_pairs), "misses": misses}


def render(results: dict) -> str:
    lines = ["# Voice, speaker, referent and agency against the hand-labelled set", "",
             f"`python benchmarks/evaluate_labels.py` on `tests/data/voice/labelled.jsonl` "
             f"({results['n_rows']} rows; labelling rules in `tests/data/voice/LABELLING.md`).", ""]
    for name in ("voice", "referent", "agency"):
        scores = results[name]
        lines += [f"## {name.capitalize()}", "",
                  f"accuracy {scores['accuracy']:.3f}, macro F1 {scores['macro_f1']:.3f}, n = {scores['n']}"
                  + (f" (a lexicon term covers {scores['covered']} of the {scores['n']} targets)"
                     if name == "referent" else ""), "",
                  "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for label, score in scores["labels"].items():
            lines.append(f"| {label} | {score['precision']:.3f} | {score['recall']:.3f} | {score['f1']:.3f} | "
                         f"{score['support']} |")
        lines.append("")
    lines += ["## Speaker", "", "| attributed words | correct | n | accuracy |", "|---|---:|---:|---:|"]
    for kind, score in results["speaker"].items():
        accuracy = score["correct"] / score["n"] if score["n"] else 0.0
        lines.append(f"| {kind} | {score['correct']} | {score['n']} | {accuracy:.3f} |")
    lines += ["", "## Errors", ""]
    for name, rows in results["misses"].items():
        lines.append(f"- {name}: {len(rows)} rows" + (f", e.g. {'; '.join(map(str, rows[:4]))}" if rows else ""))
    return "\n".join(lines) + "\n"


def main() -> None:
    results = evaluate()
    text = render(results)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
