"""framing.distinctive_terms against scattertext's LogOddsRatioInformativeDirichletPrior, on AllSides.

Run from the repository root with the project venv (about 5-7 minutes on 2 cores)::

    .venv/bin/python benchmarks/bench_scattertext.py
    .venv/bin/python benchmarks/bench_scattertext.py --render-only   # rewrite the report from the last results

It (1) picks the two largest outlets and the eight largest outlets of the
AllSides corpus, loads those articles with ``framing.load_corpus`` and writes
their texts to ``benchmarks/.work/scattertext/`` as JSONL, so that both sides read the
same texts; (2) makes a separate venv with scattertext in it if there is none
(``benchmarks/.work/scattertext-venv``; scattertext is never a dependency of
the project); (3) runs ``scattertext_worker.py`` in fresh interpreters, the
scattertext side in that venv and the framing side in this one, one at a time
and taking turns (wall and CPU time, peak RSS):

* pair, unigrams, the first outlet against the second, ``--repeats`` times
  each: scattertext through ``CorpusFromPandas`` and through
  ``CorpusFromScikit``, framing; plus one framing run with its default
  ``voice="narration"`` and one split into stages;
* one-vs-rest for the eight outlets, ``--ovr-repeats`` times each:
  scattertext builds the corpus once and needs one
  ``LogOddsRatioInformativeDirichletPrior`` call per outlet, framing one
  ``distinctive_terms(by="outlet")`` call; plus one framing run split into
  stages;

then (4) compares the tokens and the z-scores term by term, times
``normalize_text`` on its own, and writes
``benchmarks/SCATTERTEXT.md`` and ``benchmarks/.work/scattertext/scattertext_results.json``.

Settings that make the two sides compute the same thing: unigrams; framing's
tokens (scattertext gets a regex ``nlp`` that reproduces them, see
``scattertext_worker.regex_tokens``); ``voice="all"`` (framing's default
``"narration"`` blanks quotations, which scattertext does not);
``min_count=1``; the pooled prior with ``prior_scale=0.1`` on our side and
``PriorFactory(...).use_all_categories()`` with ``starting_count=0`` and
``scale_type="corpus-size"``, ``sigma=0.1`` on scattertext's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from harness import Context, benchmark, run_child, target  # noqa: E402  (benchmarks/harness.py)
from machine import describe_machine  # noqa: E402  (benchmarks/machine.py)

# numpy, pandas, scipy and framing are imported only where they are used (the preparation runs in a child
# process, the comparison after every measurement): on Linux a child's ru_maxrss starts from its parent's RSS at
# fork time, so this process stays small while it starts the measured children.

DEFAULT_DATA = REPO.parent / "shared" / "data" / "allsides" / "allsides_abp.jsonl.gz"
WORK = HERE / ".work" / "scattertext"  # texts, runs, scores, results (gitignored scratch)
VENV = HERE / ".work" / "scattertext-venv"
WORKER = HERE / "scattertext_worker.py"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# --- inputs ----------------------------------------------------------------------------------------
def prepare_texts(data: Path, n_outlets: int, limit: int | None = None) -> dict:
    """Write the texts of the ``n_outlets`` largest outlets (by articles) as JSONL, as framing loads them.

    The chosen records go to a raw JSONL (``bias`` flattened from
    ``labels.bias_text``), are loaded with ``framing.load_corpus`` (which
    turns any HTML into text and trims the text), and the loaded articles'
    ``id, outlet, bias, text`` are written to ``texts_ovr.jsonl``; the two
    largest outlets' articles also to ``texts_pair.jsonl``. Both sides read
    these files, so they see exactly the same strings. ``limit`` keeps only the
    first articles of each outlet (for a quick trial of the script).
    """
    sizes = Counter()
    with gzip.open(data, "rt", encoding="utf-8") as handle:
        for line in handle:
            sizes[json.loads(line)["outlet"]] += 1
    outlets = [name for name, _ in sorted(sizes.items(), key=lambda item: (-item[1], item[0]))[:n_outlets]]
    chosen = set(outlets)
    raw = WORK / "raw_ovr.jsonl"
    taken = Counter()
    with gzip.open(data, "rt", encoding="utf-8") as handle, open(raw, "w", encoding="utf-8") as out:
        for line in handle:
            record = json.loads(line)
            if record["outlet"] in chosen and (limit is None or taken[record["outlet"]] < limit):
                taken[record["outlet"]] += 1
                out.write(json.dumps({"id": record["id"], "outlet": record["outlet"],
                                      "bias": record["labels"]["bias_text"], "text": record["text"]}) + "\n")
    import framing

    corpus = framing.load_corpus(raw)
    raw.unlink()
    files = {"ovr": WORK / "texts_ovr.jsonl", "pair": WORK / "texts_pair.jsonl"}
    counts = {"ovr": Counter(), "pair": Counter()}
    text_bytes = {"ovr": 0, "pair": 0}
    with open(files["ovr"], "w", encoding="utf-8") as ovr, open(files["pair"], "w", encoding="utf-8") as pair:
        for article in corpus:
            line = json.dumps({"id": article.id, "outlet": article.outlet, "bias": article.meta.get("bias", ""),
                               "text": article.text}) + "\n"
            size = len(article.text.encode("utf-8"))
            ovr.write(line)
            counts["ovr"][article.outlet] += 1
            text_bytes["ovr"] += size
            if article.outlet in outlets[:2]:
                pair.write(line)
                counts["pair"][article.outlet] += 1
                text_bytes["pair"] += size
    return {"outlets": outlets, "pair": outlets[:2], "files": {k: str(v) for k, v in files.items()},
            "articles": {k: dict(v) for k, v in counts.items()}, "text_bytes": text_bytes,
            "skipped_by_loader": int((corpus.load_report["status"] != "loaded").sum())}


def ensure_venv() -> Path:
    """The scattertext venv's python, made on first use (PyPI only; never the project's venv)."""
    python = VENV / "bin" / "python"
    check = [str(python), "-c", "import scattertext, pandas, numpy, scipy, sklearn"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    log(f"making {VENV} with scattertext (PyPI)")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # six: scattertext 0.2.2 imports it (via future/six) without declaring it.
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "scattertext", "pandas", "numpy", "scipy",
                    "scikit-learn", "six"], check=True)
    subprocess.run(check, check=True)
    return python


def run_worker(python: Path, side: str, task: str, texts: str, *, out: Path, scores: Path | None = None,
               groups=None, voice: str = "all", prior_scale: float, category: str = "outlet",
               st_path: str = "pandas") -> dict:
    """One measurement in a fresh interpreter; its JSON result plus the child's rusage."""
    argv = [str(python), str(WORKER), "--side", side, "--task", task, "--texts", texts, "--out", str(out),
            "--category", category, "--prior-scale", repr(prior_scale), "--min-count", "1", "--voice", voice,
            "--st-path", st_path]
    if groups:
        argv += ["--groups", *groups]
    if scores:
        argv += ["--scores", str(scores)]
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, **ONE_THREAD}, cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"worker failed ({os.waitstatus_to_exitcode(status)}): {' '.join(argv)}")
    result = json.loads(out.read_text(encoding="utf-8"))
    result["process_wall_seconds"] = time.perf_counter() - started
    result["process_peak_rss_mb"] = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024) / 1e6
    return result


