"""Does clustering by framing group AllSides articles by stance more than by topic?

Usage::

    python benchmarks/stance_vs_topic.py                 # the reported run (writes STANCE_VS_TOPIC.md)
    python benchmarks/stance_vs_topic.py --topics 6      # the 6 largest topics instead of the default list
    python benchmarks/stance_vs_topic.py --topics immigration,healthcare,environment --sample-size 450
    python benchmarks/stance_vs_topic.py --part development --random-state 0 --n-samples 1 \\
        --out benchmarks/.work/development.md          # the sample the method was fixed on

What it does
------------
1. Reads the AllSides corpus (``../shared/data/allsides/allsides_abp.jsonl.gz``,
   see ``../shared/data/README.md``; it is not part of the repository). Each
   article has a ``topic`` (108 topics) and the AllSides rating of its outlet,
   ``labels.bias_text`` (left, center or right).
2. Splits the articles once, by a hash of their id, into a *development* half
   and an *evaluation* half. The clustering options were chosen by looking at
   one development sample only (``--part development --random-state 0``); the
   reported numbers come from ``--n-samples`` fresh samples of the evaluation
   half (seeds ``random_state, random_state + 1, ...``).
3. Draws balanced samples: the same number of articles for every topic ×
   bias cell (``--sample-size`` divided by 3 × the number of topics), with
   exact duplicate texts removed. Each sample is written as a temporary JSONL
   file under ``benchmarks/.work/`` (git-ignored; never copy the corpus into
   tracked files) with the fields ``id, outlet, date, title, text, topic,
   bias`` and read back with :func:`framing.load_corpus`.
4. Clusters every sample with :func:`framing.cluster_articles` for each
   configuration in :data:`CONFIGURATIONS`, with k fixed at 3 and with k
   chosen by silhouette, and measures the adjusted Rand index (ARI) of the
   clusters against the bias labels and against the topic labels.
5. Writes ``benchmarks/STANCE_VS_TOPIC.md`` (or ``--out``) with the tables and
   the exact command. If the corpus is missing it says so and exits with 0.

Clustering by framing "groups by stance more than by topic" on a sample when
ARI(clusters, bias) > ARI(clusters, topic). ARI is 0 for clusters unrelated
to the labels and 1 for a perfect match.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from framing import cluster_articles, load_corpus
from framing.features import LexiconVectorizer

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "allsides" / "allsides_abp.jsonl.gz"
DEFAULT_OUT = HERE / "STANCE_VS_TOPIC.md"
WORK = HERE / ".work" / "stance_vs_topic"
LEXICON = REPO / "lexicons" / "us_politics.yaml"
BIAS_LABELS = ("left", "center", "right")
POLES = ("left_coded", "neutral", "right_coded")
#: Random relabellings of each clustering used to show the spread of ARI by chance.
N_PERMUTATIONS = 100
#: Six large, clearly distinct policy topics with at least 170 articles of every
#: bias label. The three largest topics ("elections", "politics",
#: "white_house") are left out of the default because they overlap so much that
#: no method could recover them, which would make any topic ARI look low.
DEFAULT_TOPICS = ("immigration", "coronavirus", "middle_east", "healthcare", "gun_control_and_gun_rights",
                  "environment")

#: (name, cluster_articles options). "library default" rows use the options
#: as shipped; "evidence, within topic" rows cluster only articles with at
#: least --min-matches lexicon matches and compare each article with the other
#: articles on its topic. ``min_matches`` is filled in from the command line.
CONFIGURATIONS = (
    ("lexicon", "library default", dict(features="lexicon")),
    ("lexicon+tfidf", "library default", dict(features="lexicon+tfidf")),
    ("tfidf", "library default", dict(features="tfidf")),
    ("lexicon", "evidence, within topic", dict(features="lexicon", pool_axes=True, center_within_events=True)),
    ("lexicon+tfidf", "evidence, within topic", dict(features="lexicon+tfidf", pool_axes=True,
                                                     center_within_events=True)),
    ("tfidf", "evidence, within topic", dict(features="tfidf", center_within_events=True)),
)
K_CHOICES = (3, None)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the AllSides corpus, allsides_abp.jsonl.gz (default: %(default)s)")
    parser.add_argument("--topics", default=",".join(DEFAULT_TOPICS),
                        help="a number N (the N topics whose smallest bias cell is largest) or a comma-separated "
                             "list of topics (default: %(default)s)")
    parser.add_argument("--sample-size", type=int, default=900,
                        help="articles per sample, split equally over topics x {left, center, right} "
                             "(default: %(default)s)")
    parser.add_argument("--n-samples", type=int, default=5, help="number of samples (default: %(default)s)")
    parser.add_argument("--random-state", type=int, default=1,
                        help="seed of the first sample; sample i uses random_state + i; the clustering uses "
                             "random_state=0 throughout (default: %(default)s)")
    parser.add_argument("--part", choices=("evaluation", "development"), default="evaluation",
                        help="which half of the corpus to sample (default: %(default)s)")
    parser.add_argument("--min-matches", type=int, default=2,
                        help="min_matches for the 'evidence, within topic' rows (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report (default: %(default)s)")
    return parser.parse_args(argv)


def part_of(article_id: str) -> str:
    """The fixed development / evaluation half an article belongs to (a hash of its id)."""
    return "development" if int(hashlib.md5(article_id.encode()).hexdigest(), 16) % 2 == 0 else "evaluation"


def read_cells(path: Path, part: str) -> dict[tuple[str, str], list[dict]]:
    """Articles of one half, grouped by (topic, bias), sorted by id, exact duplicate texts removed."""
    cells: dict[tuple[str, str], list[dict]] = {}
    seen: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = (record.get("text") or "").strip()
            bias = (record.get("labels") or {}).get("bias_text")
            if not text or bias not in BIAS_LABELS or part_of(record["id"]) != part:
                continue
            digest = hashlib.md5(text.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            cells.setdefault((record["topic"], bias), []).append(
                {"id": record["id"], "outlet": record["outlet"], "date": record.get("date"),
                 "title": record.get("title") or "", "text": text, "topic": record["topic"], "bias": bias})
    for pool in cells.values():
        pool.sort(key=lambda article: article["id"])
    return cells


def choose_topics(spec: str, cells) -> list[str]:
    """Topics from --topics: a count (largest smallest-cell first, ties by name) or a list of names."""
    known = sorted({topic for topic, _ in cells})
    if spec.strip().isdigit():
        size = {topic: min(len(cells.get((topic, bias), [])) for bias in BIAS_LABELS) for topic in known}
        return sorted(known, key=lambda topic: (-size[topic], topic))[:int(spec)]
    topics = [topic.strip() for topic in spec.split(",") if topic.strip()]
    unknown = [topic for topic in topics if topic not in known]
    if unknown:
        raise SystemExit(f"unknown topic(s) {', '.join(map(repr, unknown))}; available: {', '.join(known)}")
    return topics


def draw_sample(cells, topics, per_cell: int, seed: int) -> list[dict]:
    """per_cell articles from every topic x bias cell, without replacement; deterministic given seed."""
    rng = np.random.default_rng(seed)
    sample = []
    for topic in topics:
        for bias in BIAS_LABELS:
            pool = cells.get((topic, bias), [])
            if len(pool) < per_cell:
                raise SystemExit(f"topic {topic!r} has only {len(pool)} {bias} articles in this half, fewer than "
                                 f"the {per_cell} per cell that --sample-size asks for; lower --sample-size")
            sample += [pool[i] for i in sorted(rng.choice(len(pool), per_cell, replace=False))]
    return sample


def load_sample(sample: list[dict], seed: int):
    """Write the sample as JSONL under benchmarks/.work/ and read it back with framing.load_corpus.

    The file name is unique to this run (runs may go in parallel) and the file
    is removed once read.
    """
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=WORK, prefix=f"sample_{seed}_", suffix=".jsonl",
                                     delete=False) as file:
        for article in sample:
            file.write(json.dumps(article, ensure_ascii=False) + "\n")
    path = Path(file.name)
    try:
        return load_corpus(path)
    finally:
        path.unlink()


def evaluate(corpus, *, seed: int, min_matches: int) -> tuple[list[dict], pd.DataFrame]:
    """ARI of every configuration on one sample, and the composition of the main framing clusters."""
    frame = corpus.to_frame().set_index("id")
    rows, composition = [], None
    for feature_set, variant, options in CONFIGURATIONS:
        options = dict(options)
        if variant != "library default":
            options["min_matches"] = min_matches
        for k in K_CHOICES:
            started = time.perf_counter()
            result = cluster_articles(corpus, LEXICON, n_clusters=k, event_column="topic", random_state=0,
                                      **options)
            clusters = result.articles.set_index("article_id")["cluster"]
            bias, topic = frame.loc[clusters.index, "bias"], frame.loc[clusters.index, "topic"]
            clustered = clusters.to_numpy() >= 0
            rng = np.random.default_rng(seed)
            chance = [adjusted_rand_score(bias[clustered], rng.permutation(clusters[clustered].to_numpy()))
                      for _ in range(N_PERMUTATIONS)]
            rows.append({
                "sample": seed, "features": feature_set, "variant": variant, "k": "3" if k else "silhouette",
                "n_clusters": result.n_clusters, "clustered_share": clustered.mean(),
                "ari_bias": adjusted_rand_score(bias[clustered], clusters[clustered]),
                "ari_topic": adjusted_rand_score(topic[clustered], clusters[clustered]),
                "ari_bias_chance_sd": float(np.std(chance)),
                # Unclustered articles (-1) counted as one more group.
                "ari_bias_all": adjusted_rand_score(bias, clusters),
                "ari_topic_all": adjusted_rand_score(topic, clusters),
                "seconds": time.perf_counter() - started})
            if feature_set == "lexicon" and variant != "library default" and k == 3:
                composition = pd.crosstab(clusters.rename("cluster"), bias.rename("bias"))
            print(f"  sample {seed}: {feature_set:13s} {variant:22s} k={rows[-1]['k']:10s} -> "
                  f"{result.n_clusters} clusters, ARI bias {rows[-1]['ari_bias']:+.3f}, "
                  f"topic {rows[-1]['ari_topic']:+.3f} ({rows[-1]['seconds']:.0f}s)", flush=True)
    return rows, composition


def lexicon_coverage(corpus, seed: int) -> list[dict]:
    """Lexicon matches per article and the matches of each pole name over all axes, with bias and topic."""
    vectorizer = LexiconVectorizer(lexicon=LEXICON, scale="count").fit(corpus)
    counts = vectorizer.transform(corpus)
    pole = np.array([name.rsplit(":", 1)[-1] for name in vectorizer.get_feature_names_out()])
    frame = corpus.to_frame()
    return [{"sample": seed, "bias": bias, "topic": topic, "n_matches": row.sum(),
             **{name: row[pole == name].sum() for name in POLES}}
            for bias, topic, row in zip(frame["bias"], frame["topic"], counts)]


def mean_sd(values) -> str:
    values = np.asarray(values, dtype=float)
    sd = values.std(ddof=1) if len(values) > 1 else 0.0
    return f"{values.mean():+.3f} ± {sd:.3f}"


def render(results: pd.DataFrame, coverage: pd.DataFrame, composition: pd.DataFrame, *, command: str,
           topics, per_cell: int, args, n_outlets: int, seconds: float) -> str:
    n_samples = results["sample"].nunique()
    lines = [
        "# Framing clusters: stance or topic?",
        "",
        "Does clustering AllSides articles by *framing* group them by the outlet's side (left / center / right) "
        "more than by topic? Adjusted Rand index (ARI) between the clusters and each labelling; 0 = unrelated, "
        "1 = identical. Written by `benchmarks/stance_vs_topic.py`; do not edit by hand.",
        "",
        "```",
        command,
        "```",
        "",
        f"- Data: `{args.data.name}` (AllSides / Baly et al. 2020), {args.part} half of the corpus "
        "(split by a hash of the article id; the clustering options were fixed on one development-half sample, "
        "seed 0, before these samples were drawn).",
        f"- {n_samples} samples (seeds {results['sample'].min()}–{results['sample'].max()}), each "
        f"{per_cell} articles × {len(topics)} topics × 3 bias labels = {per_cell * len(topics) * 3} articles "
        f"from {n_outlets} outlets in all.",
        f"- Topics: {', '.join(f'`{topic}`' for topic in topics)}.",
        "- Lexicon: `lexicons/us_politics.yaml`; `event_column=\"topic\"` everywhere (it removes topic words "
        "from the framing TF-IDF and defines the groups for `center_within_events`); k-means with "
        "`random_state=0`.",
        f"- *library default*: `cluster_articles` options as shipped. *evidence, within topic*: "
        f"`min_matches={args.min_matches}` (articles with fewer lexicon matches are left unclustered), "
        "`center_within_events=True` (each feature minus its topic mean) and, for the lexicon, "
        "`pool_axes=True` (left/right/neutral shares pooled over the 19 axes). The tfidf row of that variant "
        "is a control: same articles, same centring, no lexicon.",
        f"- Run time {seconds / 60:.1f} min.",
        "",
        "## ARI with the bias labels and with the topics",
        "",
        "Mean ± sd over the samples, on the clustered articles. *bias > topic* counts the samples where "
        "ARI(bias) exceeds ARI(topic). *chance* is the sd of ARI vs bias when the same clusters are randomly "
        f"relabelled ({N_PERMUTATIONS} permutations per sample, mean over samples): the size of a difference "
        "that means nothing.",
        "",
        "| features | variant | k | ARI vs bias | ARI vs topic | bias > topic | chance | k chosen | clustered |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    order = [(f, v) for f, v, _ in CONFIGURATIONS]
    grouped = results.groupby(["features", "variant", "k"], sort=False)
    for (feature_set, variant, k), group in sorted(grouped, key=lambda item: (order.index(item[0][:2]),
                                                                               item[0][2] != "3")):
        wins = int((group["ari_bias"] > group["ari_topic"]).sum())
        chosen = group["n_clusters"]
        chosen_text = str(chosen.iloc[0]) if chosen.nunique() == 1 else f"{chosen.min()}–{chosen.max()}"
        lines.append(f"| {feature_set} | {variant} | {k} | {mean_sd(group['ari_bias'])} | "
                     f"{mean_sd(group['ari_topic'])} | {wins}/{len(group)} | "
                     f"± {group['ari_bias_chance_sd'].mean():.3f} | {chosen_text} | "
                     f"{group['clustered_share'].mean():.0%} |")
    lines += [
        "",
        "Counting the unclustered articles as one more group (all articles, *evidence* rows only):",
        "",
        "| features | variant | k | ARI vs bias | ARI vs topic |",
        "|---|---|---|---|---|",
    ]
    for (feature_set, variant, k), group in sorted(grouped, key=lambda item: (order.index(item[0][:2]),
                                                                               item[0][2] != "3")):
        if variant != "library default":
            lines.append(f"| {feature_set} | {variant} | {k} | {mean_sd(group['ari_bias_all'])} | "
                         f"{mean_sd(group['ari_topic_all'])} |")
    coverage = coverage.assign(none=coverage["n_matches"] == 0, few=coverage["n_matches"] < args.min_matches)
    lines += [
        "",
        "## Lexicon coverage",
        "",
        f"Share of sampled articles with no `us_politics` match (no framing signal at all) and with fewer than "
        f"{args.min_matches} matches (left unclustered by the *evidence* rows); mean number of matches.",
        "",
        f"| group | no match | < {args.min_matches} matches | mean matches |",
        "|---|---|---|---|",
        f"| all | {coverage['none'].mean():.1%} | {coverage['few'].mean():.1%} | "
        f"{coverage['n_matches'].mean():.1f} |",
    ]
    for column, values in (("bias", BIAS_LABELS), ("topic", topics)):
        for value in values:
            part = coverage[coverage[column] == value]
            lines.append(f"| {column} = {value} | {part['none'].mean():.1%} | {part['few'].mean():.1%} | "
                         f"{part['n_matches'].mean():.1f} |")
    matched = coverage[coverage["n_matches"] > 0]
    shares = matched[list(POLES)].div(matched[list(POLES)].sum(axis=1), axis=0).groupby(matched["bias"]).mean()
    lines += [
        "",
        "Mean share of each pole among an article's matches (pooled over the 19 axes; articles with at least "
        "one match):",
        "",
        "| bias | " + " | ".join(POLES) + " |",
        "|---|" + "---|" * len(POLES),
    ]
    for bias in BIAS_LABELS:
        lines.append(f"| {bias} | " + " | ".join(f"{shares.loc[bias, pole]:.2f}" for pole in POLES) + " |")
    if composition is not None:
        table = composition.reindex(columns=list(BIAS_LABELS), fill_value=0)
        lines += [
            "",
            f"## What the framing clusters contain (sample {results['sample'].min()})",
            "",
            "Articles per cluster and bias label; lexicon, *evidence, within topic*, k = 3 (cluster -1 = "
            "unclustered).",
            "",
            "| cluster | " + " | ".join(BIAS_LABELS) + " |",
            "|---|" + "---|" * len(BIAS_LABELS),
        ]
        for cluster, row in table.iterrows():
            lines.append(f"| {cluster} | " + " | ".join(str(int(row[bias])) for bias in BIAS_LABELS) + " |")
    lines += [
        "",
        "## Caveats",
        "",
        "- The bias label is the outlet's AllSides rating, not a judgement of the article; a center outlet's "
        "article can be worded like a left one.",
        "- The `us_politics` lexicon was built with term counts by side on the *whole* AllSides corpus (see its "
        "description), so it is not independent of these labels; the development/evaluation split guards the "
        "clustering options, not the lexicon.",
        "- `center_within_events` uses the topic labels to remove each topic's mean, so a low ARI vs topic is "
        "partly by construction in those rows; the tfidf control row shows what centring alone does.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.data.exists():
        print(f"the AllSides corpus is not at {args.data}; see ../shared/data/README.md. Nothing to do.")
        return 0
    started = time.perf_counter()
    cells = read_cells(args.data, args.part)
    topics = choose_topics(args.topics, cells)
    per_cell = args.sample_size // (3 * len(topics))
    if per_cell < 2:
        raise SystemExit(f"--sample-size {args.sample_size} is too small for {len(topics)} topics x 3 labels")
    print(f"{args.part} half; topics: {', '.join(topics)}; {per_cell} articles per topic x bias cell", flush=True)
    results, coverage, outlets, composition = [], [], set(), None
    for seed in range(args.random_state, args.random_state + args.n_samples):
        corpus = load_sample(draw_sample(cells, topics, per_cell, seed), seed)
        outlets.update(corpus.outlets)
        rows, sample_composition = evaluate(corpus, seed=seed, min_matches=args.min_matches)
        results += rows
        coverage += lexicon_coverage(corpus, seed)
        composition = sample_composition if composition is None else composition
    results = pd.DataFrame(results)
    command = "python benchmarks/stance_vs_topic.py " + " ".join(shlex.quote(arg) for arg in
                                                                   (sys.argv[1:] if argv is None else argv))
    markdown = render(results, pd.DataFrame(coverage), composition, command=command.strip(), topics=topics,
                      per_cell=per_cell, args=args, n_outlets=len(outlets), seconds=time.perf_counter() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    results.to_csv(WORK / f"{args.out.stem}.csv", index=False)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
