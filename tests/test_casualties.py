import doctest
import re

import pandas as pd
import pytest

from framing import Article, FramingError
from framing import casualties
from framing.casualties import FIGURE_COLUMNS, SOURCE_SUMMARY_COLUMNS, SOURCE_TYPES, casualty_figures, casualty_sources


def figures_of(text: str) -> pd.DataFrame:
    return casualty_figures([Article("a", text, outlet="Wire")])


# Each sentence with every figure it holds, as
# (number_text, outcome, source_type, hedged, source_qualifier). An empty list: no figure at all.
SENTENCES = [
    ("At least 34,683 people, mostly women and children, have been killed and 78,018 injured in Israel's war in "
     "Gaza since October, according to the Palestinian Authority.",
     [("34,683", "killed", "palestinian_official", True, ""), ("78,018", "injured", "palestinian_official", True, "")]),
    ("Israel launched the offensive after Hamas attacked southern Israel on October 7, killing at least 1,139 "
     "people, according to an NDMT tally based on Israeli statistics.",
     [("1,139", "killed", "media_tally", True, "")]),
    ("The Hamas-run health ministry says 38 people were killed in the past 24 hours.",
     [("38", "killed", "health_ministry", True, "Hamas-run")]),
    ("Israel claims it has killed 17,000 militants since the war began.",
     [("17,000", "killed", "israeli_official", True, "")]),
    ("The death toll has risen to 40,005, the Gaza health ministry said.",
     [("40,005", "killed", "health_ministry", True, "")]),
    ("Twelve soldiers were wounded, the Israeli military said.", [("Twelve", "injured", "israeli_official", True, "")]),
    ("Hamas killed 1,200 people and took 251 hostages on October 7.", [("1,200", "killed", "unattributed", False, "")]),
    ("The UN says at least 200 aid workers have been killed in Gaza.", [("200", "killed", "un_or_ngo", True, "")]),
    ("Nine people were killed in an airstrike on a school in Nuseirat, officials said.",
     [("Nine", "killed", "other", True, "")]),
    ("According to the Ministry of Health in Gaza, 51 Palestinians were killed on Tuesday.",
     [("51", "killed", "health_ministry", True, "")]),
    ("Israeli strikes killed dozens of people across Gaza overnight, the civil defence agency said.",
     [("dozens", "killed", "palestinian_official", True, "")]),
    ("Gaza's health ministry, which is run by Hamas, said the number of injured had reached 92,401.",
     [("92,401", "injured", "health_ministry", True, "run by Hamas")]),
    ("Palestinian officials said Israeli fire killed 104 people waiting for aid.",
     [("104", "killed", "palestinian_official", True, "")]),
    ("Israel has killed more than 58,000 Palestinians in Gaza since October 2023.",
     [("58,000", "killed", "unattributed", False, "")]),
    ("The attack killed 1,200 people, mostly civilians, by Israeli tallies.",
     [("1,200", "killed", "israeli_official", True, "")]),
    ("UNRWA said 193 of its staff had been killed since the start of the war.",
     [("193", "killed", "un_or_ngo", True, "")]),
    ("The ministry said on Sunday that 24 people had died of malnutrition, including 15 children.",
     [("24", "killed", "health_ministry", True, ""), ("15", "killed", "health_ministry", True, "")]),
    ("An Israeli strike on a house in Rafah reportedly killed seven members of one family.",
     [("seven", "killed", "unattributed", True, "")]),
    ("Health officials in Gaza put the death toll at 37,396.", [("37,396", "killed", "health_ministry", True, "")]),
    ("A Reuters count found that 128 journalists have been killed since the war began.",
     [("128", "killed", "media_tally", False, "")]),
    ("The Israeli military confirmed that 12 soldiers were killed.", [("12", "killed", "israeli_official", False, "")]),
    ("It was the deadliest day since January 2024, when 150 people were killed.",
     [("150", "killed", "unattributed", False, "")]),
    ("Witnesses said Israeli troops opened fire on the crowd, wounding around 40.",
     [("40", "injured", "other", True, "")]),
    ("The Palestinian Red Crescent said nine of its paramedics had been killed.",
     [("nine", "killed", "un_or_ngo", True, "")]),
    ("The strike, which took place at 10:30 p.m., killed 5 people and wounded 17 others, Lebanon's health "
     "ministry said.",
     [("5", "killed", "health_ministry", True, ""), ("17", "injured", "health_ministry", True, "")]),
    ("The toll from Sunday's strikes rose to 31, Gaza's civil defence agency said.",
     [("31", "killed", "palestinian_official", True, "")]),
    ("The death toll in Israel stands at about 1,200, according to Israeli officials.",
     [("1,200", "killed", "israeli_official", True, "")]),
    ("The IDF said it had killed around 20 Hamas operatives in the operation.",
     [("20", "killed", "israeli_official", True, "")]),
    ("The war has left more than 92,000 people injured.", [("92,000", "injured", "unattributed", False, "")]),
    ("The ministry's figures, which do not distinguish between civilians and combatants, show 39,000 people have "
     "been killed.",
     [("39,000", "killed", "health_ministry", False, "do not distinguish between civilians and combatants")]),
    ("Hamas said 3 hostages were killed in an Israeli strike, while Israel said 40 militants died in the raid.",
     [("3", "killed", "palestinian_official", True, ""), ("40", "killed", "israeli_official", True, "")]),
    ("At least 27 people were killed, including 10 children, when a strike hit a tent camp in Mawasi on Tuesday, "
     "local health authorities said.",
     [("27", "killed", "health_ministry", True, ""), ("10", "killed", "health_ministry", True, "")]),
    ("The strike injured a further 35 people, according to Al Jazeera.", [("35", "injured", "media_tally", True, "")]),
    ("Israeli media reported that 4 soldiers were injured.", [("4", "injured", "media_tally", True, "")]),
    ("The Hamas-run government media office said 62 people were killed.",
     [("62", "killed", "palestinian_official", True, "Hamas-run")]),
    ("Al Mayadeen's correspondent reported 12 martyrs in the strike.", [("12", "killed", "media_tally", True, "")]),
    ("Three gunmen killed 5 soldiers near the border.", [("5", "killed", "unattributed", False, "")]),
    ("Gaza death toll passes 40,000, health ministry says", [("40,000", "killed", "health_ministry", True, "")]),
    ("Read next: 212 days of Israeli aggression: 34,683 killed, 78,018 injured in Gaza",
     [("34,683", "killed", "unattributed", False, ""), ("78,018", "injured", "unattributed", False, "")]),
    ("Hamas on Sunday said 12 soldiers were killed.", [("12", "killed", "palestinian_official", True, "")]),
    ("The ministry, in a statement, said 12 people were killed.", [("12", "killed", "health_ministry", True, "")]),
    ("Earlier on Sunday, the UN's humanitarian office (OCHA) reported that 15 aid workers had been killed.",
     [("15", "killed", "un_or_ngo", True, "")]),
    ("Israel's military said 3 soldiers were killed; Hamas said it killed 20.",
     [("3", "killed", "israeli_official", True, ""), ("20", "killed", "palestinian_official", True, "")]),
    ("Palestinian health officials said 12 people were killed, while the Israeli military said it struck 30 targets.",
     [("12", "killed", "health_ministry", True, "")]),
    ("The raid killed 11 people, the Palestinian Red Crescent said, and wounded 27 others.",
     [("11", "killed", "un_or_ngo", True, ""), ("27", "injured", "un_or_ngo", True, "")]),
    ("Four soldiers were seriously injured in the blast, the army said.",
     [("Four", "injured", "israeli_official", True, "")]),
    ("Witnesses told Reuters that eight people were shot dead by Israeli forces.",
     [("eight", "killed", "other", True, "")]),
    ("In 2014, a 50-day war killed 2,251 Palestinians and 73 Israelis.",
     [("2,251", "killed", "unattributed", False, ""), ("73", "killed", "unattributed", False, "")]),
    ("An AFP tally based on official Israeli figures puts the death toll in Israel at 1,219.",
     [("1,219", "killed", "media_tally", True, "")]),
    # Not casualty figures: ages, times, distances, percentages, years, hostages, displacement, bodies,
    # combined or vague outcomes.
    ("A 12-year-old boy was among those wounded in the raid, which began at 4 a.m.", []),
    ("The buffer zone would be 2 to 3 kilometres wide, covering about 17 percent of the Strip.", []),
    ("The Gaza government media office said more than 1.2 million people had been displaced.", []),
    ("Rescuers pulled 14 bodies from the rubble.", []),
    ("More than 100 hostages are still held in Gaza.", []),
    ("The WHO said at least 500 attacks on health care had been recorded.", []),
    ("Save the Children estimates that 10 children a day lose a leg in Gaza.", []),
    ("Israeli strikes killed or wounded 30 people in Jabalia.", []),
    ("Gaza residents said the strikes continued, killing and wounding several people.", []),
    ("Hundreds of thousands of lives are at risk, the agency warned.", []),
    ("He was killed 10 days ago, on 7 October, in a strike that cost $1.2 million.", []),
    ("Aid worth $2 million arrived in 2024 after a 40-day ceasefire.", []),
    ("The casualty toll rose to 120, officials said.", []),
    ("Hamas killed 1,200 people and 251 hostages were taken to Gaza.", [("1,200", "killed", "unattributed", False, "")]),
    ("Three gunmen killed 5 soldiers, and the soldiers who killed 3 civilians were arrested.",
     [("5", "killed", "unattributed", False, ""), ("3", "killed", "unattributed", False, "")]),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[f"s{i:02d}" for i in range(len(SENTENCES))])