def interleaved(plan: dict, repeats: int, prefix: str) -> dict:
    """Run every measurement of ``plan`` ``repeats`` times, taking turns (A, B, C, A, B, C, ...).

    Taking turns spreads changes in the load of a shared machine over every
    side instead of one. ``plan`` maps a name to the arguments of
    :func:`run_worker` (``python, side, task, texts`` and keywords); an entry
    may set ``"repeats"`` lower. The first run of each writes its scores unless
    the entry sets ``"keep_scores": False``.
    """
    runs = {name: [] for name in plan}
    for number in range(repeats):
        for name, spec in plan.items():
            if number >= spec.get("repeats", repeats):
                continue
            tag = f"{prefix}_{name}"
            keywords = {k: v for k, v in spec.items()
                        if k not in ("python", "side", "task", "texts", "repeats", "keep_scores")}
            keep = number == 0 and spec.get("keep_scores", True)
            run = run_worker(spec["python"], spec["side"], spec["task"], spec["texts"], out=WORK / f"run_{tag}.json",
                             scores=WORK / f"scores_{tag}.npz" if keep else None, **keywords)
            log(f"{tag} #{number + 1}: {run['seconds']:.2f} s wall, {run['cpu_seconds']:.2f} s CPU, "
                f"peak RSS {run['peak_rss_mb']:.0f} MB")
            runs[name].append(run)
    return {name: summary(found) for name, found in runs.items()}


def summary(runs: list[dict]) -> dict:
    keys = ["seconds", "cpu_seconds", "peak_rss_mb", "peak_rss_mb_before", "import_seconds"]
    keys += [k for k in ("vm_hwm_mb", "vm_hwm_mb_before") if runs[0].get(k) is not None]
    keys += [k for k in ("build_seconds", "score_seconds") if k in runs[0]]
    result = {f"median_{k}": statistics.median(run[k] for run in runs) for k in keys}
    result["runs"] = runs
    return result


# --- agreement -------------------------------------------------------------------------------------
def token_check(texts_path: str) -> dict:
    """framing's tokens against the scattertext side's tokenizer, text by text, and the cost of the bare regex.

    ``regex_floor_cpu_seconds`` is the CPU time of ``re.findall(TOKEN_PATTERN, text.lower())`` over every text,
    with no normalisation: a lower bound for any tokenizer that uses this pattern with Python's ``re``.
    """
    import re

    from framing._tokens import word_tokens
    from scattertext_worker import TOKEN_PATTERN, regex_tokens

    records = [json.loads(line) for line in open(texts_path, encoding="utf-8")]
    only_framing, only_scattertext, differing = Counter(), Counter(), 0
    for record in records:
        ours, theirs = word_tokens(record["text"]), regex_tokens(record["text"])
        if ours != theirs:
            differing += 1
            only_framing.update(Counter(ours) - Counter(theirs))
            only_scattertext.update(Counter(theirs) - Counter(ours))
    pattern = re.compile(TOKEN_PATTERN)
    started = time.process_time()
    n_tokens = sum(len(pattern.findall(record["text"].lower())) for record in records)
    floor = time.process_time() - started
    return {"texts": len(records), "texts_differing": differing,
            "only_framing": {repr(k): v for k, v in only_framing.most_common(10)},
            "only_scattertext": {repr(k): v for k, v in only_scattertext.most_common(10)},
            "regex_floor_cpu_seconds": floor, "regex_floor_tokens": n_tokens}


def normalize_check(texts_path: str) -> dict:
    """CPU time of one pass of ``framing.text.normalize_text`` over every text, split by whether NFKC changes it.

    framing runs it twice per text in each ``distinctive_terms`` call (token totals and token ids). Texts that
    NFKC changes (an ellipsis is enough) take its slow path, which builds an offset map.
    """
    import unicodedata

    from framing.text import normalize_text

    texts = [json.loads(line)["text"] for line in open(texts_path, encoding="utf-8")]
    needs = [unicodedata.normalize("NFKC", text) != text for text in texts]
    seconds = {True: 0.0, False: 0.0}
    for text, slow in zip(texts, needs):
        started = time.process_time()
        normalize_text(text)
        seconds[slow] += time.process_time() - started
    return {"texts": len(texts), "texts_nfkc": sum(needs), "cpu_seconds": seconds[True] + seconds[False],
            "cpu_seconds_nfkc": seconds[True], "cpu_seconds_other": seconds[False]}


def _frames(tag_framing: str, tag_scattertext: str, framing_groups, scattertext_groups):
    import numpy as np
    import pandas as pd

    ours, theirs = np.load(WORK / f"scores_{tag_framing}.npz"), np.load(WORK / f"scores_{tag_scattertext}.npz")
    for group in scattertext_groups:
        i, j = framing_groups.index(group), scattertext_groups.index(group)
        f = pd.DataFrame({key: ours[f"{key}_{i}"] for key in (
            "terms", "count_group", "count_versus", "n_tokens_group", "n_tokens_versus", "prior", "delta", "se", "z")})
        s = pd.DataFrame({key: theirs[f"{key}_{j}"] for key in ("terms", "y_i", "y_j", "prior", "z")})
        yield group, f.set_index("terms"), s.set_index("terms")


