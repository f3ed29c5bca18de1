import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from framing import Article, Corpus, count_terms, find_matches, load_corpus
from framing.exceptions import FramingError
from framing.html import AnalysisSection, EvidenceLink, render_report
from framing.report import write_report

SECTIONS = {"overview": "Overview", "profiles": "Outlet profiles", "terms": "Term counts",
            "distinctive": "Distinctive terms", "map": "Framing map", "duplicates": "Duplicates",
            "voice": "Voice, referents, sourcing and agency", "method": "Method notes and limitations"}
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMAGE = "<img src=x onerror=alert(1)>"


class _Page(HTMLParser):
    """The parts of a report page the tests look at: tables (cell text and evidence keys), attributes, scripts."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.style = ""
        self._table = self._cell = self._script = None
        self._in_style = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attributes += [(tag, name, value or "") for name, value in attrs.items()]
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = ["", None]
        elif tag == "button" and self._cell is not None:
            self._cell[1] = attrs.get("data-ev")
        elif tag == "script":
            self._script = [attrs, ""]
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._table[-1].append((self._cell[0].strip(), self._cell[1]))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self.scripts.append(tuple(self._script))
            self._script = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data
        if self._script is not None:
            self._script[1] += data
        if self._in_style:
            self.style += data

    def rows(self, table_id: str) -> list[dict[str, tuple[str, str | None]]]:
        """Body rows of a table as {header: (text, evidence key)}."""
        header, *body = self.tables[table_id]
        return [dict(zip([text for text, _ in header], row)) for row in body]

    def data(self) -> dict:
        return json.loads(next(text for attrs, text in self.scripts if attrs.get("type") == "application/json"))

    def sentences(self, key: str) -> list[tuple[str, str, str, str, str]]:
        """(article id, left, match, right, voice) of the rows embedded for one evidence key."""
        data = self.data()
        return [(row[0], row[1], row[2], row[3], row[4]) for row in
                (data["rows"][index] for index in data["evidence"][key]["rows"])]


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("html_report")
    write_report(seed_corpus, out, formats="png")
    return (out / "index.html").read_text(encoding="utf-8")


def _row(rows, **cells):
    found = [row for row in rows if all(row[name][0] == value for name, value in cells.items())]
    assert len(found) == 1, cells
    return found[0]


def test_page_has_every_section_in_the_navigation(seed_page):
    for key, title in SECTIONS.items():
        assert f'<section class="part" id="{key}"' in seed_page
        assert f'<a href="#{key}">{title}</a>' in seed_page
    page = _Page(seed_page)
    # The built-in tables, then the five voice, referent, sourcing and agency tables of the report.
    assert list(page.tables) == ["t-profiles-1", "t-profiles-2", "t-terms-1", "t-distinctive-1", "t-map-1",
                                 "t-extra-1", "t-extra-2", "t-extra-3", "t-extra-4", "t-extra-5"]
    # axis shares, heatmap, distinctive terms, map, similarity, timeline, referents, agency shares
    assert seed_page.count("data:image/png;base64,") == 8


def test_overview_gives_corpus_lexicon_voice_and_load_report(seed_page):
    assert "<h1>seeds</h1>" in seed_page
    assert "<li><b>5</b><span>articles</span></li><li><b>4</b><span>outlets</span></li>" in seed_page
    assert "<dd>A News, Al Mayadeen English, Mangalorean, unknown republisher</dd>" in seed_page
    assert "<dt>Voice</dt><dd>narration only</dd>" in seed_page
    assert ("5 articles loaded, 0 inputs skipped, 1 other input read (such as a manifest); every input is listed "
            "in tables/load_report.csv.") in seed_page
    assert "israel_gaza — " in seed_page and " terms on 9 axes and 3 categories" in seed_page


def test_a_term_count_opens_exactly_its_sentences(seed_page):
    # Al Mayadeen English writes "captives" twice, once in each of its two articles (seeds 003 and 004).
    page = _Page(seed_page)
    row = _row(page.rows("t-terms-1"), outlet="Al Mayadeen English", term="captives")
    text, key = row["count"]
    assert text == "2" and key is not None
    assert page.sentences(key) == [
        ("003_9c3a215738b07338", "Hamas emphasized that it had shown the “necessary flexibility” in pursuit of a "
         "successful outcome, including agreeing to release 10 Israeli ", "captives",
         " held in Gaza as part of a broader agreement.", "narration"),
        # a long sentence keeps 150 characters of context on each side, cut at a word
        ("004_3cabf72616562acd", "…update, during a video message broadcast, Israeli Prime Minister Benjamin "
         "Netanyahu claimed that he was 'ready' to reach a ceasefire and get the ", "captives",
         " released through a deal with the Palestinian Resistance, which he claimed made unacceptable demands "
         "including a permanent ceasefire that would put…", "narration"),
    ]
    evidence = page.data()["evidence"][key]
    assert evidence["summary"] == "Showing 2 of 2 matches"
    assert evidence["label"] == "Al Mayadeen English · captivity · captive · captives — count 2"
    article = page.data()["articles"]["003_9c3a215738b07338"]
    assert (article["outlet"], article["date"]) == ("Al Mayadeen English", "2025-07-09")


def test_a_pole_count_in_the_profiles_opens_its_sentences(seed_page):
    # The captive pole of Al Mayadeen English: "captive" once in 003, "captives" in 003 and 004. Its other three
    # captivity words ("kidnapped" twice, "hostages") are inside a Netanyahu quotation in 004, which the default
    # voice setting (narration only) leaves out: 3 of 3 mentions.
    page = _Page(seed_page)
    row = _row(page.rows("t-profiles-1"), outlet="Al Mayadeen English", axis="captivity", pole="captive")
    assert (row["count"][0], row["axis total"][0], row["share"][0]) == ("3", "3", "100%")
    sentences = page.sentences(row["count"][1])
    assert [(article, match) for article, _, match, _, _ in sentences] == [
        ("003_9c3a215738b07338", "captive"), ("003_9c3a215738b07338", "captives"),
        ("004_3cabf72616562acd", "captives")]
    assert sentences[0][1:4] == ("An Israeli ", "captive", " is escorted by Hamas fighters before being handed over "
                                 "to the Red Cross in Nuseirat, central Gaza Strip, Saturday, February 22, 2025.")
    zero = _row(page.rows("t-profiles-1"), outlet="Al Mayadeen English", axis="captivity", pole="prisoner")
    assert zero["count"] == ("0", None)  # nothing to show: a plain number, not a button


def _hostage_corpus(n_articles: int) -> Corpus:
    articles = [Article(f"h{i:02d}", f"Article {i} says hostages were freed. Later, more hostages came home.",
                        outlet="Wire") for i in range(n_articles)]
    return Corpus(articles + [Article("q1", "Captives were freed.", outlet="Other")], source="written")


def test_evidence_is_a_sample_spread_over_articles_with_k_of_n():
    corpus = _hostage_corpus(6)  # 12 matches of "hostages" in Wire: 2 per article
    page = _Page(render_report(corpus, {}, matches=find_matches(corpus), term_counts=count_terms(corpus, by="outlet")))
    row = _row(page.rows("t-terms-1"), outlet="Wire", term="hostage*")
    assert row["count"][0] == "12"
    evidence = page.data()["evidence"][row["count"][1]]
    assert (evidence["n"], len(evidence["rows"]), evidence["summary"]) == (12, 8, "Showing 8 of 12 matches")
    sentences = page.sentences(row["count"][1])
    # every article's first match first (6), then the second matches of the first two articles, in text order
    assert [(article, left) for article, left, _, _, _ in sentences] == [
        ("h00", "Article 0 says "), ("h00", "Later, more "), ("h01", "Article 1 says "), ("h01", "Later, more "),
        ("h02", "Article 2 says "), ("h03", "Article 3 says "), ("h04", "Article 4 says "),
        ("h05", "Article 5 says ")]
    small = _Page(render_report(corpus, {}, matches=find_matches(corpus), term_counts=count_terms(corpus, by="outlet"),
                                evidence_sample=3))
    key = _row(small.rows("t-terms-1"), outlet="Wire", term="hostage*")["count"][1]
    assert small.data()["evidence"][key]["summary"] == "Showing 3 of 12 matches"


def test_term_counts_are_summed_from_article_counts_and_limited_to_the_figure_groups():
    corpus = _hostage_corpus(3)  # Wire: 3 articles with 2 "hostages" each; Other: 1 "Captives"
    page = render_report(corpus, {"terms": count_terms(corpus, by="article")}, matches=find_matches(corpus))
    assert [(row["outlet"][0], row["term"][0], row["count"][0]) for row in _Page(page).rows("t-terms-1")] == [
        ("Wire", "hostage*", "6"), ("Other", "captives", "1")]
    page = render_report(corpus, {"terms": count_terms(corpus, by="article")}, matches=find_matches(corpus),
                         groups=["Wire"])
    assert [row["outlet"][0] for row in _Page(page).rows("t-terms-1")] == ["Wire"]
    assert ("Only 1 of the 2 values of &#x27;outlet&#x27; (those with the most articles) are shown here, as in the "
            "figures; the CSV file has every one.") in page


def test_long_tables_are_cut_with_a_pointer_to_the_csv():
    corpus = _hostage_corpus(1)
    table = pd.DataFrame({"outlet": [f"Outlet {i}" for i in range(5)], "n_quoted": [1, 2, 3, 4, 5]})
    section = AnalysisSection("Quoted uses", "One row per outlet.", table, csv_name="voice.csv", max_rows=2)
    page = render_report(corpus, {}, sections=[section])
    assert "Showing 2 of 5 rows; all rows are in tables/voice.csv." in page
    assert [row["outlet"][0] for row in _Page(page).rows("t-extra-1")] == ["Outlet 0", "Outlet 1"]


def test_extra_section_links_counts_to_evidence_rows_filtered_by_keys_and_voice():
    corpus = Corpus([Article("a", "He said \"the hostages are home\". Hostages were freed.", outlet="Wire")])
    evidence = pd.DataFrame({
        "article_id": ["a", "a"], "outlet": ["Wire", "Wire"], "pole": ["hostage", "hostage"],
        "left": ["He said \"the ", ""], "match": ["hostages", "Hostages"], "right": [" are home\".", " were freed."],
        "voice": ["quotation", "narration"], "speaker": ["He", ""]})
    table = pd.DataFrame({"outlet": ["Wire"], "pole": ["hostage"], "n_quotation": [1], "n_narration": [1]})
    section = AnalysisSection(
        "Who says it", "Uses of each pole by voice.", table, evidence=evidence,
        links=[EvidenceLink("n_quotation", on=["outlet", "pole"], where={"voice": "quotation"}),
               EvidenceLink("n_narration", on={"outlet": "outlet", "pole": "pole"}, where={"voice": "narration"})])
    html = render_report(corpus, {}, sections=[section])
    page = _Page(html)
    assert "<h3>Who says it</h3><p class=\"intro\">Uses of each pole by voice.</p>" in html
    row = page.rows("t-extra-1")[0]
    assert page.sentences(row["n quotation"][1]) == [("a", "He said \"the ", "hostages", " are home\".", "quotation")]
    assert page.sentences(row["n narration"][1]) == [("a", "", "Hostages", " were freed.", "narration")]
    assert page.data()["rows"][0][5] == "He"  # the speaker
    # Evidence without a voice column: the counts stay plain numbers instead of failing.
    plain = _Page(render_report(corpus, {}, sections=[AnalysisSection(
        "Who says it", "", table, evidence=evidence.drop(columns=["voice"]), links=section.links)]))
    assert plain.rows("t-extra-1")[0]["n quotation"] == ("1", None)


def test_section_and_link_errors_name_the_problem():
    table = pd.DataFrame({"outlet": ["Wire"], "count": [1]})
    with pytest.raises(FramingError, match=re.escape("section 'Voice': no column 'pole' in its table; columns: "
                                                     "outlet, count")):
        AnalysisSection("Voice", "", table, links=[EvidenceLink("count", on=["outlet", "pole"])])
    with pytest.raises(FramingError, match=re.escape("EvidenceLink('count'): on='outlet' must be a non-empty list")):
        EvidenceLink("count", on="outlet")
    with pytest.raises(FramingError, match=re.escape("column 'count' has format 'percentage'; use one of text, "
                                                     "integer, number, percent, yes/no")):
        AnalysisSection("Voice", "", table, formats={"count": "percentage"})


def test_settings_replace_the_default_voice_note():
    corpus = _hostage_corpus(1)
    page = render_report(corpus, {}, settings={"voice": "narration and quotations", "min_articles": "5"})
    assert "<dt>Voice</dt><dd>narration and quotations</dd><dt>Min articles</dt><dd>5</dd>" in page
    assert "narration only" not in page


def test_skipped_inputs_are_counted_with_their_reasons(tmp_path):
    (tmp_path / "a.txt").write_text("Two hostages were freed on Sunday.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    (tmp_path / "d.txt").write_text("", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    page = render_report(corpus, {"load_report": corpus.load_report})
    assert "<li><b>3</b><span>inputs skipped</span></li>" in page
    assert "1 article loaded, 3 inputs skipped; every input is listed in tables/load_report.csv." in page
    rows = _Page(page).rows("t-skipped-1")
    assert [(row["reason"][0], row["inputs"][0]) for row in rows] == [
        ("empty file (0 bytes)", "2"), ("no text (the file holds only whitespace)", "1")]


def _xss_corpus() -> Corpus:
    payloads = f"{XSS_SCRIPT} {XSS_IMAGE} </script><script>alert(2)</script>"
    text = f"Hostages {payloads} were freed by militants. The captives {payloads} came home. " * 2
    articles = [Article(f"x{i}", text,
                        outlet=f"{XSS_SCRIPT}{XSS_IMAGE} {i % 2}", title=f"{XSS_IMAGE} title {i}",
                        url="javascript:alert(1)" if i % 2 else "https://example.org/a?b=<script>",
                        meta={"note": f"{XSS_SCRIPT}", XSS_IMAGE: "meta key"}) for i in range(4)]
    return Corpus(articles, source=f"/tmp/{XSS_IMAGE}")


def test_payloads_from_the_corpus_appear_only_escaped(tmp_path):
    write_report(_xss_corpus(), tmp_path, formats="png")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    parsed = _Page(page)
    assert XSS_SCRIPT not in page and XSS_IMAGE not in page and "<script>alert" not in page
    assert page.count("<script") == 2 and page.count("</script>") == 2  # the data block and the page script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; 0" in page  # outlet, escaped
    assert not [value for tag, name, value in parsed.attributes if value.lower().lstrip().startswith("javascript:")]
    data = parsed.data()
    raw = next(text for attrs, text in parsed.scripts if attrs.get("type") == "application/json")
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003c/script\\u003e" in raw
    texts = [" ".join(row[1:4]) for row in data["rows"]]
    assert any(f"{XSS_SCRIPT} {XSS_IMAGE} </script><script>alert(2)</script>" in text for text in texts)
    assert {article["url"] for article in data["articles"].values()} == {"javascript:alert(1)",
                                                                         "https://example.org/a?b=<script>"}
    assert data["articles"]["x0"]["meta"] == f"{XSS_IMAGE}: meta key; note: {XSS_SCRIPT}"


def test_page_loads_nothing_from_the_network_and_allows_only_its_own_script(seed_page):
    page = _Page(seed_page)
    sources = [value for tag, name, value in page.attributes if name in ("src", "srcset", "poster", "data", "action")]
    assert sources and all(value.startswith("data:image/png;base64,") for value in sources)
    links = [value for tag, name, value in page.attributes if name == "href"]
    assert links and all(value.startswith("#") for value in links)
    assert not re.search(r"https?://", page.style + "".join(text for attrs, text in page.scripts if not attrs))
    assert "@import" not in page.style and "url(" not in page.style
    policy = next(value for tag, name, value in page.attributes if tag == "meta" and name == "content"
                  and value.startswith("default-src 'none'"))
    script = next(text for attrs, text in page.scripts if not attrs)

    def digest(text):
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")

    assert f"script-src '{digest(script)}'" in policy and f"style-src '{digest(page.style)}'" in policy
    assert "unsafe-inline" not in policy and "connect-src" not in policy


def test_page_is_byte_identical_across_runs(seed_page, seed_corpus, tmp_path):
    write_report(seed_corpus, tmp_path, formats="png")
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == seed_page