def test_sentences(text, expected):
    table = figures_of(text)
    observed = [(row.number_text, row.outcome, row.source_type, row.hedged, row.source_qualifier)
                for row in table.itertuples()]
    assert observed == expected


@pytest.mark.parametrize(("text", "column", "expected"), [
    ("Israel has killed more than 58,000 Palestinians in Gaza.", "bound", ["more than"]),
    ("At least 34,683 people have been killed.", "bound", ["at least"]),
    ("The 12 Israeli soldiers were wounded.", "population", ["Israeli soldiers"]),
    ("Israel responded, resulting in more than 45,500 Palestinian deaths so far.", "population", ["Palestinian"]),
    ("The IDF said it had killed around 20 Hamas operatives.", "population", ["Hamas operatives"]),
    ("34,683 killed, 78,018 injured", "population", ["", ""]),
    ("The Hamas-run health ministry says 38 people were killed.", "source", ["The Hamas-run health ministry"]),
    ("Hamas, which runs Gaza, said 12 soldiers were killed.", "source", ["Hamas"]),
    ("Twelve people were killed, said the ministry.", "source", ["the ministry"]),
    ("Israel claims it has killed 17,000 militants.", "hedge", ["claims"]),
    ("The ministry reported 12 deaths.", "hedge", ["reported"]),
    ("Twelve people were reportedly killed.", "hedge", ["reportedly"]),
    ("An estimated 20,000 people were killed.", "hedge", ["an estimated"]),
    ("The Israeli military confirmed that 12 soldiers were killed.", "hedge", [""]),
    ("They killed nine people and wounded a dozen.", "number", [9.0, 12.0]),
    ("The war killed 1.2 million people and two hundred soldiers.", "number", [1_200_000.0, 200.0]),
    ("The strike killed twenty-five people.", "number", [25.0]),
])
def test_figure_fields(text, column, expected):
    assert figures_of(text)[column].tolist() == expected


