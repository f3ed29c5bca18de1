"""Compare stage: outlet profiles with uncertainty.

:func:`profile_outlets` reports, per outlet (or any grouping column), the share
of each pole in its axis and the rate of each category per 1,000 tokens, each
with a 95% interval and the counts behind it. Articles, not words, are the unit
of resampling: an outlet's words come in articles, and words of one article are
not independent draws.
"""

from __future__ import annotations

import html
import warnings
import zlib

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from framing._stats import poisson_rate_interval, wilson_interval
from framing.corpus import as_corpus
from framing.counting import _group_column, count_terms, select_voice
from framing.exceptions import FramingError
from framing.lexicon import load_lexicons

__all__ = ["Profiles", "outlet_similarity", "profile_outlets"]

# The first column is named after the grouping (``outlet`` by default).
PROFILE_COLUMNS = ["group", "lexicon", "kind", "axis", "pole", "measure", "value", "ci_low", "ci_high", "count",
                   "denominator", "denominator_name", "n_articles", "n_tokens", "small_sample"]


class Profiles(pd.DataFrame):
    """The tidy table returned by :func:`profile_outlets`, with a compact HTML view for Jupyter."""

    @property
    def _constructor(self):
        return Profiles

    def _repr_html_(self) -> str:
        needed = {"axis", "pole", "measure", "value", "ci_low", "ci_high", "count", "denominator", "n_articles",
                  "small_sample"}
        if not needed <= set(self.columns):  # a selection of columns: show it as the plain table it is
            return pd.DataFrame(self)._repr_html_()
        if self.empty:
            return "<p>No profiles (empty corpus).</p>"
        table = self.rename(columns={self.columns[0]: "group"})
        groups = table.drop_duplicates("group")
        note = ", ".join(f"{html.escape(str(r.group))} (n={r.n_articles}{', small' if r.small_sample else ''})"
                         for r in groups.itertuples())
        shown = table[table["measure"] == "share"].head(40)
        rows = "".join(
            f"<tr><td>{html.escape(str(r.group))}</td><td>{html.escape(r.axis)}</td><td>{html.escape(r.pole)}</td>"
            f"<td>{r.value:.0%}</td><td>{r.ci_low:.0%}–{r.ci_high:.0%}</td><td>{r.count}/{r.denominator}</td></tr>"
            if pd.notna(r.value) else
            f"<tr><td>{html.escape(str(r.group))}</td><td>{html.escape(r.axis)}</td><td>{html.escape(r.pole)}</td>"
            f"<td>–</td><td>–</td><td>0/0</td></tr>" for r in shown.itertuples())
        return (f"<div><strong>Framing profiles</strong>: {len(groups)} groups: {note}<br>"
                f"<table><tr><th>group</th><th>axis</th><th>pole</th><th>share</th><th>95% interval</th>"
                f"<th>count/axis total</th></tr>{rows}</table>"
                f"<small>{len(self)} rows; showing the first {len(shown)} shares.</small></div>")


def _bootstrap_sums(matrix: np.ndarray, n_bootstrap: int, rng: np.random.Generator,
                    batch: int = 200) -> np.ndarray:
    """Column sums of ``matrix`` (articles × columns) over bootstrap resamples of its rows.

    Each resample draws as many rows as there are, with replacement; a row's
    weight is the number of times it was drawn (a bincount of the draws, four
    times faster than ``rng.multinomial``, which draws one binomial per row).
    """
    n_rows = matrix.shape[0]
    sums = np.empty((n_bootstrap, matrix.shape[1]))
    for start in range(0, n_bootstrap, batch):
        size = min(batch, n_bootstrap - start)
        drawn = rng.integers(0, n_rows, size=(size, n_rows))
        drawn += np.arange(0, size * n_rows, n_rows)[:, None]  # each resample's draws in a block of its own
        weights = np.bincount(drawn.ravel(), minlength=size * n_rows).reshape(size, n_rows)
        sums[start:start + size] = weights @ matrix
    return sums


