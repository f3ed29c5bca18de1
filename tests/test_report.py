import re
import socket

import pandas as pd
import pytest
from PIL import Image

from framing import Article, Corpus, FramingError, _tokens
from framing.cli import main
from framing.counting import count_terms
from framing.features import LexiconVectorizer
from framing.lexicon import load_lexicons
from framing.report import MAX_FIGURE_GROUPS, MAX_FIGURE_PIXELS, TABLE_NAMES, _pole_shares, _save_figure, _subplots
from framing.report import _timeline_period, write_report, write_table

TABLES = list(TABLE_NAMES)
FIGURES = ["axis_shares", "term_heatmap", "distinctive_terms", "framing_map", "similarity", "timeline", "referents",
           "agency_shares"]


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("report")
    result = write_report(seed_corpus, out)
    return out, result


def test_report_writes_every_table_figure_and_page(seed_report):
    out, result = seed_report
    for name in TABLES:
        assert (out / "tables" / f"{name}.csv").is_file()
    for name in FIGURES:
        for extension in ("png", "svg", "pdf"):
            assert (out / "figures" / f"{name}.{extension}").stat().st_size > 1000
    assert (out / "index.html").is_file()
    assert not list(out.rglob("*.tmp"))
    dpi = Image.open(out / "figures" / "axis_shares.png").info["dpi"]
    assert dpi == pytest.approx((300, 300), abs=0.1)


def test_articles_table_has_clusters_map_and_features(seed_report):
    out, _ = seed_report
    articles = pd.read_csv(out / "tables" / "articles.csv")
    assert list(articles.columns[:8]) == ["article_id", "outlet", "date", "title", "n_tokens", "cluster", "x", "y"]
    assert len(articles) == 5
    assert "share:captivity:hostage" in articles.columns and "rate:humanitarian" in articles.columns
    mangalorean = articles[articles["outlet"] == "Mangalorean"].iloc[0]
    assert mangalorean["share:captivity:hostage"] == 1.0  # 2 of its 2 captivity words
    outlets = pd.read_csv(out / "tables" / "outlets.csv")
    row = outlets[(outlets["outlet"] == "Al Mayadeen English") & (outlets["pole"] == "captive")].iloc[0]
    # Narration only by default: seed 004's "hostages" and two "kidnapped" are Netanyahu's quoted words.
    assert (row["count"], row["denominator"]) == (3, 3)
    terms = pd.read_csv(out / "tables" / "terms.csv")
    assert terms["count"].sum() == pd.read_csv("tests/data/seed_hand_counts.csv")["count"].sum()


