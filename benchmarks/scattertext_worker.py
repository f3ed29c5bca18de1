"""Child process of ``bench_scattertext.py``: one timed measurement, in a fresh interpreter.

The same file runs in two virtual environments:

* ``--side scattertext`` in the scattertext venv (``benchmarks/.work/scattertext-venv``),
  which has scattertext but not framing;
* ``--side framing`` in the project venv, which has framing but not scattertext.

Each run reads the article texts from a JSONL file written by
``bench_scattertext.py`` (``id``, ``outlet``, ``bias``, ``text``), times one
full path with ``time.perf_counter`` (and ``time.process_time``), and writes a
JSON object to ``--out`` with the timings, the peak RSS of this process
(``resource.getrusage``) and, with ``--scores``, every term's counts and
z-score as a compressed ``.npz`` beside it.

Tasks
-----
pair
    Two categories (``--category`` names the column, ``--groups A B``), A
    against B, unigrams. scattertext: ``CorpusFromPandas`` + ``PriorFactory``
    + ``LogOddsRatioInformativeDirichletPrior.get_scores`` (with ``--st-path
    scikit``: a scikit-learn ``CountVectorizer`` with the same tokenizer and
    ``CorpusFromScikit`` instead of ``CorpusFromPandas``). framing:
    ``distinctive_terms(..., pair=(A, B))``.
ovr
    Every category of ``--category`` against the rest. scattertext: one
    corpus, then one ``PriorFactory`` + ``get_scores`` call per category.
    framing: one ``distinctive_terms(..., by=...)`` call.
stages
    framing only: the pair (with ``--groups``) or one-vs-rest call split into
    stages (see ``run_framing_stages``).

What is timed starts from the texts in memory (a list of dicts read from the
JSONL) and ends with the z-scores: for scattertext the DataFrame, the corpus
build (tokenising and counting), the priors and the scores; for framing the
``Article`` and ``Corpus`` objects, tokenising, counting and the scores
table. Imports and reading the JSONL are not timed (reported separately).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
import unicodedata
from pathlib import Path

_RSS_SCALE = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in KiB on Linux

# --- A regex tokenizer for scattertext that reproduces framing.text.tokenize ---------------------
# scattertext has no framing in its venv, so the normalisation of framing.text.normalize_text is
# restated here: the same one-for-one replacements (curly quotes to straight, every dash to "-",
# odd spaces to " "), the same dropped characters (zero-width marks, BOM, soft hyphen), Unicode
# NFKC, lower case (U+0130 first made "I", as framing does), then framing's TOKEN_PATTERN.
_ONE_TO_ONE = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000\t\x0b\x0c", " "),
    "\r": "\n",
}
_DROPPED = dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", "")
_MAPPED = {**_ONE_TO_ONE, **_DROPPED}
#: Characters the normalisation changes; some are ASCII (backtick, tab, carriage return), as in framing.
_SPECIAL_RE = re.compile("[" + re.escape("".join(sorted(_MAPPED))) + "]")
TOKEN_PATTERN = r"[^\W_]+(?:['-][^\W_]+)*"
_TOKEN_RE = re.compile(TOKEN_PATTERN)


def _replace_special(text: str) -> str:
    for char in set(_SPECIAL_RE.findall(text)):
        text = text.replace(char, _MAPPED[char])
    return text


def regex_tokens(text: str) -> list[str]:
    """framing's word tokens, with the standard ``re`` module (as framing does for ASCII text).

    Like ``framing.text.normalize_text``: replace only the special characters
    present (one ``str.replace`` each), and run NFKC only when the text is not
    already in NFKC. NFKC is applied to the whole text rather than character
    by character as framing does; on this corpus that gives the same tokens.
    """
    if _SPECIAL_RE.search(text):
        text = _replace_special(text)
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = _replace_special(unicodedata.normalize("NFKC", text))
        text = text.replace("\u0130", "I")
    return _TOKEN_RE.findall(text.lower())


def _peak_rss_mb() -> float:
    """Peak RSS of this process so far (``getrusage``; on Linux never below the parent's RSS at fork time)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _RSS_SCALE / 1e6


def _vm_hwm_mb() -> float | None:
    """Peak RSS of this program's own address space (``VmHWM``, Linux; reset by exec), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return None


def _read_records(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


# --- scattertext side ------------------------------------------------------------------------------
def _scattertext_nlp():
    """A scattertext ``nlp`` function: one sentence of ``Tok`` objects from :func:`regex_tokens`.

    scattertext's own ``whitespace_nlp`` splits on every non-word character
    (``re.split(r"(\\W)")``), so "hamas-run" and "israel's" would become two
    tokens plus punctuation; this keeps framing's tokens instead. Every token
    is tagged ``WORD`` so that ``UnigramsFromSpacyDoc`` keeps it.
    """
    from scattertext.WhitespaceNLP import Doc, Tok

    def nlp(text):
        return Doc([[Tok("WORD", token, token, "", "") for token in regex_tokens(text)]], raw=text)

    return nlp


def _scattertext_corpus(records, category, path="pandas"):
    import pandas as pd
    import scattertext as st
    from scattertext.features.UnigramsFromSpacyDoc import UnigramsFromSpacyDoc

    if path == "scikit":
        # scattertext's documented tie-in to scikit-learn: a CountVectorizer's matrix, no Doc/Tok objects.
        import numpy as np
        from sklearn.feature_extraction.text import CountVectorizer

        texts = [r["text"] for r in records]
        names = sorted({r[category] for r in records})
        code = {name: position for position, name in enumerate(names)}
        vectorizer = CountVectorizer(tokenizer=regex_tokens, lowercase=False, token_pattern=None)
        matrix = vectorizer.fit_transform(texts)
        # raw_texts as an object array: given a list, CorpusFromScikit.build() makes np.array(list), a fixed-width
        # unicode array as wide as the longest text for every document (gigabytes here).
        return st.CorpusFromScikit(X=matrix, y=np.array([code[r[category]] for r in records]),
                                   feature_vocabulary=vectorizer.vocabulary_, category_names=names,
                                   raw_texts=np.array(texts, dtype=object)).build()
    frame = pd.DataFrame({"category": [r[category] for r in records], "text": [r["text"] for r in records]})
    return st.CorpusFromPandas(frame, category_col="category", text_col="text", nlp=_scattertext_nlp(),
                               feats_from_spacy_doc=UnigramsFromSpacyDoc()).build()


def _scattertext_scores(corpus, freq, group, others, prior_scale):
    """z-scores of ``group`` against ``others`` pooled, with the prior of framing's ``prior="pooled"``.

    ``PriorFactory(...).use_all_categories()`` with ``starting_count=0`` gives
    every term its count in the whole corpus, m_w; ``scale_type="corpus-size"``
    multiplies it by ``sigma * (n_i + n_j) / sum(m)``, so with
    ``sigma=prior_scale`` the pseudo-count is framing's
    ``prior_scale * (n_i + n_j) * m_w / M``.
    """
    import scattertext as st

    priors = (st.PriorFactory(corpus, category=group, not_categories=others, starting_count=0.0)
              .use_all_categories().get_priors())
    scorer = st.LogOddsRatioInformativeDirichletPrior(priors, sigma=prior_scale, scale_type="corpus-size")
    freq = freq.reindex(priors.index)
    y_i = freq[f"{group} freq"].to_numpy(float)
    y_j = freq[[f"{other} freq" for other in others]].to_numpy(float).sum(axis=1)
    z = scorer.get_scores(y_i, y_j)
    return priors, y_i, y_j, z


def run_scattertext(args, records) -> tuple[dict, dict]:
    started, cpu_started = time.perf_counter(), time.process_time()
    corpus = _scattertext_corpus(records, args.category, args.st_path)
    built, cpu_built = time.perf_counter(), time.process_time()
    freq = corpus.get_term_freq_df()
    categories = sorted(corpus.get_categories())
    comparisons = [(args.groups[0], [args.groups[1]])] if args.task == "pair" else \
        [(group, [c for c in categories if c != group]) for group in categories]
    results, call_seconds = {}, []
    for group, others in comparisons:
        call_started = time.perf_counter()
        results[group] = _scattertext_scores(corpus, freq, group, others, args.prior_scale)
        call_seconds.append(time.perf_counter() - call_started)
    finished, cpu_finished = time.perf_counter(), time.process_time()
    timing = {
        "seconds": finished - started, "cpu_seconds": cpu_finished - cpu_started,
        "build_seconds": built - started, "build_cpu_seconds": cpu_built - cpu_started,
        "score_seconds": finished - built, "call_seconds": call_seconds, "n_calls": len(comparisons),
        "n_terms": len(freq), "n_documents": corpus.get_num_docs(),
    }
    arrays = {}
    timing["st_path"] = args.st_path
    for position, (group, (priors, y_i, y_j, z)) in enumerate(results.items()):
        arrays[f"terms_{position}"] = priors.index.to_numpy(dtype=str)
        arrays[f"y_i_{position}"], arrays[f"y_j_{position}"] = y_i, y_j
        arrays[f"prior_{position}"] = priors.to_numpy(float)
        arrays[f"z_{position}"] = z
    return timing, {"groups": list(results), "arrays": arrays}


# --- framing side ----------------------------------------------------------------------------------
def run_framing(args, records) -> tuple[dict, dict]:
    import numpy as np

    import framing

    started, cpu_started = time.perf_counter(), time.process_time()
    corpus = framing.Corpus(framing.Article(r["id"], r["text"], outlet=r["outlet"], meta={"bias": r["bias"]})
                            for r in records)
    pair = tuple(args.groups) if args.task == "pair" else None
    table = framing.distinctive_terms(corpus, by=args.category, pair=pair, prior="pooled",
                                      prior_scale=args.prior_scale, min_count=args.min_count,
                                      ngram_range=(1, 1), voice=args.voice)
    finished, cpu_finished = time.perf_counter(), time.process_time()
    groups = list(dict.fromkeys(table["group"]))
    timing = {"seconds": finished - started, "cpu_seconds": cpu_finished - cpu_started, "n_calls": 1,
              "n_terms": int(table["term"].nunique()), "n_rows": len(table), "n_documents": len(corpus)}
    arrays = {}
    for position, group in enumerate(groups):
        rows = table[table["group"] == group]
        arrays[f"terms_{position}"] = rows["term"].to_numpy(dtype=str)
        for column in ("count_group", "count_versus", "n_tokens_group", "n_tokens_versus", "prior", "delta",
                       "se", "z"):
            arrays[f"{column}_{position}"] = rows[column].to_numpy(np.float64)
    return timing, {"groups": groups, "arrays": arrays}


def run_framing_stages(args, records) -> tuple[dict, dict]:
    """The call of :func:`run_framing` (a pair with ``--groups``, else one-vs-rest), split into stages.

    Uses framing's private token cache:

    ``Corpus`` objects; ``Corpus.to_frame`` (which counts every article's
    tokens for the rate denominators, cached on the corpus); the token ids of
    every article (``framing._tokens.corpus_tokens``, kept by
    ``shared_tokens`` for the call that follows); then ``distinctive_terms``
    itself, which finds both cached and so times the counting, statistics and
    output table alone.
    """
    import framing
    from framing._tokens import corpus_tokens, shared_tokens

    laps, cpu_laps = [time.perf_counter()], [time.process_time()]

    def lap():
        laps.append(time.perf_counter())
        cpu_laps.append(time.process_time())

    corpus = framing.Corpus(framing.Article(r["id"], r["text"], outlet=r["outlet"], meta={"bias": r["bias"]})
                            for r in records)
    lap()
    corpus.to_frame()
    lap()
    with shared_tokens():
        corpus_tokens(corpus)
        lap()
        framing.distinctive_terms(corpus, by=args.category, pair=tuple(args.groups) if args.groups else None,
                                  prior="pooled",
                                  prior_scale=args.prior_scale, min_count=args.min_count, ngram_range=(1, 1),
                                  voice=args.voice)
        lap()
    names = ["corpus_objects", "n_tokens_to_frame", "token_ids", "counts_statistics_table"]
    timing = {"seconds": laps[-1] - laps[0], "cpu_seconds": cpu_laps[-1] - cpu_laps[0], "n_calls": 1,
              "stages_seconds": {name: laps[k + 1] - laps[k] for k, name in enumerate(names)},
              "stages_cpu_seconds": {name: cpu_laps[k + 1] - cpu_laps[k] for k, name in enumerate(names)}}
    return timing, {"groups": [], "arrays": {}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--side", choices=["scattertext", "framing"], required=True)
    parser.add_argument("--task", choices=["pair", "ovr", "stages"], required=True)
    parser.add_argument("--texts", type=Path, required=True, help="JSONL of id, outlet, bias, text")
    parser.add_argument("--category", default="outlet", help="the record field that defines the groups")
    parser.add_argument("--groups", nargs=2, help="with --task pair: the two groups, first against second")
    parser.add_argument("--prior-scale", type=float, default=0.1)
    parser.add_argument("--min-count", type=float, default=1)
    parser.add_argument("--voice", default="all")
    parser.add_argument("--st-path", choices=["pandas", "scikit"], default="pandas",
                        help="scattertext corpus: CorpusFromPandas (Doc/Tok objects) or CorpusFromScikit")
    parser.add_argument("--scores", type=Path, help="write every term's counts and z-scores here (.npz)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.task == "pair" and not args.groups:
        parser.error(f"--task {args.task} needs --groups A B")
    if args.task == "stages" and args.side != "framing":
        parser.error("--task stages is for --side framing")

    import_started = time.perf_counter()
    # Imports are not part of the timed path (their time is reported on its own).
    if args.side == "scattertext":
        import scattertext  # noqa: F401
        import sklearn.feature_extraction.text  # noqa: F401  (CountVectorizer, for --st-path scikit)
        from importlib import metadata
        versions = {name: metadata.version(name) for name in ("scattertext", "pandas", "numpy", "scipy",
                                                               "scikit-learn")}
    else:
        import framing
        versions = {"framing": framing.__version__}
    import_seconds = time.perf_counter() - import_started
    read_started = time.perf_counter()
    records = _read_records(args.texts)
    read_seconds = time.perf_counter() - read_started
    rss_before, hwm_before = _peak_rss_mb(), _vm_hwm_mb()

    run = run_scattertext if args.side == "scattertext" else \
        run_framing_stages if args.task == "stages" else run_framing
    timing, scores = run(args, records)
    result = {"side": args.side, "task": args.task, "import_seconds": import_seconds,
              "read_seconds": read_seconds, "peak_rss_mb_before": rss_before, "peak_rss_mb": _peak_rss_mb(),
              "vm_hwm_mb_before": hwm_before, "vm_hwm_mb": _vm_hwm_mb(),
              "groups": scores["groups"], "python": sys.version.split()[0], **timing}
    result["versions"] = versions
    if args.scores:
        import numpy as np
        np.savez_compressed(args.scores, **scores["arrays"])
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
