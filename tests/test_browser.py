"""The report page in headless Chromium: evidence panels, sorting, filters, no network, no script injection."""

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from framing import Article, Corpus
from framing.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PROJECT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium "
                       "(apt-get install chromium chromium-driver)"),
]

# Each payload would set window.__xss, change the title or open a dialog if it ever ran.
PAYLOADS = ("<script>window.__xss = 1; document.title = 'owned'</script>",
            "<img src=x onerror=\"window.__xss = 2; document.title = 'owned'; alert(1)\">",
            "</script><script>window.__xss = 3</script>",
            "<svg onload=\"window.__xss = 4\"></svg>")


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="framing-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("browser_report")
    write_report(seed_corpus, out, formats="png")
    return out / "index.html"


def _open(driver, path: Path):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(path.as_uri())
    # get() normally returns once the page has loaded; on a busy machine wait (up to 30 s) rather than race it
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _severe(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _rows(driver, table_id: str) -> list[list[str]]:
    """Visible body rows of a table, as cell texts (the evidence row is left out)."""
    return driver.execute_script(
        "return Array.from(document.getElementById(arguments[0]).tBodies[0].rows)"
        ".filter(r => !r.hidden && !r.classList.contains('evidence-row'))"
        ".map(r => Array.from(r.cells).map(c => c.textContent.trim()));", table_id)


def _headers(driver, table_id: str) -> list[str]:
    return driver.execute_script("return Array.from(document.getElementById(arguments[0]).tHead.rows[0].cells)"
                                 ".map(c => c.textContent.replace(/[\\u2195\\u25b2\\u25bc]/g, '').trim());", table_id)


def _screenshot(driver, *paths: Path) -> None:
    height = driver.execute_script("window.scrollTo(0, 0); return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(height, 30000))
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)


def test_seed_page_loads_offline_and_every_count_opens_its_sentences(browser, seed_page, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, seed_page)
    assert _severe(browser) == []
    requests = _requests(browser)
    assert requests and all(url == seed_page.as_uri() or url.startswith("data:") for url in requests), requests
    assert browser.title == "Framing report: seeds"

    # The term "captives" in Al Mayadeen English: 2 matches, one in each of its articles.
    headers = _headers(browser, "t-terms-1")
    assert headers == ["outlet", "axis", "pole", "term", "count", "tokens", "per 1,000 tokens"]
    row = browser.find_element(By.XPATH, "//table[@id='t-terms-1']//tr[td[1]='Al Mayadeen English' and "
                                         "td[4]='captives']")
    button = row.find_element(By.CSS_SELECTOR, "button.count")
    assert button.text == "2" and button.get_attribute("aria-expanded") == "false"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    panel = browser.find_element(By.CSS_SELECTOR, "#t-terms-1 tr.evidence-row .evidence")
    assert button.get_attribute("aria-expanded") == "true"
    assert panel.get_attribute("id") == button.get_attribute("aria-controls")
    # the panel is the row right after the clicked one
    assert browser.execute_script("return arguments[0].nextElementSibling.contains(arguments[1])", row, panel)
    heading = panel.find_element(By.TAG_NAME, "h4").text
    assert heading == "Al Mayadeen English · captivity · captive · captives — count 2"
    assert panel.find_element(By.CLASS_NAME, "evidence-count").text == "Showing 2 of 2 matches"
    items = panel.find_elements(By.CSS_SELECTOR, "ol.kwic > li")
    assert [item.find_element(By.TAG_NAME, "mark").text for item in items] == ["captives", "captives"]
    assert items[0].find_element(By.CLASS_NAME, "kwic-line").text == (
        "Hamas emphasized that it had shown the “necessary flexibility” in pursuit of a successful outcome, "
        "including agreeing to release 10 Israeli captives held in Gaza as part of a broader agreement.")
    assert items[1].find_element(By.CLASS_NAME, "kwic-line").text.startswith(
        "…update, during a video message broadcast, Israeli Prime Minister Benjamin Netanyahu claimed")
    assert [item.find_element(By.CLASS_NAME, "article").text for item in items] == [
        "003_9c3a215738b07338", "004_3cabf72616562acd"]
    assert [item.find_element(By.CLASS_NAME, "badge").text for item in items] == ["narration", "narration"]
    assert items[0].find_element(By.CLASS_NAME, "meta").text == (  # manifest columns, cut at 160 characters
        "date_source: inferred from text; host: english.almayadeen.net; note: Lebanese outlet; date inferred from "
        "the events described (the Witkoff and Trump-Netanyahu…")
    link = items[0].find_element(By.CSS_SELECTOR, "a.article")
    assert link.get_attribute("href") == ("https://english.almayadeen.net/news/politics/"
                                          "hamas-seeks-full-israeli-withdrawal--aid-in-gaza-truce-talks")

    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", panel)
    table = browser.find_element(By.ID, "t-terms-1")
    assert table.screenshot(str(tmp_path / "evidence_screenshot.png"))  # the open panel, for the README
    (PROJECT / "build").mkdir(exist_ok=True)
    (PROJECT / "build" / "evidence_screenshot.png").write_bytes((tmp_path / "evidence_screenshot.png").read_bytes())
    _screenshot(browser, PROJECT / "build" / "report_screenshot.png", tmp_path / "report_screenshot.png")
    assert (tmp_path / "report_screenshot.png").stat().st_size > 50_000

    # Keyboard: Escape closes the panel and gives the focus back to the count; Enter opens it again.
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert browser.find_elements(By.CSS_SELECTOR, "tr.evidence-row") == []
    assert browser.switch_to.active_element == button
    button.send_keys(Keys.ENTER)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#t-terms-1 tr.evidence-row")) == 1
    button.send_keys(Keys.ENTER)  # a second press closes it
    assert browser.find_elements(By.CSS_SELECTOR, "tr.evidence-row") == []
    assert _severe(browser) == [] and all(url.startswith(("file:", "data:")) for url in _requests(browser))


def test_sort_and_filters_change_the_visible_rows(browser, seed_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, seed_page)
    count = _headers(browser, "t-terms-1").index("count")
    before = _rows(browser, "t-terms-1")
    # one row per outlet and term matched at least once; a term matched only inside quotations (Mangalorean's
    # "IDF") has a narration count of 0
    assert len(before) == 94
    sort = browser.find_elements(By.CSS_SELECTOR, "#t-terms-1 thead button.sort")[count]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", sort)
    sort.click()
    ascending = [int(row[count].replace(",", "")) for row in _rows(browser, "t-terms-1")]
    assert ascending == sorted(ascending) and ascending[0] == 0
    sort.click()
    descending = [int(row[count].replace(",", "")) for row in _rows(browser, "t-terms-1")]
    assert descending == sorted(descending, reverse=True)
    # numeric, not text order: the 11 "Israel" of the unknown republisher (15 in its body, 4 of them quoted)
    # comes first, before any single-digit count
    assert descending[0] == 11 and _rows(browser, "t-terms-1")[0][:4] == ["unknown republisher", "naming_israel",
                                                                          "state", "Israel"]
    header = browser.find_elements(By.CSS_SELECTOR, "#t-terms-1 thead th")[count]
    assert header.get_attribute("aria-sort") == "descending"

    outlet = Select(browser.find_element(By.CSS_SELECTOR, ".filters[data-table='t-terms-1'] select[data-col='0']"))
    assert [option.text for option in outlet.options] == ["all", "A News", "Al Mayadeen English", "Mangalorean",
                                                          "unknown republisher"]
    outlet.select_by_visible_text("Mangalorean")
    rows = _rows(browser, "t-terms-1")
    assert len(rows) == 16 and {row[0] for row in rows} == {"Mangalorean"}
    status = browser.find_element(By.CSS_SELECTOR, ".filters[data-table='t-terms-1'] .filter-status")
    assert status.text == "Showing 16 of 94 rows"
    axis = Select(browser.find_element(By.CSS_SELECTOR, ".filters[data-table='t-terms-1'] select[data-col='1']"))
    axis.select_by_visible_text("naming_israel")
    assert [row[3] for row in _rows(browser, "t-terms-1")] == ["Israel", "Israeli forces", "IDF",
                                                                "Israel Defense Forces"]
    outlet.select_by_visible_text("all")
    axis.select_by_visible_text("all")
    assert len(_rows(browser, "t-terms-1")) == 94
    assert _severe(browser) == []


def _xss_corpus() -> Corpus:
    text = " ".join(f"Hostages {payload} were freed by militants. The captives came home." for payload in PAYLOADS)
    articles = [Article(f"x{i}", text, outlet=f"{PAYLOADS[i % 4]} {i % 2}", title=PAYLOADS[(i + 1) % 4],
                        url=["javascript:window.__xss = 5", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                             "data:text/html,<script>window.__xss=6</script>"][i],
                        meta={"note": PAYLOADS[(i + 2) % 4]}) for i in range(4)]
    return Corpus(articles, source="payloads")


def test_payloads_in_the_corpus_never_run(browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    write_report(_xss_corpus(), tmp_path, formats="png")
    page = tmp_path / "index.html"
    _open(browser, page)
    buttons = browser.find_elements(By.CSS_SELECTOR, "button.count")
    assert len(buttons) > 10
    for button in buttons:  # every panel puts article text, titles, outlets and urls into the page
        browser.execute_script("arguments[0].click()", button)
        assert len(browser.find_elements(By.CSS_SELECTOR, "tr.evidence-row")) == 1
    browser.execute_script("arguments[0].click()", buttons[0])  # leave one panel open
    marks = browser.find_elements(By.CSS_SELECTOR, "tr.evidence-row mark")
    assert marks, "the evidence panel is open"
    assert PAYLOADS[0] in browser.find_element(By.CSS_SELECTOR, "tr.evidence-row").text  # shown as text
    assert browser.execute_script("return window.__xss") is None
    assert browser.title == "Framing report: payloads"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('[href]'))"
                                   ".map(e => e.getAttribute('href'))")
    assert hrefs and all(href.startswith("#") for href in hrefs)  # no url here is http(s): none is a link
    assert browser.execute_script("return document.querySelectorAll('svg, iframe, object, embed').length") == 0
    assert browser.execute_script("return document.scripts.length") == 2
    requests = _requests(browser)
    assert all(url == page.as_uri() or url.startswith("data:image/png") for url in requests), requests
    assert _severe(browser) == []
    _screenshot(browser, tmp_path / "payload_screenshot.png")