def test_vague_quantities_have_no_value():
    table = figures_of("Strikes killed dozens of people and injured hundreds; tens of thousands have died.")
    assert table["number_text"].tolist() == ["dozens", "hundreds", "tens of thousands"]
    assert table["number"].isna().all()
    assert table["outcome"].tolist() == ["killed", "injured", "killed"]


def test_attribution_in_the_previous_sentence():
    # A colon introduces the figure below it; a pronoun takes its type from the previous sentence.
    listed = figures_of("The health ministry reported:\n27 people killed in the last 24 hours")
    assert listed[["source", "source_type", "hedge"]].values.tolist() == [["The health ministry", "health_ministry",
                                                                            "reported"]]
    pronoun = figures_of("The Gaza health ministry said on Monday that strikes had continued. "
                         "It said 38,098 people had been killed.")
    assert pronoun[["source", "source_type"]].values.tolist() == [["It", "health_ministry"]]
    # Anything else one sentence back is not an attribution.
    plain = figures_of("The Gaza health ministry published new figures. 38,098 people have been killed.")
    assert plain["source_type"].tolist() == ["unattributed"]


def test_offsets_index_the_displayed_text():
    text = "The \ufb01gures \u2014 \u201cgrim\u201d \u2014 show 38 people were killed, the ministry said."
    table = figures_of(text)
    row = table.iloc[0]
    assert text[row["start"]:row["end"]] == "38"
    assert row["sentence"] == text[row["sentence_start"]:row["sentence_end"]] == text