def compare(f, s, prior_scale: float, stop_words: frozenset) -> dict:
    """Term-by-term agreement of one comparison (framing rows ``f``, scattertext rows ``s``: DataFrames by term)."""
    import numpy as np
    from scipy import stats

    only_ours = f.index.difference(s.index)
    only_theirs = s.index.difference(f.index)
    joined = f.join(s.add_prefix("st_"), how="inner")
    n_i, n_j = s["y_i"].sum(), s["y_j"].sum()  # scattertext's class sizes: sums over its whole vocabulary
    a_0 = prior_scale * (n_i + n_j)
    st_prior = joined["st_prior"] * a_0 / s["prior"].sum()  # scale_type="corpus-size"
    y_i, y_j = joined["st_y_i"], joined["st_y_j"]
    # scattertext's variance (four terms) on our delta; and our two-term variance on scattertext's delta.
    full_var = (1 / (y_i + st_prior) + 1 / (n_i + a_0 - y_i - st_prior)
                + 1 / (y_j + st_prior) + 1 / (n_j + a_0 - y_j - st_prior))
    two_term_var = 1 / (y_i + st_prior) + 1 / (y_j + st_prior)
    ours_with_full_var = joined["delta"] / np.sqrt(full_var)
    theirs_with_two_term_var = joined["st_z"] * np.sqrt(full_var) / np.sqrt(two_term_var)
    z, st_z = joined["z"].to_numpy(), joined["st_z"].to_numpy()
    top = 100

    def top_overlap(values_a, values_b, sign):
        a = set(joined.index[np.argsort(-sign * values_a, kind="stable")[:top]])
        b = set(joined.index[np.argsort(-sign * values_b, kind="stable")[:top]])
        return len(a & b)

    same_counts = ((joined["count_group"] == y_i) & (joined["count_versus"] == y_j)).to_numpy()
    difference = np.abs(z - st_z)
    worst = joined.index[int(np.argmax(difference))]
    return {
        "terms_framing": len(f), "terms_scattertext": len(s), "terms_common": len(joined),
        "only_framing": [repr(t) for t in only_ours[:10]], "n_only_framing": len(only_ours),
        "n_only_scattertext": len(only_theirs),
        "n_only_scattertext_stop_words": int(sum(t in stop_words for t in only_theirs)),
        "only_scattertext_not_stop_words": [repr(t) for t in only_theirs if t not in stop_words][:10],
        "count_mismatches": int((~same_counts).sum()),
        "count_mismatch_terms": {str(t): [float(joined.loc[t, "count_group"]), float(joined.loc[t, "st_y_i"]),
                                          float(joined.loc[t, "count_versus"]), float(joined.loc[t, "st_y_j"])]
                                 for t in joined.index[~same_counts][:10]},
        "n_i_framing": float(f["n_tokens_group"].iloc[0]), "n_j_framing": float(f["n_tokens_versus"].iloc[0]),
        "n_i_scattertext": float(n_i), "n_j_scattertext": float(n_j),
        "prior_max_rel_diff": float((np.abs(joined["prior"] - st_prior) / st_prior).max()),
        "z_pearson": float(stats.pearsonr(z, st_z)[0]), "z_spearman": float(stats.spearmanr(z, st_z)[0]),
        "z_max_abs_diff": float(difference.max()), "z_max_abs_diff_term": str(worst),
        "z_at_max_diff": [float(joined.loc[worst, "z"]), float(joined.loc[worst, "st_z"])],
        "z_median_abs_diff": float(np.median(difference)),
        "z_max_rel_diff_abs_z_ge_1": float((difference / np.abs(st_z))[np.abs(st_z) >= 1].max()),
        "z_max_abs": float(np.abs(st_z).max()),
        "top100_overlap_positive": top_overlap(z, st_z, 1), "top100_overlap_negative": top_overlap(z, st_z, -1),
        "max_abs_diff_ours_delta_over_scattertext_se": float(np.abs(ours_with_full_var - st_z).max()),
        "max_abs_diff_same_formula_same_counts": float(np.abs(ours_with_full_var - st_z)[same_counts].max()),
        "max_rel_diff_same_formula_same_counts_abs_z_ge_1": float(
            (np.abs(ours_with_full_var - st_z) / np.abs(st_z))[same_counts & (np.abs(st_z) >= 1)].max()),
        "max_abs_diff_scattertext_delta_over_our_se": float(np.abs(theirs_with_two_term_var - z).max()),
    }


# --- report ----------------------------------------------------------------------------------------
def _fmt_time(seconds: float) -> str:
    return f"{seconds:.2f}"


def _times(summary_: dict, key: str = "seconds") -> str:
    return ", ".join(_fmt_time(run[key]) for run in summary_["runs"])


def _timing_table(sides: dict, framing_side: dict, label_calls=None) -> list[str]:
    """Rows of wall/CPU/RSS for each scattertext path and framing, with ratios to framing."""
    names = list(sides)
    lines = ["| | " + " | ".join(names) + " | framing |", "|---|" + "---:|" * (len(names) + 1)]
    if label_calls:
        lines.append("| calls | " + " | ".join(label_calls(sides[n]) for n in names) + " | 1 `distinctive_terms` |")
    for key, label in (("seconds", "wall time, median (s)"), ("cpu_seconds", "CPU time, median (s)")):
        lines.append(f"| {label} | " + " | ".join(_fmt_time(sides[n][f"median_{key}"]) for n in names)
                     + f" | {_fmt_time(framing_side[f'median_{key}'])} |")
        lines.append(f"| {label.split(',')[0]} ratio to framing | "
                     + " | ".join(f"**{sides[n][f'median_{key}'] / framing_side[f'median_{key}']:.1f}x**"
                                  for n in names) + " | 1 |")
    lines.append("| of which corpus build, median wall (s) | "
                 + " | ".join(_fmt_time(sides[n]["median_build_seconds"]) for n in names) + " | |")
    lines.append("| of which priors + scores, median wall (s) | "
                 + " | ".join(_fmt_time(sides[n]["median_score_seconds"]) for n in names) + " | |")
    lines.append("| each run, wall (s) | " + " | ".join(_times(sides[n]) for n in names)
                 + f" | {_times(framing_side)} |")
    lines.append("| each run, CPU (s) | " + " | ".join(_times(sides[n], "cpu_seconds") for n in names)
                 + f" | {_times(framing_side, 'cpu_seconds')} |")
    every = [*(sides[n] for n in names), framing_side]
    lines.append("| peak RSS, `getrusage` ru_maxrss, median (MB) | "
                 + " | ".join(f"{side['median_peak_rss_mb']:.0f}" for side in every) + " |")
    lines.append("| of which before the timed path: imports + texts read (MB) | "
                 + " | ".join(f"{side['median_peak_rss_mb_before']:.0f}" for side in every) + " |")
    if all("median_vm_hwm_mb" in side for side in every):
        lines.append("| peak RSS, `/proc/self/status` VmHWM, median (MB) | "
                     + " | ".join(f"{side['median_vm_hwm_mb']:.0f}" for side in every) + " |")
    lines.append("| import time, not timed (s) | "
                 + " | ".join(_fmt_time(sides[n]["median_import_seconds"]) for n in names)
                 + f" | {_fmt_time(framing_side['median_import_seconds'])} |")
    lines.append("| terms | " + " | ".join(f"{sides[n]['runs'][0]['n_terms']:,}" for n in names)
                 + f" | {framing_side['runs'][0]['n_terms']:,} (no stop words) |")
    return lines


def _agreement_rows(ag: dict) -> list[str]:
    mismatches = "; ".join(f"{t!r}: framing {v[0]:.0f}/{v[2]:.0f}, scattertext {v[1]:.0f}/{v[3]:.0f}"
                           for t, v in ag["count_mismatch_terms"].items())
    return [
        f"| terms: framing / scattertext / common | {ag['terms_framing']:,} / {ag['terms_scattertext']:,} "
        f"/ {ag['terms_common']:,} |",
        f"| scattertext-only terms that are scikit-learn stop words | {ag['n_only_scattertext_stop_words']} of "
        f"{ag['n_only_scattertext']} {', '.join(ag['only_scattertext_not_stop_words'])} |",
        f"| framing-only terms | {ag['n_only_framing']}: {', '.join(ag['only_framing'])} |",
        f"| common terms whose counts differ | {ag['count_mismatches']} {mismatches} |",
        f"| tokens n_A, n_B: framing (`n_tokens_group`, `n_tokens_versus`) | {ag['n_i_framing']:,.0f}, "
        f"{ag['n_j_framing']:,.0f} |",
        f"| tokens n_A, n_B: scattertext (sum of its counts) | {ag['n_i_scattertext']:,.0f}, "
        f"{ag['n_j_scattertext']:,.0f} |",
        f"| prior a_w, max relative difference | {ag['prior_max_rel_diff']:.1e} |",
        f"| z: Pearson / Spearman | {ag['z_pearson']:.10f} / {ag['z_spearman']:.10f} |",
        f"| z: max abs difference (term: framing z, scattertext z) | {ag['z_max_abs_diff']:.4g} "
        f"({ag['z_max_abs_diff_term']!r}: {ag['z_at_max_diff'][0]:.4f}, {ag['z_at_max_diff'][1]:.4f}); "
        f"the largest abs z is {ag['z_max_abs']:.1f} |",
        f"| z: median abs difference; max relative difference where abs z >= 1 | {ag['z_median_abs_diff']:.2e}; "
        f"{ag['z_max_rel_diff_abs_z_ge_1']:.2e} |",
        f"| top 100 terms by z, shared (A side / B side) | {ag['top100_overlap_positive']} / "
        f"{ag['top100_overlap_negative']} |",
        f"| **same formula** (framing's delta over scattertext's SE vs scattertext's z), max abs diff, terms with "
        f"equal counts | **{ag['max_abs_diff_same_formula_same_counts']:.1e}** (relative, abs z >= 1: "
        f"{ag['max_rel_diff_same_formula_same_counts_abs_z_ge_1']:.1e}) |",
        f"| same formula, max abs diff, all common terms | {ag['max_abs_diff_ours_delta_over_scattertext_se']:.1e} |",
        f"| scattertext's delta over framing's SE vs framing's z, max abs diff | "
        f"{ag['max_abs_diff_scattertext_delta_over_our_se']:.1e} |",
    ]