def profile_outlets(corpus, lexicon="israel_gaza", *, by: str = "outlet", n_bootstrap: int = 2000,
                    confidence: float = 0.95, min_articles: int = 5, random_state: int = 0,
                    weights: pd.Series | None = None, voice="narration",
                    counts: pd.DataFrame | None = None) -> Profiles:
    """Pole shares and category rates per group, with intervals and their counts.

    Parameters
    ----------
    corpus : Corpus or iterable of Article
    lexicon : Lexicon, str, path or list of them, default="israel_gaza"
    by : str, default="outlet"
        Grouping column: ``"outlet"``, ``"event"``, ``"date"`` or any column of
        :meth:`Corpus.to_frame`.
    n_bootstrap : int, default=2000
        Bootstrap resamples of each group's articles.
    confidence : float, default=0.95
    min_articles : int, default=5
        Groups with fewer articles are kept and flagged ``small_sample``.
    random_state : int, default=0
        Seed. Each group draws from its own stream derived from this seed and
        the group's name, so adding an outlet does not change the others.
    weights : pandas.Series, optional
        Weight of each article (index: article id, values in [0, 1]), for
        example from :func:`framing.duplicates.copy_weights` to leave out
        republished wire copy. Counts and tokens are multiplied by it.
    voice : {"narration", "all", "quotation", "scare_quote"} or list of them, default="narration"
        Which matches count (see :func:`framing.voice.segment_voice`). By
        default only the outlet's own words: a term inside a quotation or a
        scare quote is someone else's word, not the outlet's framing. Use
        ``"all"`` to include quotations.
    counts : pandas.DataFrame, optional
        ``count_terms(corpus, lexicon, by="article")``, to avoid counting
        twice; its per-voice columns are added up as ``voice`` says.

    Returns
    -------
    Profiles
        A DataFrame with one row per group and pole (every pole, zeros
        included): ``group, lexicon, kind, axis, pole, measure, value, ci_low,
        ci_high, count, denominator, denominator_name, n_articles, n_tokens,
        small_sample``.

        - For axis poles, ``measure`` is ``"share"``: ``value = count /
          denominator`` where the denominator is the group's axis total.
        - For categories, ``measure`` is ``"rate_per_1000"``: ``value = 1000 ×
          count / n_tokens``.

        The interval is the percentile bootstrap over the group's articles,
        widened where needed to contain the Wilson interval of the share
        (mentions as trials) or the exact Poisson interval of the rate. The
        bootstrap alone collapses to a point for a one-article group; the
        second interval keeps a small group's uncertainty visible. Shares of an
        axis never used by a group are empty (NaN).

    Examples
    --------
    >>> import framing
    >>> profiles = framing.profile_outlets(framing.load_corpus("seeds"))  # doctest: +SKIP
    """
    corpus = as_corpus(corpus)
    if not 0 < confidence < 1:
        raise FramingError(f"confidence must be between 0 and 1, got {confidence!r}; use e.g. 0.95")
    if not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 100:
        raise FramingError(f"n_bootstrap must be an integer of at least 100, got {n_bootstrap!r}")
    lexicons = tuple(load_lexicons(lexicon))
    group_column, articles = _group_column(corpus, by)
    if counts is None:
        counts = count_terms(corpus, lexicons, by="article")
    counts = select_voice(counts, voice)
    poles = [(lex.name, kind, axis, pole) for lex in lexicons for kind, axis, pole in lex.poles()]
    pole_index = {pole: i for i, pole in enumerate(poles)}
    article_index = {article_id: i for i, article_id in enumerate(articles["article_id"])}
    matrix = np.zeros((len(articles), len(poles)))
    for row in counts.itertuples(index=False):
        matrix[article_index[row.article_id], pole_index[(row.lexicon, row.kind, row.axis, row.pole)]] += row.count
    tokens = articles["n_tokens"].to_numpy(dtype=float)
    if weights is not None:
        article_weights = articles["article_id"].map(weights).fillna(1.0).to_numpy(dtype=float)
        if ((article_weights < 0) | (article_weights > 1)).any():
            raise FramingError("weights must lie between 0 and 1; see framing.duplicates.copy_weights")
        matrix *= article_weights[:, None]
        tokens = tokens * article_weights
    axis_keys: dict[tuple[str, str], int] = {}
    axis_of = np.array([axis_keys.setdefault((lexicon_name, axis), len(axis_keys))
                        for lexicon_name, _, axis, _ in poles], dtype=np.intp)
    is_share = np.array([kind == "axis" for _, kind, _, _ in poles])
    rows = []
    # The resamples' small products gain nothing from BLAS threads, which would only take CPU from the other
    # work of a report (twice the CPU time for the same wall time).
    with threadpool_limits(limits=1, user_api="blas"):
        for group, members in articles.groupby(group_column, sort=True):
            positions = members.index.to_numpy()
            group_counts, group_tokens = matrix[positions], tokens[positions]
            rng = np.random.default_rng([random_state, zlib.crc32(str(group).encode("utf-8"))])
            resampled = _bootstrap_sums(np.column_stack([group_counts, group_tokens]), n_bootstrap, rng)
            boot_counts, boot_tokens = resampled[:, :-1], resampled[:, -1:]
            boot_axis = np.zeros((n_bootstrap, len(axis_keys)))
            np.add.at(boot_axis.T, axis_of, boot_counts.T)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot_values = np.where(is_share, boot_counts / boot_axis[:, axis_of],
                                       1000.0 * boot_counts / boot_tokens)
            total_counts = group_counts.sum(axis=0)
            total_tokens = group_tokens.sum()
            axis_totals = np.bincount(axis_of, weights=total_counts, minlength=len(axis_keys))[axis_of]
            denominators = np.where(is_share, axis_totals, total_tokens)
            with np.errstate(invalid="ignore", divide="ignore"):
                values = np.where(is_share, total_counts / axis_totals, 1000.0 * total_counts / total_tokens)
            tail = (1 - confidence) / 2 * 100
            finite = np.where(np.isfinite(boot_values), boot_values, np.nan)
            with warnings.catch_warnings():  # an axis a group never uses has no bootstrap values at all
                warnings.simplefilter("ignore", RuntimeWarning)
                boot_low, boot_high = np.nanpercentile(finite, [tail, 100 - tail], axis=0)
            wilson_low, wilson_high = wilson_interval(total_counts, axis_totals, confidence)
            poisson_low, poisson_high = poisson_rate_interval(total_counts, np.full_like(total_counts, total_tokens),
                                                              confidence)
            low = np.fmin(boot_low, np.where(is_share, wilson_low, poisson_low))
            high = np.fmax(boot_high, np.where(is_share, wilson_high, poisson_high))
            defined = np.where(is_share, axis_totals > 0, total_tokens > 0)
            n_articles = len(positions)
            for i, (lexicon_name, kind, axis, pole) in enumerate(poles):
                rows.append((group, lexicon_name, kind, axis, pole, "share" if is_share[i] else "rate_per_1000",
                             values[i] if defined[i] else np.nan, low[i] if defined[i] else np.nan,
                             high[i] if defined[i] else np.nan, _as_count(total_counts[i]), _as_count(denominators[i]),
                             "axis_total" if is_share[i] else "n_tokens", n_articles, _as_count(total_tokens),
                             n_articles < min_articles))
    table = pd.DataFrame(rows, columns=PROFILE_COLUMNS).rename(columns={"group": group_column})
    return Profiles(table)


def _as_count(value: float):
    """Whole numbers as int (unweighted counts); weighted counts stay float."""
    return int(value) if float(value).is_integer() else round(float(value), 6)


def outlet_similarity(profiles: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity between the groups' framing profiles.

    Each group is a vector of its pole shares on every axis (an axis the group
    never uses counts as zeros), and categories are left out.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`profile_outlets`.

    Returns
    -------
    pandas.DataFrame
        ``group_a, group_b, similarity`` for every ordered pair of groups, the
        diagonal included, in the groups' order.
    """
    group = profiles.columns[0]
    shares = profiles[profiles["measure"] == "share"]
    table = shares.pivot_table(index=group, columns=["lexicon", "axis", "pole"], values="value", sort=False,
                               dropna=False).fillna(0.0)
    vectors = table.to_numpy(dtype=float)
    norms = np.linalg.norm(vectors, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = (vectors @ vectors.T) / np.outer(norms, norms)
    similarity = np.nan_to_num(similarity)
    names = list(table.index)
    rows = [(a, b, float(similarity[i, j])) for i, a in enumerate(names) for j, b in enumerate(names)]
    return pd.DataFrame(rows, columns=["group_a", "group_b", "similarity"])