# Seeds, read by hand. 000: the only figure is "killing over 58,000 Palestinians" (the 10 captives, the
# 2-3 km buffer zone and October 2023 are not figures). 001: "that killed 1,200 people" and "more than 45,500
# Palestinian deaths". 002: 34,683 killed and 78,018 injured according to the Palestinian Authority, 1,139
# killed according to an NDMT tally; not "more than 100 hostages", "33 Israeli prisoners", "a million
# Palestinians have taken refuge", "thousands of Hamas fighters", "dozens of prisoners", "hundreds of thousands
# of lives at risk", nor "killing and wounding several people" (no number, two outcomes). 003: none.
# 004: the "Read next" headline "34,683 killed, 78,018 injured" (not "212 days", "124 hostages").
SEED_COUNTS = {"000_8015344880bb54a8": 1, "001_6c84b83942d16bb2": 2, "002_01f7d1bb75bbb616": 3,
               "003_9c3a215738b07338": 0, "004_3cabf72616562acd": 2}
SEED_COLUMNS = ["number_text", "number", "bound", "outcome", "population", "source", "source_type",
                "source_qualifier", "hedged", "hedge"]
SEED_000 = [["58,000", 58000.0, "over", "killed", "Palestinians", "", "unattributed", "", False, ""]]
SEED_002 = [
    ["34,683", 34683.0, "at least", "killed", "people", "the Palestinian Authority", "palestinian_official", "",
     True, "according to"],
    ["78,018", 78018.0, "", "injured", "", "the Palestinian Authority", "palestinian_official", "", True,
     "according to"],
    ["1,139", 1139.0, "at least", "killed", "people", "an NDMT tally based on Israeli statistics", "media_tally", "",
     True, "according to"],
]


@pytest.fixture(scope="module")
def seed_figures(seed_corpus):
    return casualty_figures(seed_corpus)


def test_seed_figure_counts(seed_figures, seed_corpus):
    counts = seed_figures["article_id"].value_counts().to_dict()
    assert {article_id: counts.get(article_id, 0) for article_id in seed_corpus.ids} == SEED_COUNTS


def test_seed_000_figures(seed_figures, seed_corpus):
    table = seed_figures[seed_figures["article_id"] == "000_8015344880bb54a8"]
    assert table[SEED_COLUMNS].values.tolist() == SEED_000
    row = table.iloc[0]
    assert row["outlet"] == "A News"
    assert row["sentence"].startswith("Rejecting international calls for a ceasefire")
    assert row["sentence"].endswith("most of them women and children.")


def test_seed_002_figures(seed_figures, seed_corpus):
    table = seed_figures[seed_figures["article_id"] == "002_01f7d1bb75bbb616"]
    assert table[SEED_COLUMNS].values.tolist() == SEED_002
    text = seed_corpus["002_01f7d1bb75bbb616"].text
    assert [text[start:end] for start, end in zip(table["start"], table["end"])] == ["34,683", "78,018", "1,139"]
    assert table["sentence"].iloc[0].startswith("At least 34,683 people")
    assert table["sentence"].iloc[2].startswith("Israel launched the offensive")


def test_seed_table_shape(seed_figures, seed_corpus):
    assert list(seed_figures.columns) == FIGURE_COLUMNS
    assert seed_figures["article_id"].tolist() == sorted(seed_figures["article_id"])  # article order
    for row in seed_figures.itertuples():
        text = seed_corpus[row.article_id].text
        assert text[row.start:row.end] == row.number_text
        assert text[row.sentence_start:row.sentence_end] == row.sentence
    assert set(seed_figures["source_type"]) <= set(SOURCE_TYPES)
    assert seed_figures["hedged"].dtype == bool


def test_empty_corpus_gives_empty_tables():
    figures = casualty_figures([Article("a", "Talks resumed in Doha on Sunday.")])
    assert figures.empty and list(figures.columns) == FIGURE_COLUMNS
    summary = casualty_sources(figures)
    assert summary.empty and list(summary.columns) == ["outlet", *SOURCE_SUMMARY_COLUMNS]


