import re
from pathlib import Path

import pandas as pd
import pytest

from framing import Article, FramingError, count_terms, find_matches, kwic, summarize_poles
from framing.lexicon import load_lexicons

HAND_COUNTS = Path(__file__).parent / "data" / "seed_hand_counts.csv"


def test_engine_reproduces_the_hand_count_of_every_seed(seed_corpus):
    expected = pd.read_csv(HAND_COUNTS).sort_values(["article_id", "axis", "pole", "term"]).reset_index(drop=True)
    counted = count_terms(seed_corpus, "israel_gaza")[["article_id", "axis", "pole", "term", "count"]]
    counted = counted.sort_values(["article_id", "axis", "pole", "term"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(counted, expected, check_dtype=False)


# Captivity words per seed, read off the texts (titles excluded, quotations included).
CAPTIVITY = {
    "000_8015344880bb54a8": {"captive": 1},                 # "10 living Israeli captives"
    "001_6c84b83942d16bb2": {"hostage": 2},                 # "whereabouts of hostages", "release of hostages"
    "002_01f7d1bb75bbb616": {"hostage": 1, "prisoner": 3},  # "Palestinian prisoners" is excluded
    "003_9c3a215738b07338": {"captive": 2},                 # photo caption + "10 Israeli captives"
    "004_3cabf72616562acd": {"captive": 1, "hostage": 1, "abducted": 2},  # "kidnapped" twice, in a quote
}


def test_captivity_counts_per_seed(seed_corpus):
    table = count_terms(seed_corpus, "israel_gaza")
    captivity = table[table["axis"] == "captivity"].groupby(["article_id", "pole"])["count"].sum()
    observed = {article: captivity[article].to_dict() for article in captivity.index.get_level_values(0).unique()}
    assert observed == CAPTIVITY


def test_rates_state_their_denominator(seed_corpus):
    table = count_terms(seed_corpus, "israel_gaza", by="outlet")
    mayadeen = table[table["outlet"] == "Al Mayadeen English"]
    n_tokens = seed_corpus.n_tokens("003_9c3a215738b07338") + seed_corpus.n_tokens("004_3cabf72616562acd")
    assert set(mayadeen["n_tokens"]) == {n_tokens}
    assert set(mayadeen["n_articles"]) == {2}
    row = mayadeen[mayadeen["term"] == "captives"].iloc[0]
    assert row["count"] == 2  # 003 "10 Israeli captives", 004 "get the captives released"
    assert row["rate_per_1000"] == pytest.approx(2000 / n_tokens)


def test_pole_shares_show_the_axis_total(seed_corpus):
    poles = summarize_poles(seed_corpus, "israel_gaza", by="outlet")
    captivity = poles[(poles["outlet"] == "Al Mayadeen English") & (poles["axis"] == "captivity")]
    assert captivity.set_index("pole")["count"].to_dict() == {"hostage": 1, "captive": 3, "prisoner": 0,
                                                               "abducted": 2}
    assert set(captivity["axis_total"]) == {6}
    assert captivity.set_index("pole")["share"].to_dict() == pytest.approx(
        {"hostage": 1 / 6, "captive": 0.5, "prisoner": 0.0, "abducted": 1 / 3})
    # Every outlet has a row for every pole, zeros included; shares sum to 1 where the axis occurs.
    assert len(poles) == 4 * sum(1 for _ in poles[["kind", "axis", "pole"]].drop_duplicates().itertuples())
    sums = poles[(poles["kind"] == "axis") & (poles["axis_total"] > 0)].groupby(["outlet", "axis"])["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)
    empty = poles[(poles["kind"] == "axis") & (poles["axis_total"] == 0)]
    assert empty["share"].isna().all()
    assert poles[poles["kind"] == "category"]["share"].isna().all()


def test_group_by_event_and_any_column(seed_corpus):
    poles = summarize_poles(seed_corpus, "israel_gaza", by="event")
    assert list(poles["event"].unique()) == ["cairo-2024-05", "doha-2025-01", "doha-2025-07"]
    cairo = poles[(poles["event"] == "cairo-2024-05") & (poles["axis"] == "captivity")].set_index("pole")["count"]
    assert cairo.to_dict() == {"hostage": 2, "captive": 1, "prisoner": 3, "abducted": 2}
    by_host = count_terms(seed_corpus, "israel_gaza", by="host")
    assert "(none)" in set(by_host["host"])  # 002 has no host in the manifest


def test_small_corpus_by_outlet(small_corpus):
    poles = summarize_poles(small_corpus, "israel_gaza", by="outlet").set_index(["outlet", "axis", "pole"])
    assert poles.loc[("Wire", "captivity", "hostage"), "count"] == 2
    assert poles.loc[("Resist", "captivity", "captive"), "count"] == 1
    assert poles.loc[("Neutral", "captivity", "prisoner"), "count"] == 2  # prisoners, detainees
    assert poles.loc[("Neutral", "captivity", "abducted"), "count"] == 1
    assert poles.loc[("Wire", "armed_groups", "militant"), "count"] == 1
    assert poles.loc[("Resist", "armed_groups", "resistance"), "count"] == 1
    assert poles.loc[("Resist", "death_language", "martyr"), "count"] == 1


def test_every_match_points_at_its_text_and_sentence(seed_corpus):
    matches = find_matches(seed_corpus, "israel_gaza")
    assert len(matches) == pd.read_csv(HAND_COUNTS)["count"].sum()
    for row in matches.itertuples():
        text = seed_corpus[row.article_id].text
        assert text[row.start:row.end] == row.match
        assert text[row.sentence_start:row.sentence_end] == row.sentence
        assert row.sentence_start <= row.start < row.end <= row.sentence_end


def test_offsets_survive_curly_quotes_and_ellipses():
    article = Article("x", "\u201cThe \ufb01ghters\u2026\u201d held \u201chostages\u201d \u2014 said Israel\u2019s army.")
    matches = find_matches([article], "israel_gaza")
    # "fighters" is written with the "fi" ligature; the match shows the displayed characters.
    assert matches["match"].tolist() == ["\ufb01ghters", "hostages", "Israel"]
    for row in matches.itertuples():
        assert article.text[row.start:row.end] == row.match


def test_kwic_for_a_term_and_a_pole(seed_corpus):
    lines = kwic(seed_corpus, "hostage*")
    assert lines["article_id"].tolist() == ["001_6c84b83942d16bb2", "001_6c84b83942d16bb2",
                                            "002_01f7d1bb75bbb616", "004_3cabf72616562acd"]
    assert lines.iloc[3]["marked"] == "We did this to free 124 [[hostages]] and then we were back to fighting."
    captive = kwic(seed_corpus, "captivity:captive", lexicon="israel_gaza", width=20)
    assert len(captive) == 4
    assert captive.iloc[0]["left"] == "ease 10 living Israeli "[-20:]
    assert set(kwic(seed_corpus, "captive", lexicon="israel_gaza")["pole"]) == {"captive"}
    assert kwic(seed_corpus, "unicorn*").empty


def test_bad_options_are_clear_errors(seed_corpus):
    with pytest.raises(FramingError, match=re.escape("by='nope' is not a column of the corpus; use one of: article")):
        count_terms(seed_corpus, "israel_gaza", by="nope")
    with pytest.raises(FramingError, match=re.escape("width must be a non-negative integer, got -1")):
        kwic(seed_corpus, "war", width=-1)
    with pytest.raises(FramingError, match=re.escape("or a list of Article, got str; wrap a text as Article")):
        count_terms("just a string", "israel_gaza")


def test_tables_are_deterministic(seed_corpus):
    first = count_terms(seed_corpus, "israel_gaza", by="outlet").to_csv(index=False)
    second = count_terms(seed_corpus[::-1], "israel_gaza", by="outlet").to_csv(index=False)
    assert first == second


@pytest.mark.parametrize("voice", ["all", "narration"])
@pytest.mark.parametrize("lexicon", [["israel_gaza"], ["israel_gaza", "us_immigration"]])
@pytest.mark.parametrize("by", ["outlet", "event", "date", "article"])
def test_group_counts_from_article_counts_equal_counting_again(seed_corpus, small_corpus, lexicon, by, voice):
    lexicons = tuple(load_lexicons(lexicon))
    for corpus in (seed_corpus, small_corpus):
        article_counts = count_terms(corpus, lexicons, by="article")
        pd.testing.assert_frame_equal(count_terms(corpus, lexicons, by=by, voice=voice, counts=article_counts),
                                      count_terms(corpus, lexicons, by=by, voice=voice))


def test_voice_columns_split_the_seed_counts(seed_corpus):
    # Seed 004 (Al Mayadeen English): "hostages" and both "kidnapped" occur only inside Netanyahu's
    # quotations; "captives" is the outlet's own word.
    table = count_terms(seed_corpus, "israel_gaza", by="article", voice="narration")
    table = table[table["article_id"] == "004_3cabf72616562acd"].set_index("term")
    assert table.loc["hostage*", ["count", "count_narration", "count_quotation", "count_scare_quote"]].tolist() \
        == [0, 0, 1, 0]
    assert table.loc["kidnapped", ["count", "count_quotation"]].tolist() == [0, 2]
    assert table.loc["captives", ["count", "count_narration", "count_quotation"]].tolist() == [1, 1, 0]
    # "Israel's" in scare quotes is counted apart from the outlet's own words.
    assert table.loc["Israel", ["count", "count_quotation", "count_scare_quote"]].tolist() == [0, 2, 1]
    every = count_terms(seed_corpus, "israel_gaza", by="article")
    assert (every["count"] == every[["count_narration", "count_quotation", "count_scare_quote"]].sum(axis=1)).all()


def test_bad_voice_is_named_with_the_choices(seed_corpus):
    with pytest.raises(FramingError, match=re.escape("voice must be 'all', one of narration, quotation, "
                                                     "scare_quote or a list of them, got 'narrator'")):
        count_terms(seed_corpus, voice="narrator")
