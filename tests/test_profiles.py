import re

import numpy as np
import pandas as pd
import pytest

from framing import Article, Corpus, FramingError
from framing.profiles import _bootstrap_sums, outlet_similarity, profile_outlets


def _synthetic(rng, n_articles: int, outlet: str = "O") -> list[Article]:
    """Articles whose captivity words are drawn 70% hostages / 30% captives."""
    articles = []
    for index in range(n_articles):
        words = rng.choice(["hostages", "captives"], size=rng.integers(1, 6), p=[0.7, 0.3])
        filler = " ".join(["talks"] * int(rng.integers(20, 60)))
        articles.append(Article(f"{outlet}{index}", f"{filler} {' and '.join(words)} were freed.", outlet=outlet))
    return articles


def test_seed_profile_values_and_denominators(seed_corpus):
    # With quotations: 3 captive words of 6 captivity words in Al Mayadeen's two articles.
    profiles = profile_outlets(seed_corpus, "israel_gaza", n_bootstrap=500, voice="all")
    captive = profiles[(profiles["outlet"] == "Al Mayadeen English") & (profiles["pole"] == "captive")].iloc[0]
    assert (captive["measure"], captive["count"], captive["denominator"], captive["denominator_name"]) == (
        "share", 3, 6, "axis_total")
    assert captive["value"] == pytest.approx(0.5)
    # By default only the outlet's own words: the hostage and kidnapped words are all in Netanyahu's quotations.
    own = profile_outlets(seed_corpus, "israel_gaza", n_bootstrap=500)
    own_captive = own[(own["outlet"] == "Al Mayadeen English") & (own["pole"] == "captive")].iloc[0]
    assert (own_captive["count"], own_captive["denominator"], own_captive["value"]) == (3, 3, 1.0)
    assert captive["n_articles"] == 2 and bool(captive["small_sample"])
    assert captive["ci_low"] <= 0.5 <= captive["ci_high"]
    category = profiles[(profiles["outlet"] == "A News") & (profiles["kind"] == "category")].iloc[0]
    assert category["measure"] == "rate_per_1000"
    assert category["value"] == pytest.approx(1000 * category["count"] / seed_corpus.n_tokens("000_8015344880bb54a8"))
    # An axis an outlet never uses has no share, not a share of zero.
    unused = profiles[(profiles["outlet"] == "A News") & (profiles["axis"] == "casualty_sourcing")]
    assert unused["value"].isna().all() and (unused["denominator"] == 0).all()


def test_one_article_group_still_gets_a_wide_interval(seed_corpus):
    profiles = profile_outlets(seed_corpus, "israel_gaza", n_bootstrap=500)
    hostage = profiles[(profiles["outlet"] == "Mangalorean") & (profiles["pole"] == "hostage")].iloc[0]
    assert hostage["value"] == 1.0 and hostage["n_articles"] == 1
    # 2 of 2 mentions: the Wilson 95% interval runs from about 0.34 to 1.
    assert hostage["ci_low"] == pytest.approx(0.3424, abs=1e-3)
    assert hostage["ci_high"] == 1.0


def test_intervals_narrow_as_articles_grow(rng):
    widths = []
    for n_articles in (5, 50, 500):
        profiles = profile_outlets(_synthetic(rng, n_articles), "israel_gaza", n_bootstrap=1000)
        row = profiles[profiles["pole"] == "hostage"].iloc[0]
        assert row["ci_low"] <= row["value"] <= row["ci_high"]
        widths.append(row["ci_high"] - row["ci_low"])
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < 0.1


def test_deterministic_and_independent_of_other_groups(rng):
    articles = _synthetic(rng, 30, "A") + _synthetic(rng, 30, "B")
    first = profile_outlets(articles, "israel_gaza", random_state=3)
    again = profile_outlets(articles, "israel_gaza", random_state=3)
    pd.testing.assert_frame_equal(first, again)
    alone = profile_outlets(articles[:30], "israel_gaza", random_state=3)
    columns = ["value", "ci_low", "ci_high"]
    np.testing.assert_array_equal(alone[columns].to_numpy(), first[first["outlet"] == "A"][columns].to_numpy())
    other_seed = profile_outlets(articles, "israel_gaza", random_state=4)
    assert not np.allclose(first["ci_low"].fillna(0), other_seed["ci_low"].fillna(0))


def test_weights_leave_copies_out():
    articles = [Article("a", "The hostages were freed.", outlet="X"),
                Article("b", "The captives were freed.", outlet="X")]
    profiles = profile_outlets(articles, "israel_gaza", weights=pd.Series({"b": 0.0}), n_bootstrap=200)
    hostage = profiles[profiles["pole"] == "hostage"].iloc[0]
    assert (hostage["count"], hostage["denominator"], hostage["value"]) == (1, 1, 1.0)
    with pytest.raises(FramingError, match=re.escape("weights must lie between 0 and 1")):
        profile_outlets(articles, "israel_gaza", weights=pd.Series({"b": 2.0}))


def test_bad_options():
    corpus = Corpus([Article("a", "hostages")])
    with pytest.raises(FramingError, match=re.escape("confidence must be between 0 and 1, got 95")):
        profile_outlets(corpus, confidence=95)
    with pytest.raises(FramingError, match=re.escape("n_bootstrap must be an integer of at least 100, got 10")):
        profile_outlets(corpus, n_bootstrap=10)


def test_outlet_similarity_is_the_cosine_of_pole_shares():
    profiles = pd.DataFrame({
        "outlet": ["A", "A", "B", "B", "C", "C"], "lexicon": "x", "axis": "captivity", "measure": "share",
        "pole": ["hostage", "captive"] * 3, "value": [1.0, 0.0, 0.6, 0.8, 0.0, 1.0]})
    similarity = outlet_similarity(profiles).set_index(["group_a", "group_b"])["similarity"]
    assert similarity[("A", "A")] == pytest.approx(1.0)
    assert similarity[("A", "B")] == pytest.approx(0.6)
    assert similarity[("B", "C")] == pytest.approx(0.8)
    assert similarity[("A", "C")] == pytest.approx(0.0)
    assert len(similarity) == 9


def test_profiles_html_view_of_a_column_selection_is_a_plain_table(seed_corpus):
    profiles = profile_outlets(seed_corpus, "israel_gaza", n_bootstrap=200)
    assert "Framing profiles" in profiles._repr_html_()
    selection = profiles[["outlet", "pole", "value"]].head(3)
    page = selection._repr_html_()
    assert "Framing profiles" not in page
    assert "<table" in page and page.count("A News") == 3


def test_bootstrap_resamples_draw_each_row_with_replacement():
    """Against the identity matrix, each resample's sums are its weights: whole numbers of draws adding up to
    the number of rows; over 4,000 resamples (two batches and a part) each row is drawn once on average, with
    the binomial variance n * (1/n) * (1 - 1/n) of a resample of n rows."""
    n_rows = 7
    sums = _bootstrap_sums(np.eye(n_rows), 4100, np.random.default_rng(0), batch=2000)
    assert sums.shape == (4100, n_rows)
    assert (sums == np.round(sums)).all() and (sums >= 0).all()
    assert (sums.sum(axis=1) == n_rows).all()
    assert sums.mean(axis=0) == pytest.approx(np.ones(n_rows), abs=0.05)
    assert sums.var(axis=0) == pytest.approx(np.full(n_rows, 1 - 1 / n_rows), abs=0.08)
    assert (sums[:2000] != sums[2000:4000]).any(axis=1).mean() > 0.9  # batches draw afresh