def test_casualty_sources_counts_and_denominators(seed_figures):
    table = casualty_sources(seed_figures, by="outlet")
    assert list(table.columns) == ["outlet", *SOURCE_SUMMARY_COLUMNS]
    outlets = ["A News", "Al Mayadeen English", "Mangalorean", "unknown republisher"]
    assert table["outlet"].tolist() == [outlet for outlet in outlets for _ in SOURCE_TYPES]  # zeros included
    assert table["source_type"].tolist() == list(SOURCE_TYPES) * 4
    indexed = table.set_index(["outlet", "source_type"])
    assert indexed.groupby(level=0)["n_total"].first().to_dict() == {
        "A News": 1, "Al Mayadeen English": 2, "Mangalorean": 2, "unknown republisher": 3}
    assert indexed.groupby(level=0)["n_figures"].sum().to_dict() == {
        "A News": 1, "Al Mayadeen English": 2, "Mangalorean": 2, "unknown republisher": 3}
    republisher = indexed.loc["unknown republisher"]
    assert republisher["n_figures"].to_dict() == {"health_ministry": 0, "palestinian_official": 2,
                                                  "israeli_official": 0, "un_or_ngo": 0, "media_tally": 1,
                                                  "other": 0, "unattributed": 0}
    assert republisher.loc["palestinian_official", "n_hedged"] == 2
    assert republisher.loc["media_tally", "n_hedged"] == 1
    assert republisher.loc["palestinian_official", "share"] == pytest.approx(2 / 3)
    # Wilson 95% for 2 of 3, by hand: z = 1.95996, z^2 = 3.84146;
    # centre = (2/3 + z^2/6) / (1 + z^2/3) = 1.30691 / 2.28049 = 0.57308;
    # half = z * sqrt((2/3)(1/3)/3 + z^2/36) / 2.28049 = 1.95996 * 0.42518 / 2.28049 = 0.36542.
    assert round(republisher.loc["palestinian_official", "ci_low"], 3) == 0.208
    assert round(republisher.loc["palestinian_official", "ci_high"], 3) == 0.939
    zero = republisher.loc["health_ministry"]
    assert zero["share"] == 0 and zero["ci_low"] == 0
    assert indexed.loc[("A News", "unattributed"), "share"] == 1.0


def test_casualty_sources_counts_qualifiers_and_groups():
    figures = casualty_figures([
        Article("w1", "The Hamas-run health ministry says 38 people were killed.", outlet="Wire"),
        Article("w2", "The health ministry said 12 people were injured. Israel says it killed 20 militants.",
                outlet="Wire"),
        Article("p1", "Israeli strikes killed 9 people.", outlet="Post"),
    ])
    table = casualty_sources(figures).set_index(["outlet", "source_type"])
    assert table.loc[("Wire", "health_ministry"), ["n_figures", "n_total", "n_hedged", "n_qualified"]].tolist() == [
        2, 3, 2, 1]
    assert table.loc[("Post", "unattributed"), ["n_figures", "n_total", "n_hedged"]].tolist() == [1, 1, 0]
    by_article = casualty_sources(figures, by="article")
    assert by_article.columns[0] == "article_id" and by_article["article_id"].nunique() == 3
    by_outcome = casualty_sources(figures, by="outcome").set_index(["outcome", "source_type"])
    assert by_outcome.loc[("injured", "health_ministry"), "n_total"] == 1
    narrow, wide = casualty_sources(figures, confidence=0.80), casualty_sources(figures, confidence=0.99)
    assert ((narrow["ci_high"] - narrow["ci_low"]) < (wide["ci_high"] - wide["ci_low"])).all()


def test_casualty_sources_rejects_a_bad_by(seed_figures):
    message = ("by='host' is not a column of the figures table to group by; use one of: article_id, outlet, bound, "
               "outcome, population, voice (or 'article')")
    with pytest.raises(FramingError, match=re.escape(message)):
        casualty_sources(seed_figures, by="host")


def test_casualty_sources_rejects_other_input(seed_figures):
    with pytest.raises(FramingError, match=re.escape("figures must be the DataFrame returned by casualty_figures")):
        casualty_sources([1, 2, 3])
    with pytest.raises(FramingError, match=re.escape("confidence must be a number strictly between 0 and 1, got 95")):
        casualty_sources(seed_figures, confidence=95)


def test_docstring_examples():
    assert doctest.testmod(casualties).failed == 0