def render(results: dict) -> str:
    m, prep, pair, ovr = results["machine"], results["inputs"], results["pair"], results["ovr"]
    a, b = prep["pair"]
    ag = results["agreement_pair"]
    st_pair = {"scattertext CorpusFromPandas": pair["scattertext"],
               "scattertext CorpusFromScikit": pair["scattertext_scikit"]}
    st_ovr = {"scattertext CorpusFromPandas": ovr["scattertext"],
              "scattertext CorpusFromScikit": ovr["scattertext_scikit"]}
    ratio = {key: pair["scattertext"][f"median_{key}"] / pair["framing"][f"median_{key}"]
             for key in ("seconds", "cpu_seconds")}
    ratio_scikit = {key: pair["scattertext_scikit"][f"median_{key}"] / pair["framing"][f"median_{key}"]
                    for key in ("seconds", "cpu_seconds")}
    target = 10
    load_start, load_end = m["load_average_at_start"], results["load_average_at_end"]
    lines = [
        "# framing.distinctive_terms vs scattertext's LogOddsRatioInformativeDirichletPrior",
        "",
        f"Generated by `{results['command']}` (from the repository root, project venv active) on {m['date']}; "
        f"{results['total_seconds']:.0f} s in all. Rendered from "
        "`benchmarks/.work/scattertext/scattertext_results.json`: run the "
        "command again rather than edit this file. scattertext runs in its own venv "
        "(`benchmarks/.work/scattertext-venv`, made by the script if missing); it is not a dependency of framing. "
        "`--render-only` rewrites this file from that JSON (same measurements).",
        "",
        "A measurement, not a test: a missed target is reported here, never raised. MB = 10^6 bytes.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
        f"| Date (UTC) | {m['date']} |",
        f"| CPU (/proc/cpuinfo) | {m['cpu_model']}, {m['cpu_mhz']} MHz, cache {m['cpu_cache']} |",
        f"| Cores | nproc {results['nproc']} ({m['logical_cpus']} logical) |",
        f"| RAM | {m['memory_bytes'] / 2**30:.1f} GiB |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} (both venvs: {pair['scattertext']['runs'][0]['python']}) |",
        f"| framing side | framing {pair['framing']['runs'][0]['versions']['framing']}, "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if k != "framing" and v) + " |",
        "| scattertext side | " + ", ".join(f"{k} {v}" for k, v in
                                           pair["scattertext"]["runs"][0]["versions"].items()) + " |",
        f"| framing commit / framing/*.py SHA-256 (16 hex) | {m['git_commit']} / {m['framing_source_sha256']} |",
        f"| Load average (1, 5, 15 min) at start; at end | {', '.join(map(str, load_start))}; "
        f"{', '.join(map(str, load_end))} |",
        "",
    ]
    if load_start and max(load_start[0], load_end[0]) > 0.5 * (m["usable_cpus"] or 1):
        lines += [f"**The machine was shared and busy** (1-minute load {load_start[0]} at start, {load_end[0]} at end, "
                  f"on {m['usable_cpus']} cores): wall times include waiting for a core. CPU times "
                  "(`time.process_time` of the measured process) are the steadier comparison; ratios are given for "
                  "both. Every measurement runs alone, in a fresh process, one after another.", ""]
    lines += [
        "## Data",
        "",
        f"AllSides (`{results['data']}`): the {len(prep['outlets'])} outlets with the most articles, loaded with "
        "`framing.load_corpus` and written to `benchmarks/.work/scattertext/texts_*.jsonl` "
        "(`id, outlet, bias, text`). Both "
        "sides read those files, so they see exactly the same strings.",
        "",
        "| set | outlets (articles) | articles | text (MB, UTF-8) |",
        "|---|---|---:|---:|",
        f"| pair | {'; '.join(f'{o} ({n:,})' for o, n in prep['articles']['pair'].items())} | "
        f"{sum(prep['articles']['pair'].values()):,} | {prep['text_bytes']['pair'] / 1e6:.1f} |",
        f"| {len(prep['outlets'])} outlets | "
        f"{'; '.join(f'{o} ({n:,})' for o, n in prep['articles']['ovr'].items())} | "
        f"{sum(prep['articles']['ovr'].values()):,} | {prep['text_bytes']['ovr'] / 1e6:.1f} |",
        "",
        f"The two largest outlets are also on opposite sides of the AllSides rating ({a}: left, {b}: right), so "
        "the pair is a left-vs-right comparison with plenty of text.",
        "",
        "## Summary",
        "",
        "| what | target | measured | met |",
        "|---|---|---:|:---:|",
        f"| z agreement, same formula, terms with equal counts (max abs diff) | ~1e-6 | "
        f"{ag['max_abs_diff_same_formula_same_counts']:.1e} | "
        f"{'yes' if ag['max_abs_diff_same_formula_same_counts'] < 1e-6 else '**no**'} |",
        f"| z agreement, each side's own variance formula (max abs diff) | ~1e-6 | {ag['z_max_abs_diff']:.3g} | "
        f"{'yes' if ag['z_max_abs_diff'] < 1e-6 else '**no**: different variance (below)'} |",
        f"| z agreement, Pearson / Spearman | | {ag['z_pearson']:.10f} / {ag['z_spearman']:.10f} | |",
        f"| pair speed vs CorpusFromPandas, median wall / CPU | >= {target}x | {ratio['seconds']:.1f}x / "
        f"{ratio['cpu_seconds']:.1f}x | {'yes' if min(ratio.values()) >= target else '**no**'} |",
        f"| pair speed vs CorpusFromScikit, median wall / CPU | >= {target}x | {ratio_scikit['seconds']:.1f}x / "
        f"{ratio_scikit['cpu_seconds']:.1f}x | {'yes' if min(ratio_scikit.values()) >= target else '**no**'} |",
        f"| {len(prep['outlets'])} outlets one-vs-rest, median wall: scattertext (build + "
        f"{ovr['scattertext']['runs'][0]['n_calls']} calls) / framing (1 call) | | "
        f"{ovr['scattertext']['median_seconds']:.1f} s / {ovr['framing']['median_seconds']:.1f} s = "
        f"{ovr['scattertext']['median_seconds'] / ovr['framing']['median_seconds']:.1f}x | |",
        "",
        f"## 1. Time and memory: {a} vs {b}, unigrams",
        "",
        f"Median of {len(pair['framing']['runs'])} run(s) per side, each in a fresh process; the sides take turns "
        "(one run of each, then again), so that a change in the machine's load falls on all of them.",
        "",
        *_timing_table(st_pair, pair["framing"]),
        "",
        "What is timed (from the texts in memory to the z-scores; imports and reading the JSONL excluded):",
        "",
        "* **scattertext, CorpusFromPandas** (the path asked for): `pandas.DataFrame` of the texts -> "
        "`CorpusFromPandas(df, 'category', 'text', nlp=<regex tokenizer>, feats_from_spacy_doc=UnigramsFromSpacyDoc())"
        ".build()` -> `get_term_freq_df()` -> `PriorFactory(corpus, category=A, not_categories=[B], "
        "starting_count=0).use_all_categories().get_priors()` -> `LogOddsRatioInformativeDirichletPrior(priors, "
        "sigma=0.1, scale_type='corpus-size').get_scores(y_A, y_B)`.",
        "* **scattertext, CorpusFromScikit** (scattertext's documented scikit-learn tie-in, a faster way to the same "
        "corpus): the same tokenizer in a `CountVectorizer(tokenizer=..., lowercase=False)`, its matrix into "
        "`CorpusFromScikit(...).build()`, then the same priors and scores. `raw_texts` is given as an object array: "
        "given a plain list, `build()` calls `np.array(list)`, a fixed-width unicode array as wide as the longest text "
        "for every document (a first run of this benchmark peaked at 2.2 GB for the pair and 6.6 GB for 8 outlets). "
        "Not asked for, but without it the "
        "ratio above measures scattertext's one-Python-object-per-token `Doc`/`Tok` pipeline more than its statistics.",
        "* **framing**: `Article` and `Corpus` objects from the same texts -> `distinctive_terms(corpus, by='outlet', "
        "pair=(A, B), prior='pooled', prior_scale=0.1, min_count=1, ngram_range=(1, 1), voice='all')`, which "
        "returns the full table (counts, rates, prior, delta, SE, z, p, Holm-adjusted p, flag).",
        "",
    ]
    narration = pair.get("framing_narration")
    if narration:
        lines += [f"With framing's default `voice='narration'` (quotations blanked: different counts, so not comparable "
                  f"with scattertext) the same call took {_fmt_time(narration['median_seconds'])} s wall, "
                  f"{_fmt_time(narration['median_cpu_seconds'])} s CPU (1 run).", ""]
    calls = [statistics.median(run["call_seconds"][k] for run in ovr["scattertext"]["runs"])
             for k in range(ovr["scattertext"]["runs"][0]["n_calls"])]
    calls_scikit = [statistics.median(run["call_seconds"][k] for run in ovr["scattertext_scikit"]["runs"])
                    for k in range(ovr["scattertext_scikit"]["runs"][0]["n_calls"])]
    n_calls = ovr["scattertext"]["runs"][0]["n_calls"]
    lines += [
        f"## 2. N = {len(prep['outlets'])} outlets, each against the rest",
        "",
        "`LogOddsRatioInformativeDirichletPrior.get_scores(y_i, y_j)` takes two count vectors: one category against "
        "one other, or against the rest once the caller has summed them (here via `PriorFactory`'s "
        f"`not_categories` and a sum of the other categories' frequency columns). {len(prep['outlets'])} outlets "
        f"one-vs-rest therefore take {n_calls} `PriorFactory` + `get_scores` calls on one corpus built once; "
        "`distinctive_terms(corpus, by='outlet')` does all of them in one call (one count matrix, the comparisons "
        f"in one block). Median of {len(ovr['framing']['runs'])} run(s) each.",
        "",
        *_timing_table(st_ovr, ovr["framing"],
                       label_calls=lambda side: f"1 build + {side['runs'][0]['n_calls']} calls"),
        "",
        f"The {n_calls} scattertext score calls, wall (s), CorpusFromPandas corpus: "
        f"{', '.join(f'{c:.2f}' for c in calls)}; CorpusFromScikit corpus: "
        f"{', '.join(f'{c:.2f}' for c in calls_scikit)}. Each call rebuilds the term-frequency table and the prior "
        "(`PriorFactory`), so the calls cost little next to the corpus build: most of both sides' time is "
        "tokenising and counting.",
        "",
        "## 3. Agreement",
        "",
        f"Pair {a} (A) vs {b} (B), unigrams, every term of both vocabularies, scattertext from CorpusFromPandas:",
        "",
        "| | |",
        "|---|---|",
        *_agreement_rows(ag),
        "",
        "The CorpusFromScikit corpus gives the same counts and z-scores: max abs difference of z against framing "
        f"{results['agreement_pair_scikit']['z_max_abs_diff']:.4g} (CorpusFromPandas: {ag['z_max_abs_diff']:.4g}), "
        f"same formula {results['agreement_pair_scikit']['max_abs_diff_same_formula_same_counts']:.1e}.",
        "",
        f"One-vs-rest, {len(prep['outlets'])} outlets (each outlet's own comparison, CorpusFromPandas):",
        "",
        "| outlet | common terms | terms with different counts | z Pearson | z Spearman | z max abs diff | "
        "same formula, max abs diff (equal counts / all) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    first = next(iter(results["agreement_ovr"].values()))
    lines[-2:-2] = [f"Vocabulary (the same in every comparison): {first['terms_framing']:,} framing terms, "
                    f"{first['terms_scattertext']:,} scattertext terms, {first['terms_common']:,} common; "
                    f"scattertext-only: {first['n_only_scattertext_stop_words']} stop words and "
                    f"{', '.join(first['only_scattertext_not_stop_words']) or 'nothing else'}; framing-only: "
                    f"{', '.join(first['only_framing'])}.", ""]
    for group, row in results["agreement_ovr"].items():
        lines.append(f"| {group} | {row['terms_common']:,} | {row['count_mismatches']} "
                     f"{', '.join(map(repr, row['count_mismatch_terms']))} | {row['z_pearson']:.8f} | "
                     f"{row['z_spearman']:.8f} | {row['z_max_abs_diff']:.4g} | "
                     f"{row['max_abs_diff_same_formula_same_counts']:.1e} / "
                     f"{row['max_abs_diff_ours_delta_over_scattertext_se']:.1e} |")
    lines += ["", *results["differences_md"]]
    return "\n".join(lines) + "\n"


def differences(results: dict) -> list[str]:
    """The "Differences found" section, with this run's numbers."""
    ag, tok = results["agreement_pair"], results["token_check"]
    fr_cpu = results["pair"]["framing"]["median_cpu_seconds"]
    st_cpu = results["pair"]["scattertext"]["median_cpu_seconds"]
    sk_cpu = results["pair"]["scattertext_scikit"]["median_cpu_seconds"]
    stages_run = results["pair"]["framing_stages"]["runs"][0]
    stages_ovr = results["ovr"]["framing_stages"]["runs"][0]
    norm = results["normalize_check"]
    reach = (": not reachable while both tokenise with Python's `re` on the same text"
             if st_cpu / 10 < tok["regex_floor_cpu_seconds"] else "")
    labels = {"corpus_objects": "`Article` + `Corpus` objects",
              "n_tokens_to_frame": "token totals (`Corpus.to_frame`: normalise + `count_tokens` per article; "
                                   "includes building a one-off table of every code point's class)",
              "token_ids": "token ids (`corpus_tokens`: normalise + `re.findall` + id lookup per token)",
              "counts_statistics_table": "`distinctive_terms` with both cached: counts, statistics, table"}
    stage_rows = "\n".join(f"| {labels[name]} | {stages_run['stages_cpu_seconds'][name]:.2f} | "
                           f"{stages_run['stages_seconds'][name]:.2f} | {stages_ovr['stages_cpu_seconds'][name]:.2f} | "
                           f"{stages_ovr['stages_seconds'][name]:.2f} |" for name in labels)
    stage_rows += (f"\n| total | {stages_run['cpu_seconds']:.2f} | {stages_run['seconds']:.2f} | "
                   f"{stages_ovr['cpu_seconds']:.2f} | {stages_ovr['seconds']:.2f} |")
    fr_ovr_cpu = results["ovr"]["framing"]["median_cpu_seconds"]
    worst = ag["z_max_abs_diff_term"]
    lines = f"""## Differences found

**1. The variance of delta: why the z-scores differ by up to {ag['z_max_rel_diff_abs_z_ge_1']:.1e} relative, not
1e-6.** Both sides compute the same
delta, Monroe, Colaresi and Quinn (2008) eq. 16 with an informative prior:

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))

For its variance, scattertext 0.2.2 (`scattertext/termsignificance/LogOddsRatioInformativeDirichletPiror.py`,
`get_zeta_i_j_given_separate_counts`) uses all four terms of the delta-method variance of a difference of two log-odds,

    var = 1/(y_iw + a_w) + 1/(n_i + a_0 - y_iw - a_w) + 1/(y_jw + a_w) + 1/(n_j + a_0 - y_jw - a_w)

while framing (`framing/distinctive.py`, `_log_odds`, documented in `log_odds_dirichlet`) uses MCQ's eq. 20, which
drops the two "every other word" terms:

    var = 1/(y_iw + a_w) + 1/(y_jw + a_w)

The dropped terms are about 1/n_i + 1/n_j (here n is in the millions, so ~1e-6), so framing's |z| is always a little
larger, by a factor sqrt(1 + dropped/kept): largest for the most frequent words, where 1/(y + a) is itself small
(here {worst!r}: framing z {ag['z_at_max_diff'][0]:.4f}, scattertext {ag['z_at_max_diff'][1]:.4f}), and
negligible for rare ones (median abs difference {ag['z_median_abs_diff']:.1e}). With vocabularies, counts and priors
aligned, putting scattertext's four-term SE under framing's delta reproduces scattertext's z to
{ag['max_abs_diff_same_formula_same_counts']:.1e} (every term whose counts agree), and scattertext's delta under
framing's two-term SE reproduces framing's z. So the two implementations agree on everything but this one
documented choice, and the ranking hardly moves (Spearman {ag['z_spearman']:.10f}; of the 100 highest and the 100
lowest z-scores, {ag['top100_overlap_positive']} and {ag['top100_overlap_negative']} terms are the same on both sides). Neither is wrong: MCQ give eq. 20 as
the large-n approximation; scattertext keeps the exact delta-method terms. The exact terms would cost framing
nothing; adopting them is a choice for the framing maintainers (the `log_odds_dirichlet` docstring example and
`tests/test_distinctive.py` pin eq. 20 values).

**2. Tokenisation.** scattertext's own `WhitespaceNLP.whitespace_nlp` splits on every non-word character
(`re.split(r"(\\W)")`), so "hamas-run" becomes "hamas", "-", "run" and "israel's" becomes "israel", "'", "s";
spaCy would split differently again. To compare the statistics rather than the tokenizers, the scattertext side
gets an `nlp` function (`scattertext_worker.regex_tokens`) that restates framing's `normalize_text` (curly quotes and
dashes to ASCII, backtick to apostrophe, zero-width characters dropped, NFKC, lower case) and framing's
`TOKEN_PATTERN` `[^\\W_]+(?:['-][^\\W_]+)*` with Python's `re`, wrapped in scattertext's `Doc`/`Tok`, with
`UnigramsFromSpacyDoc` so that no bigrams are counted. Token by token, over the {tok['texts']:,} pair texts,
framing's `word_tokens` and this tokenizer disagree on {tok['texts_differing']} of them, and only on these
tokens: framing-only {tok['only_framing']}, scattertext-only {tok['only_scattertext']}. What still differs:

* framing drops scikit-learn's English stop words from its n-grams but keeps them in the token totals n_i, n_j;
  scattertext has them as terms. scattertext's n_i is the sum of its counts over its whole vocabulary, so both sides
  still end up with the same n_i, n_j and a_0 (checked above); the stop words are simply absent from framing's table.
* framing's `tokenize` goes through NLTK's `RegexpTokenizer`, which uses the third-party `regex` engine, where `\\w`
  also covers combining marks: the variation selector U+FE0F after an emoji ("❤️"), and the combining ring or
  macron that NFKC makes of "˚" and "¯". Python's `re` does not. So framing has one-character "words" made of a lone
  mark (the framing-only terms above), and a mark between two letter runs ("F❤️CK") glues itself to the next run
  (framing "\\ufe0fck", scattertext "ck": one term on each side only, in the one-vs-rest vocabularies). This also shows an
  inconsistency inside framing: `count_tokens`, which gives the n_i denominator, counts by `str.isalnum` (false for
  marks), so those mark tokens are in framing's counts but not in its token totals. The effect on any statistic is
  nil (a handful of tokens in millions), but a stricter tokenizer would drop lone-mark tokens.

**3. Priors.** framing's `prior="pooled"` is `a_w = prior_scale * (n_i + n_j) * m_w / M` (m_w: the term's count in the
whole corpus passed in, M: its tokens). scattertext's `PriorFactory(...).use_all_categories()` with
`starting_count=0` gives a_w = m_w over all categories of its corpus (its default `starting_count=0.0001` would add a
constant to every term), and `scale_type='corpus-size'` with `sigma=prior_scale` rescales that to
`prior_scale * (n_i + n_j) * m_w / sum(m)`: the same prior (max relative difference {ag['prior_max_rel_diff']:.1e}
above; anything above rounding comes from the count differences of item 2) whenever scattertext's corpus holds exactly the categories compared,
as here. They part when the corpus holds more: with `pair=` framing keeps the whole corpus as the prior's
background (M) and weighs it by the pair's tokens; scattertext's prior is whatever the `PriorFactory` chain builds
(`use_all_categories`, `use_neutral_categories`, a background corpus...). scattertext's other scale types ('none',
'class-size', 'word', 'background-corpus-size') give other priors; 'class-size' scales each side's prior by its own
size, which framing does not offer. A uniform prior (framing's `prior=0.01`) has the same form as scattertext's
`LogOddsRatioUninformativeDirichletPrior` (a_0 = alpha x vocabulary), but framing counts that vocabulary without
stop words while scattertext's includes them; not measured here.

**4. What one call returns.** scattertext's `get_scores` returns z only (no delta, SE, p-value or multiple-comparison
correction; `get_p_vals` gives the one-sided `ndtr(z)`). framing returns the full table per comparison: counts, rates
per 1,000 tokens, prior, delta, SE, z, two-sided p, Holm-adjusted p and a significance flag, sorted by z. The framing
timings include building that table.

**5. Quotations.** framing's default `voice='narration'` blanks quoted speech before counting; scattertext counts every
word. The comparison uses `voice='all'`.

**6. Speed: where the time goes.** Both sides tokenise with the same regular expression in Python's `re`. On its
own, `re.findall(TOKEN_PATTERN, text.lower())` over the {results['inputs']['text_bytes']['pair'] / 1e6:.0f} MB of the pair
takes {tok['regex_floor_cpu_seconds']:.2f} s of CPU ({tok['regex_floor_tokens']:,} tokens), a floor for any
implementation that tokenises this way. One extra framing run of each measurement, split into stages (the plain
runs took {fr_cpu:.2f} s and {fr_ovr_cpu:.2f} s of CPU, median):

| stage | pair CPU (s) | pair wall (s) | {len(results['inputs']['outlets'])} outlets CPU (s) | {len(results['inputs']['outlets'])} outlets wall (s) |
|---|---:|---:|---:|---:|
{stage_rows}

Both token stages start with `framing.text.normalize_text`, so each text is normalised twice per call. One pass of
`normalize_text` over every text, measured on its own, takes (CPU s):

| | pair | {len(results['inputs']['outlets'])} outlets |
|---|---:|---:|
| texts that NFKC changes (an ellipsis "…" is enough): slow path `_normalize_with_segments` | {norm['pair']['cpu_seconds_nfkc']:.2f} ({norm['pair']['texts_nfkc']:,} texts) | {norm['ovr']['cpu_seconds_nfkc']:.2f} ({norm['ovr']['texts_nfkc']:,} texts) |
| the other texts | {norm['pair']['cpu_seconds_other']:.2f} ({norm['pair']['texts'] - norm['pair']['texts_nfkc']:,} texts) | {norm['ovr']['cpu_seconds_other']:.2f} ({norm['ovr']['texts'] - norm['ovr']['texts_nfkc']:,} texts) |
| twice that, against the whole framing call (median) | {2 * norm['pair']['cpu_seconds']:.2f} of {fr_cpu:.2f} | {2 * norm['ovr']['cpu_seconds']:.2f} of {fr_ovr_cpu:.2f} |

scattertext's CorpusFromPandas path ({st_cpu:.2f} s CPU) spends its time on one Python `Tok` object per token, a
`Counter` per document and one `CSRMatrixFactory.__setitem__` per (document, term); with `CorpusFromScikit`
({sk_cpu:.2f} s) only the tokenizer and scikit-learn's `CountVectorizer` counting remain, which takes
{'less' if sk_cpu < fr_cpu else 'more'} CPU than framing's whole call. framing does work scattertext does not: the token totals come from a separate pass
(`Corpus.to_frame` -> `count_tokens`, which normalises every text a second time), tokens are mapped to integer ids
(a Python dict lookup per token) and the output is a full table with p-values and Holm's correction. A 10x margin over
CorpusFromPandas would need framing's whole path under {st_cpu / 10:.2f} s of CPU, against {tok['regex_floor_cpu_seconds']:.2f} s
for the bare regex alone{reach}."""
    return lines.split("\n")


TIME_RATIO_TARGET = 10
QUICK_LIMIT = 200


def _render_summary(result: dict) -> list[str]:
    """The RESULTS.md section: the headline figures; the full comparison is in SCATTERTEXT.md."""
    pair, ovr, agreement = result["pair_seconds"], result["ovr_seconds"], result["agreement"]
    return [
        f"Same texts on both sides: {result['pair'][0]} vs {result['pair'][1]} ({result['pair_articles']:,} articles, "
        f"{result['pair_mb']:.1f} MB) for the pair, and the {result['n_outlets']} largest outlets "
        f"({result['ovr_articles']:,} articles) one against the rest. scattertext {result['scattertext_version']} in "
        "its own venv (`benchmarks/.work/scattertext-venv`), never a project dependency. Medians of fresh processes.",
        "",
        "| | framing `distinctive_terms` | scattertext `CorpusFromPandas` | scattertext `CorpusFromScikit` |",
        "|---|---:|---:|---:|",
        f"| pair, wall (s) | {pair['framing']:.2f} | {pair['scattertext']:.2f} | {pair['scattertext_scikit']:.2f} |",
        f"| {result['n_outlets']} outlets one-vs-rest, wall (s) | {ovr['framing']:.2f} (1 call) | "
        f"{ovr['scattertext']:.2f} (1 build + {result['ovr_calls']} calls) | {ovr['scattertext_scikit']:.2f} "
        f"(1 build + {result['ovr_calls']} calls) |",
        "",
        f"- **Time ratio, pair: scattertext (CorpusFromPandas) / framing = {result['ratio_pandas']:.2f}×**; "
        f"against CorpusFromScikit {result['ratio_scikit']:.2f}× (target ≥ {TIME_RATIO_TARGET}× not met).",
        f"- **Scores agree**: {agreement['terms_common']:,} common terms, identical counts "
        f"({agreement['count_mismatches']} mismatches) and priors; z differs by at most "
        f"{agreement['z_max_abs_diff']:.3f} (term `{agreement['z_max_abs_diff_term']}`) because scattertext's "
        "variance adds two prior terms; with the same variance formula on both sides the largest difference is "
        f"{agreement['same_formula']:.1e}. Spearman {agreement['z_spearman']:.8f}; top-100 terms identical "
        f"({agreement['top100_overlap_positive']}/100 and {agreement['top100_overlap_negative']}/100).",
        f"- **N = {result['n_outlets']} outlets**: scattertext's `LogOddsRatioInformativeDirichletPrior` compares "
        f"two categories per call, so {result['n_outlets']} outlets take {result['ovr_calls']} calls after building "
        "the corpus; `distinctive_terms(corpus, by=\"outlet\")` returns all of them from one call.",
        f"- Full comparison, settings and every run: [SCATTERTEXT.md](SCATTERTEXT.md) "
        f"(command: `{result['command']}`).",
        "",
    ]


@benchmark("scattertext", "Distinctive terms against scattertext, pair and N outlets", _render_summary)
def scattertext_peer(context: Context) -> dict:
    """Run this script in a child process (it measures each side in fresh processes), then summarise."""
    argv = [context.python, str(Path(__file__).resolve()), "--data", str(context.data)]
    if context.quick:
        argv += ["--limit", str(QUICK_LIMIT), "--repeats", "1", "--report", str(context.work_path("SCATTERTEXT.md"))]
    child = run_child(argv, cwd=REPO)
    if child.returncode != 0:
        raise RuntimeError(f"bench_scattertext.py failed with exit code {child.returncode}")
    results = json.loads((WORK / "scattertext_results.json").read_text(encoding="utf-8"))
    pair, ovr, inputs = results["pair"], results["ovr"], results["inputs"]
    agreement = dict(results["agreement_pair"])
    agreement["same_formula"] = agreement["max_abs_diff_same_formula_same_counts"]
    pair_seconds = {side: pair[side]["median_seconds"] for side in ("framing", "scattertext", "scattertext_scikit")}
    ovr_seconds = {side: ovr[side]["median_seconds"] for side in ("framing", "scattertext", "scattertext_scikit")}
    ratio_pandas = pair_seconds["scattertext"] / pair_seconds["framing"]
    return {
        "command": " ".join(["python", "benchmarks/bench_scattertext.py", *argv[2:]]),
        "pair": inputs["pair"], "pair_articles": sum(inputs["articles"]["pair"].values()),
        "pair_mb": inputs["text_bytes"]["pair"] / 1e6, "n_outlets": len(inputs["outlets"]),
        "ovr_articles": sum(inputs["articles"]["ovr"].values()), "ovr_calls": ovr["scattertext"]["runs"][0]["n_calls"],
        "scattertext_version": ovr["scattertext"]["runs"][0]["versions"].get("scattertext", "?"),
        "pair_seconds": pair_seconds, "ovr_seconds": ovr_seconds, "ratio_pandas": ratio_pandas,
        "ratio_scikit": pair_seconds["scattertext_scikit"] / pair_seconds["framing"],
        "agreement": {key: agreement[key] for key in (
            "terms_common", "count_mismatches", "z_max_abs_diff", "z_max_abs_diff_term", "same_formula",
            "z_spearman", "top100_overlap_positive", "top100_overlap_negative")},
        "targets": [target("time ratio scattertext/framing, pair (CorpusFromPandas)", ratio_pandas, ">=",
                           TIME_RATIO_TARGET)],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each side per measurement (median)")
    parser.add_argument("--ovr-repeats", type=int, default=1, help="runs of each one-vs-rest measurement")
    parser.add_argument("--outlets", type=int, default=8, help="outlets of the one-vs-rest measurement")
    parser.add_argument("--prior-scale", type=float, default=0.1)
    parser.add_argument("--limit", type=int, help="only the first N articles of each outlet (a quick trial)")
    parser.add_argument("--report", type=Path, default=HERE / "SCATTERTEXT.md")
    parser.add_argument("--prepare-only", type=Path, metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite the report from benchmarks/.work/scattertext/scattertext_results.json, "
                             "measuring nothing")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.render_only:
        results = json.loads((WORK / "scattertext_results.json").read_text(encoding="utf-8"))
        results["differences_md"] = differences(results)
        args.report.write_text(render(results), encoding="utf-8")
        log(f"wrote {args.report} from the results of {results['machine']['date']}")
        return 0
    if args.prepare_only:  # the child process that writes the texts
        args.prepare_only.write_text(json.dumps(prepare_texts(args.data, args.outlets, args.limit)), encoding="utf-8")
        return 0
    results = {"command": " ".join(["python", "benchmarks/bench_scattertext.py", *(argv or sys.argv[1:])]),
               "data": str(args.data), "machine": describe_machine(REPO), "nproc": len(os.sched_getaffinity(0))}
    log("preparing texts (child process)")
    inputs = WORK / "inputs.json"
    argv_prepare = [sys.executable, str(Path(__file__).resolve()), "--prepare-only", str(inputs), "--data",
                    str(args.data), "--outlets", str(args.outlets)] + (["--limit", str(args.limit)] if args.limit else [])
    subprocess.run(argv_prepare, check=True, cwd=REPO)
    results["inputs"] = prepare = json.loads(inputs.read_text(encoding="utf-8"))
    python_st = ensure_venv()
    python_fr = Path(sys.executable)
    common = {"prior_scale": args.prior_scale}
    pair_texts, ovr_texts = prepare["files"]["pair"], prepare["files"]["ovr"]

    log(f"pair: {prepare['pair'][0]} vs {prepare['pair'][1]}")
    pair_args = {"groups": prepare["pair"], **common}
    st_pair = {"python": python_st, "side": "scattertext", "task": "pair", "texts": pair_texts, **pair_args}
    fr_pair = {"python": python_fr, "side": "framing", "task": "pair", "texts": pair_texts, **pair_args}
    results["pair"] = pair = interleaved({
        "scattertext": st_pair,
        "scattertext_scikit": {**st_pair, "st_path": "scikit"},
        "framing": fr_pair,
        "framing_narration": {**fr_pair, "voice": "narration", "repeats": 1, "keep_scores": False},
        "framing_stages": {**fr_pair, "task": "stages", "repeats": 1, "keep_scores": False},
    }, args.repeats, "pair")
    log(f"one-vs-rest: {len(prepare['outlets'])} outlets")
    st_ovr = {"python": python_st, "side": "scattertext", "task": "ovr", "texts": ovr_texts, **common}
    results["ovr"] = interleaved({
        "scattertext": st_ovr,
        "scattertext_scikit": {**st_ovr, "st_path": "scikit"},
        "framing": {"python": python_fr, "side": "framing", "task": "ovr", "texts": ovr_texts, **common},
        "framing_stages": {"python": python_fr, "side": "framing", "task": "stages", "texts": ovr_texts, **common,
                           "repeats": 1, "keep_scores": False},
    }, args.ovr_repeats, "ovr")

    log("comparing tokens and z-scores")
    results["token_check"] = token_check(pair_texts)
    results["normalize_check"] = {"pair": normalize_check(pair_texts), "ovr": normalize_check(ovr_texts)}
    import framing

    stop_words = frozenset(framing.make_tfidf_vectorizer().get_params()["stop_words"])
    [(_, f, s)] = _frames("pair_framing", "pair_scattertext", pair["framing"]["runs"][0]["groups"],
                          pair["scattertext"]["runs"][0]["groups"])
    results["agreement_pair"] = compare(f, s, args.prior_scale, stop_words)
    [(_, f, s)] = _frames("pair_framing", "pair_scattertext_scikit", pair["framing"]["runs"][0]["groups"],
                          pair["scattertext_scikit"]["runs"][0]["groups"])
    results["agreement_pair_scikit"] = compare(f, s, args.prior_scale, stop_words)
    results["agreement_ovr"] = {
        group: compare(f, s, args.prior_scale, stop_words)
        for group, f, s in _frames("ovr_framing", "ovr_scattertext", results["ovr"]["framing"]["runs"][0]["groups"],
                                   results["ovr"]["scattertext"]["runs"][0]["groups"])}
    results["differences_md"] = differences(results)
    results["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    results["total_seconds"] = time.perf_counter() - _STARTED
    (WORK / "scattertext_results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    args.report.write_text(render(results), encoding="utf-8")
    log(f"wrote {args.report}")
    agreement = results["agreement_pair"]
    print(json.dumps({
        "pair_z_pearson": agreement["z_pearson"], "pair_z_spearman": agreement["z_spearman"],
        "pair_z_max_abs_diff": agreement["z_max_abs_diff"],
        "pair_same_formula_max_abs_diff": agreement["max_abs_diff_ours_delta_over_scattertext_se"],
        "pair_median_seconds": {k: v["median_seconds"] for k, v in pair.items()},
        "pair_median_cpu_seconds": {k: v["median_cpu_seconds"] for k, v in pair.items()},
        "ovr_median_seconds": {k: v["median_seconds"] for k, v in results["ovr"].items()},
        "ovr_median_cpu_seconds": {k: v["median_cpu_seconds"] for k, v in results["ovr"].items()},
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
