"""Tests for framing.classroom: hidden answers, blind passages and their answer key."""

import re

import pandas as pd
import pytest

from framing import Article, Corpus, FramingError
from framing.classroom import (PASSAGE_COLUMNS, Reveal, blind_passages, passage_key, passage_terms, reveal,
                               show_passages)


# -- reveal ------------------------------------------------------------------

def test_reveal_plain_repr_hides_the_answer():
    hidden = reveal("Al Mayadeen English", label="Who wrote passage A?")
    assert isinstance(hidden, Reveal)
    assert repr(hidden) == ("(answer hidden — click 'Who wrote passage A?' in Jupyter to open it, "
                            "or read its .text)")
    assert "Al Mayadeen" not in repr(hidden)
    assert str(hidden) == repr(hidden)
    assert hidden.text == "Al Mayadeen English"


def test_reveal_html_is_a_collapsed_details_block():
    page = reveal("Captives.", label="Reveal answer")._repr_html_()
    assert page.startswith('<details class="framing-reveal"')
    assert page.endswith("</details>")
    opening = page[:page.index(">") + 1]
    assert " open" not in opening  # collapsed until clicked
    assert '<summary style="cursor:pointer;font-weight:bold">Reveal answer</summary>' in page
    assert "<p>Captives.</p>" in page
    assert "<script" not in page


def test_reveal_default_label():
    assert "<summary" in reveal("x")._repr_html_()
    assert ">Reveal answer</summary>" in reveal("x")._repr_html_()