def test_page_is_self_contained(seed_report):
    out, _ = seed_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=['"]?https?:""", page)
    assert page.count("data:image/png;base64,") == len(FIGURES)
    assert "default-src 'none'" in page


def test_tables_are_byte_identical_across_runs_and_input_order(seed_report, seed_corpus, tmp_path):
    out, _ = seed_report
    write_report(Corpus(list(seed_corpus)[::-1]), tmp_path, formats="png,svg")
    for name in TABLES:
        if name == "load_report":
            continue  # lists inputs in the order given
        assert (tmp_path / "tables" / f"{name}.csv").read_bytes() == (out / "tables" / f"{name}.csv").read_bytes(), name
    # Figures are stable too: the same pixels, and SVG files byte for byte (dates and ids are fixed).
    for name in FIGURES:
        first, second = (Image.open(folder / "figures" / f"{name}.png") for folder in (out, tmp_path))
        assert first.size == second.size and first.tobytes() == second.tobytes(), name
        assert (tmp_path / "figures" / f"{name}.svg").read_bytes() == (out / "figures" / f"{name}.svg").read_bytes()


def test_article_text_is_escaped_in_the_page(tmp_path):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    corpus = Corpus([Article(f"a{i}", f"Hostages {payload} were freed by militants. " * 3, outlet=f"{payload} {i % 2}",
                             title=payload) for i in range(4)])
    write_report(corpus, tmp_path, formats="png")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("<script") == 2  # the page's own data block and script, nothing from the articles
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # the outlet name, escaped


def test_report_command_runs_with_the_network_blocked(seeds_dir, tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise AssertionError("the main job tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert main(["report", str(seeds_dir), "--out", str(tmp_path), "--formats", "png", "--exclude-duplicates"]) == 0
    assert (tmp_path / "index.html").is_file()
    assert f"wrote {len(TABLE_NAMES)} tables" in capsys.readouterr().err


def test_report_option_errors(seeds_dir, tmp_path, capsys):
    assert main(["report", str(seeds_dir), "--out", str(tmp_path), "--formats", "gif"]) == 2
    assert "formats=gif is not valid; use a comma-separated subset of png,svg,pdf" in capsys.readouterr().err
    assert main(["report", str(seeds_dir)]) == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err


def test_report_times_its_stages(seed_report):
    _, result = seed_report
    assert list(result.timings) == ["counting", "duplicates", "profiles", "clustering", "distinctive_terms",
                                    "voice_referents_sourcing_agency", "figures", "tables", "html"]
    assert all(seconds >= 0 for seconds in result.timings.values())


@pytest.mark.parametrize("lexicon", [["israel_gaza"], ["israel_gaza", "us_immigration"]])
def test_pole_shares_from_article_counts_equal_the_vectorizer(seed_corpus, small_corpus, lexicon):
    lexicons = tuple(load_lexicons(lexicon))
    for corpus in (seed_corpus, small_corpus):
        expected = LexiconVectorizer(lexicon=lexicons, scale="share").set_output(transform="pandas").fit_transform(
            corpus)
        pd.testing.assert_frame_equal(_pole_shares(corpus, lexicons, count_terms(corpus, lexicons, by="article")),
                                      expected)


def test_figures_show_the_largest_groups_and_tables_keep_all(tmp_path):
    n_outlets = MAX_FIGURE_GROUPS + 2
    words = ["hostages", "captives", "detainees", "prisoners"]
    articles = [Article(f"a{outlet:02d}{index}", f"Militants freed {words[outlet % 4]} and {words[index % 4]}; "
                        f"{'the ceasefire held' if outlet % 2 else 'the war went on'}. " * (1 + index),
                        outlet=f"Outlet {outlet:02d}")
                for outlet in range(n_outlets) for index in range(1 + outlet % 3)]
    result = write_report(Corpus(articles), tmp_path, formats="png")
    assert result.tables["outlets"]["outlet"].nunique() == n_outlets
    assert any(f"Figures show the {MAX_FIGURE_GROUPS} values of 'outlet' with the most articles (of {n_outlets})"
               in note for note in result.notes)


@pytest.mark.parametrize("voice, passes", [("all", 1), ("narration", 2)])
def test_report_tokenises_each_article_once_per_text(seed_corpus, tmp_path, monkeypatch, voice, passes):
    calls = []
    tokenise = _tokens._chunk_tokens
    monkeypatch.setattr(_tokens, "_chunk_tokens", lambda texts: calls.extend(texts) or tokenise(texts))
    write_report(seed_corpus, tmp_path, formats="png", voice=voice)
    # With every voice, find_duplicates and distinctive_terms share one pass; with narration only,
    # distinctive_terms reads the text with quotations blanked out, a second text per article.
    assert len(calls) == passes * len(seed_corpus)


def test_report_tables_carry_voice_referents_sourcing_and_agency(seed_report):
    out, _ = seed_report
    tables = out / "tables"
    terms = pd.read_csv(tables / "terms.csv")
    assert {"count_narration", "count_quotation", "count_scare_quote"} <= set(terms.columns)
    voice = pd.read_csv(tables / "voice.csv").set_index(["outlet", "voice"])
    # Al Mayadeen English, every lexicon match of its two articles: narration + quotation + scare quote = total.
    mayadeen = voice.loc["Al Mayadeen English"]
    assert mayadeen["count"].sum() == mayadeen["n_matches"].iloc[0]
    assert mayadeen.loc["scare_quote", "count"] == 1  # "Israel's"
    referents = pd.read_csv(tables / "referents.csv")
    quoted = referents[(referents["outlet"] == "unknown republisher") & (referents["axis"] == "captivity")
                       & (referents["count"] > 0)]
    # Narration only: "100 hostages still held by Hamas" (Israeli); "the release of prisoners" (no cue); "dozens
    # of prisoners" after the quoted "Palestinian prisoners" takes that earlier referent (the rules' reading; the
    # hand label says Israeli: people held in Rafah).
    assert quoted[["referent", "pole", "count"]].values.tolist() == [
        ["israeli", "hostage", 1], ["palestinian", "prisoner", 1], ["unknown", "prisoner", 1]]
    casualties = pd.read_csv(tables / "casualties.csv")
    assert casualties.groupby("article_id").size().to_dict() == {
        "000_8015344880bb54a8": 1, "001_6c84b83942d16bb2": 2, "002_01f7d1bb75bbb616": 3, "004_3cabf72616562acd": 2}
    sources = pd.read_csv(tables / "casualty_sources.csv").set_index(["outlet", "source_type"])
    assert sources.loc[("unknown republisher", "palestinian_official"), ["n_figures", "n_total"]].tolist() == [2, 3]
    agency = pd.read_csv(tables / "agency_shares.csv").set_index(["outlet", "construction"])
    assert agency.loc[("unknown republisher", "active_agent"), ["count", "n_reports"]].tolist() == [3, 5]


def test_csv_cells_that_would_run_as_formulas_are_prefixed(tmp_path):
    frame = pd.DataFrame({"title": ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2", "@SUM(A1)", "plain", None],
                          "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    write_table(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["title"].tolist()[:5] == ["'=HYPERLINK(\"http://x\",\"click\")", "'+1+1", "'-2", "'@SUM(A1)", "plain"]
    assert back["value"].tolist()[0] == -1.5  # numbers are left alone
    assert frame["title"][0].startswith("=")  # the caller's table is not changed


def test_report_refuses_a_folder_it_did_not_write(seed_corpus, tmp_path):
    (tmp_path / "thesis.docx").write_text("my work", encoding="utf-8")
    with pytest.raises(FramingError, match=re.escape("already holds files that framing did not write; choose a "
                                                     "new or empty folder, or pass --force")):
        write_report(seed_corpus, tmp_path, formats="png")
    assert [path.name for path in tmp_path.iterdir()] == ["thesis.docx"]  # nothing written
    write_report(seed_corpus, tmp_path, formats="png", force=True)
    assert (tmp_path / "thesis.docx").read_text(encoding="utf-8") == "my work"
    assert (tmp_path / ".framing-output").is_file()
    write_report(seed_corpus, tmp_path, formats="png")  # its own folder now: no --force needed


def test_cli_refuses_to_replace_a_file_without_force(seeds_dir, tmp_path, capsys):
    target = tmp_path / "lines.csv"
    target.write_text("keep me", encoding="utf-8")
    assert main(["kwic", "hostage*", str(seeds_dir), "--out", str(target)]) == 2
    assert "already exists; choose another name, or pass --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["kwic", "hostage*", str(seeds_dir), "--out", str(target), "--force"]) == 0
    assert pd.read_csv(target)["match"].str.lower().str.startswith("hostage").all()


def test_a_very_large_png_figure_is_drawn_at_a_lower_resolution(tmp_path):
    """Figures keep 300 dpi up to 25 megapixels; a poster-sized one is scaled down to stay near that."""
    small, _ = _subplots(figsize=(8, 5))
    large, _ = _subplots(figsize=(15, 55))  # 74 megapixels at 300 dpi
    (small_png,) = _save_figure(small, tmp_path, "small", ("png",))
    (large_png,) = _save_figure(large, tmp_path, "large", ("png",))
    with Image.open(small_png) as image:
        assert round(image.info["dpi"][0]) == 300
    with Image.open(large_png) as image:
        assert round(image.info["dpi"][0]) == 174  # floor(sqrt(25e6 / (15 * 55)))
        assert image.width * image.height <= MAX_FIGURE_PIXELS


@pytest.mark.parametrize("first, last, expected", [
    ("2024-05-03", "2025-07-01", "MS"),  # 15 months: the seeds
    ("2024-01-01", "2025-12-31", "MS"),  # 24 months
    ("2024-01-01", "2026-01-01", "QS"),  # 25 months, 9 quarters
    ("2012-05-01", "2018-01-01", "QS"),  # 24 quarters
    ("2012-05-01", "2018-04-01", "YS"),  # 25 quarters, 7 years
])
def test_timeline_periods_are_the_finest_that_give_at_most_24(first, last, expected):
    dates = pd.Series(pd.to_datetime([first, None, last]))
    assert _timeline_period(dates) == expected