@pytest.mark.parametrize("answer, escaped, raw", [
    ("<script>alert('x')</script>", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", "<script>"),
    ('He said "hostages" & left', "He said &quot;hostages&quot; &amp; left", '"hostages"'),
    ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;", "<b>"),
])
def test_reveal_escapes_the_answer(answer, escaped, raw):
    page = reveal(answer)._repr_html_()
    assert escaped in page
    assert raw not in page


def test_reveal_escapes_the_label():
    page = reveal("x", label="<img src=x onerror=alert(1)>")._repr_html_()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;</summary>" in page


def test_reveal_splits_paragraphs_and_keeps_line_breaks():
    page = reveal("First line\nsecond line\n\nNew paragraph")._repr_html_()
    assert "<p>First line<br>second line</p><p>New paragraph</p>" in page


def test_reveal_shows_a_table_escaped_and_in_order():
    table = pd.DataFrame({"outlet": ["<A News>"], "count": [3]})
    hidden = reveal(["Counts:", table, "End."])
    page = hidden._repr_html_()
    assert page.index("<p>Counts:</p>") < page.index("<table") < page.index("<p>End.</p>")
    assert "<td>&lt;A News&gt;</td>" in page
    assert "<td>3</td>" in page
    assert hidden.text == "Counts:\n\n  outlet  count\n<A News>      3\n\nEnd."


def test_reveal_other_objects_as_preformatted_text():
    page = reveal(42)._repr_html_()
    assert "<pre>42</pre>" in page


@pytest.mark.parametrize("label", ["", "   ", None, 3])
def test_reveal_rejects_a_bad_label(label):
    message = f"reveal label must be a non-empty string, got {label!r}; for example 'Reveal answer'"
    with pytest.raises(FramingError, match=re.escape(message)):
        reveal("x", label=label)


# -- blind passages ----------------------------------------------------------

@pytest.fixture
def newsroom() -> Corpus:
    return Corpus([
        Article("w1", "Reporting for Wire News, our correspondent said two hostages were freed. "
                      "WIRE NEWS editors added that the Wire Newsroom stayed open.", outlet="Wire News"),
        Article("r1", "The Resistance released captives. The Israeli occupation continued its aggression.",
                outlet="Resist"),
    ], source="newsroom")


def test_blind_passages_cuts_exact_text(newsroom):
    passages = blind_passages(newsroom, [("A", "r1", "The Resistance", "captives.")])
    assert list(passages.columns) == PASSAGE_COLUMNS
    row = passages.iloc[0]
    assert (row.label, row.article_id, row.outlet, row.start, row.end) == ("A", "r1", "Resist", 0, 33)
    assert row.text == "The Resistance released captives."
    assert newsroom["r1"].text[row.start:row.end] == row.text


def test_blind_passages_hides_the_outlet_and_other_names_as_whole_words(newsroom):
    passages = blind_passages(newsroom, [("B", "w1", "Reporting for", "stayed open.")], hide=["correspondent"])
    assert passages.iloc[0].shown_text == (
        "Reporting for [outlet], our [outlet] said two hostages were freed. "
        "[outlet] editors added that the Wire Newsroom stayed open.")
    assert "Wire News," in passages.iloc[0].text  # the text itself is unchanged


def test_blind_passages_custom_placeholder(newsroom):
    passages = blind_passages(newsroom, [("B", "w1", "Reporting", "Wire News,")], placeholder="▇▇")
    assert passages.iloc[0].shown_text == "Reporting for ▇▇,"


def test_blind_passages_keeps_the_order_given(newsroom):
    passages = blind_passages(newsroom, [("Z", "r1", "The Israeli", "aggression."), ("A", "r1", "The", "captives.")])
    assert passages["label"].tolist() == ["Z", "A"]
    assert passages["start"].tolist() == [34, 0]


@pytest.mark.parametrize("selection, message", [
    (("A", "nope", "The", "captives."), "passage 'A': no article 'nope' in the corpus; its articles are w1, r1"),
    (("A", "r1", "Hostages", "captives."),
     "passage 'A': 'Hostages' does not occur in article 'r1'; copy the opening words exactly from the text"),
    (("A", "r1", "The Israeli", "captives."),
     "passage 'A': 'captives.' does not occur after 'The Israeli' in article 'r1'; "
     "copy the closing words exactly from the text"),
    (("A", "r1", "The"), "a passage selection is (label, article_id, begins, ends), got ('A', 'r1', 'The')"),
])
def test_blind_passages_errors(newsroom, selection, message):
    with pytest.raises(FramingError, match=re.escape(message)):
        blind_passages(newsroom, [selection])


def test_blind_passages_rejects_a_repeated_label(newsroom):
    message = "passage label 'A' is used twice; give each passage its own label"
    with pytest.raises(FramingError, match=re.escape(message)):
        blind_passages(newsroom, [("A", "r1", "The", "captives."), ("A", "r1", "The", "aggression.")])


def test_show_passages_leaves_the_outlet_out_and_escapes(newsroom):
    corpus = Corpus([Article("x", "Officials said <b>captives</b> & hostages were freed.", outlet="Secret Outlet")])
    passages = blind_passages(corpus, [("A", "x", "Officials", "freed.")])
    cards = show_passages(passages, title="Who wrote <this>?")
    page = cards._repr_html_()
    assert "Secret Outlet" not in page and "Secret Outlet" not in repr(cards)
    assert "<strong>Passage A</strong>" in page
    assert "Officials said &lt;b&gt;captives&lt;/b&gt; &amp; hostages were freed." in page
    assert "<strong>Who wrote &lt;this&gt;?</strong>" in page
    assert repr(cards) == "Who wrote <this>?\n\nPassage A: Officials said <b>captives</b> & hostages were freed."


def test_show_passages_needs_the_blind_passages_table():
    message = "show_passages takes the table from blind_passages; it has no column 'shown_text'"
    with pytest.raises(FramingError, match=re.escape(message)):
        show_passages(pd.DataFrame({"label": ["A"]}))


# -- passage terms and key -----------------------------------------------------

def test_passage_terms_and_key_on_a_written_passage(newsroom):
    passages = blind_passages(newsroom, [("A", "r1", "The Resistance", "captives.")])
    terms = passage_terms(passages, newsroom)
    assert terms[["label", "outlet", "kind", "axis", "pole", "match"]].values.tolist() == [
        ["A", "Resist", "axis", "armed_groups", "resistance", "Resistance"],
        ["A", "Resist", "axis", "captivity", "captive", "captives"],
    ]
    key = passage_key(passages, newsroom)
    assert key.values.tolist() == [
        ["A", "Resist", "r1", 2, "Resistance (armed_groups: resistance); captives (captivity: captive)"]]


def test_passage_terms_only_inside_the_passage(newsroom):
    # "occupation" and "aggression" are in the same article, after the passage: not counted
    passages = blind_passages(newsroom, [("A", "r1", "released", "captives.")])
    assert passage_terms(passages, newsroom)["match"].tolist() == ["captives"]


def test_passage_key_on_the_seeds_netanyahu_quotation(seed_corpus):
    # Seed 004 (Al Mayadeen English) quotes Netanyahu: "our kidnapped people ... 124 hostages ...
    # bring the kidnapped back". Counted by hand in tests/data/seed_hand_counts.md.
    passages = blind_passages(seed_corpus, [("E", "004_3cabf72616562acd", '"Israel was and is still ready',
                                             "he stressed.")], hide=["Al Mayadeen"])
    assert passages.iloc[0].shown_text.endswith('bring the kidnapped back," he stressed.')
    key = passage_key(passages, seed_corpus, "israel_gaza")
    assert key.iloc[0].outlet == "Al Mayadeen English"
    assert key.iloc[0].n_matches == 4
    assert key.iloc[0].framing_words == ("Israel (naming_israel: state); kidnapped (captivity: abducted); "
                                         "hostages (captivity: hostage); kidnapped (captivity: abducted)")
    terms = passage_terms(passages, seed_corpus, "israel_gaza")
    # "pause in fighting" is a negotiation category term: in the terms, not in the key
    assert terms[terms["kind"] == "category"]["match"].tolist() == ["pause in fighting"]
