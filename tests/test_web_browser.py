"""`diary serve` in a real browser: Debian's Chromium driven by Selenium at a phone's size
(390×844) and a desktop's (1280×800), light and dark, with axe-core on every page.

Skipped, with the reason, where Chromium, its driver, Selenium or axe-selenium-python is
missing; `.ci/run` installs them. Set DIARY_SCREENSHOTS=DIR to keep a screenshot of every page
at both sizes in both themes.
"""

from __future__ import annotations

import os
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install -e '.[web]'")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
axe_selenium = pytest.importorskip(
    "axe_selenium_python", reason="axe-selenium-python is not installed (the test extra)"
)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.conftest import Diary  # noqa: E402
from tests.test_web import Server  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    if os.environ.get("CI"):  # CI installs them: a missing browser there is a failure
        raise RuntimeError(f"CI: no Chromium at {CHROMIUM} or driver at {CHROMEDRIVER}")
    pytest.skip(
        f"no Chromium at {CHROMIUM} or driver at {CHROMEDRIVER} "
        "(apt install chromium chromium-driver)",
        allow_module_level=True,
    )

pytestmark = [pytest.mark.slow]
PHONE = (390, 844)
DESKTOP = (1280, 800)
MIN_TEXT_PX = 12.0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not look for drivers online
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # as root in CI
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    viewport(driver, *PHONE)
    driver.implicitly_wait(10)  # a find after a submit waits for the next page
    yield driver
    driver.quit()


@pytest.fixture
def server(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    diary.ok("demo", "--days", "60", "--db", os.environ["DIARY_DB"], "--yes")
    running = Server(dict(os.environ))
    yield running
    running.stop()


def viewport(browser: Any, width: int, height: int) -> None:
    """The page's size as a phone's (headless windows are at least 500 px wide)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def theme(browser: Any, scheme: str) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def signed_in(browser: Any, server: Server) -> None:
    """Open the printed address (the key becomes the cookie); forget earlier pages' logs."""
    browser.get(server.address)
    browser.get_log("browser")


def console_errors(browser: Any) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def unlabelled_inputs(browser: Any) -> list[str]:
    return list(
        browser.execute_script(
            "return [...document.querySelectorAll('input:not([type=hidden]), textarea')]"
            ".filter(i => i.labels.length === 0).map(i => i.name);"
        )
    )


def body_text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def screenshot(browser: Any, name: str) -> None:
    folder = os.environ.get("DIARY_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        theme(browser, scheme)
        for width, height in (PHONE, DESKTOP):
            viewport(browser, width, height)
            full = browser.execute_script("return document.documentElement.scrollHeight")
            viewport(browser, width, max(height, min(full + 20, 6000)))
            browser.save_screenshot(f"{folder}/{name}-{width}-{scheme}.png")
    theme(browser, "light")
    viewport(browser, *PHONE)


def serious_findings(browser: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is shown."""
    axe = axe_selenium.Axe(browser)
    axe.inject()
    results = axe.run()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_log_fix_and_undo_from_a_phone_at_3am(browser: Any, server: Server) -> None:
    signed_in(browser, server)
    assert "token" not in browser.current_url  # swapped for the cookie, gone from the bar
    assert browser.find_element(By.TAG_NAME, "h1").text == "Log an episode"
    # The short form, "Log it" included, is on the first screen of a 390×844 phone.
    log_it = browser.find_element(By.CSS_SELECTOR, "form[action='/log'] button[type=submit]")
    box = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON()", log_it)
    assert log_it.text == "Log it" and box["bottom"] <= PHONE[1], box
    assert unlabelled_inputs(browser) == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    # A wrong site: the form comes back with what was typed and the suggestion.
    browser.find_element(By.ID, "site").send_keys("calff")
    browser.find_element(By.ID, "duration").send_keys("90s")
    browser.find_element(By.ID, "pain").send_keys("7")
    browser.find_element(By.CSS_SELECTOR, "details.more summary").click()
    browser.find_element(By.ID, "note").send_keys("woke me at 3 am")
    browser.find_element(By.CSS_SELECTOR, "input[name=stiff]").click()
    log_it.click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/log"))
    error = browser.find_element(By.CSS_SELECTOR, ".input-error").text
    assert "unknown site 'calff'; did you mean 'calf'?" in error
    assert browser.find_elements(By.CSS_SELECTOR, ".urgent") == []  # not dressed as a warning
    assert browser.find_element(By.ID, "site").get_attribute("value") == "calff"
    assert browser.find_element(By.ID, "note").get_attribute("value") == "woke me at 3 am"
    assert browser.find_element(By.CSS_SELECTOR, "input[name=stiff]").is_selected()
    refused = console_errors(browser)  # the browser reports the 400 itself; nothing else
    assert len(refused) == 1 and "/log" in refused[0] and "status of 400" in refused[0]
    # Corrected with the keyboard alone: select the site, type, Enter submits.
    site = browser.find_element(By.ID, "site")
    site.send_keys(Keys.CONTROL, "a")
    site.send_keys("calf", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "logged=" in b.current_url)
    stored = browser.find_element(By.CSS_SELECTOR, ".logged").text
    assert "Stored: calf · 1 min 30 s · pain 7/10" in stored and "Looks like: spasm" in stored
    assert body_text(browser).count("Stored:") == 1  # the confirmation once
    assert "woke me at 3 am" in browser.find_element(By.CSS_SELECTOR, ".entries").text
    # Edit it from the confirmation: pain 7 was a mistake, it was 5.
    browser.find_element(By.CSS_SELECTOR, ".logged a[href*='/edit']").click()
    pain = browser.find_element(By.ID, "pain")
    assert pain.get_attribute("value") == "7"
    pain.clear()
    pain.send_keys("5")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "/edit" not in b.current_url)
    assert (
        "Saved: calf · 1 min 30 s · pain 5/10"
        in browser.find_element(By.CSS_SELECTOR, ".done").text
    )
    # Log a second entry, then delete it from today's list, with its confirmation step.
    browser.find_element(By.ID, "site").send_keys("eyelid")
    browser.find_element(By.ID, "duration").send_keys("3s")
    browser.find_element(By.ID, "pain").send_keys("0", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "logged=" in b.current_url)
    entry = next(
        e for e in browser.find_elements(By.CSS_SELECTOR, ".entries .entry") if "eyelid" in e.text
    )
    entry.find_element(By.PARTIAL_LINK_TEXT, "Delete").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Delete this entry?"
    assert "eyelid · 3 s · pain 0/10" in body_text(browser)
    browser.find_element(By.CSS_SELECTOR, "button.danger").click()
    WebDriverWait(browser, 10).until(lambda b: "/delete" not in b.current_url)
    assert "Deleted: eyelid" in browser.find_element(By.CSS_SELECTOR, ".done").text
    assert "eyelid" not in browser.find_element(By.CSS_SELECTOR, ".entries").text
    # A third, undone at once.
    browser.find_element(By.ID, "site").send_keys("foot")
    browser.find_element(By.ID, "duration").send_keys("20s")
    browser.find_element(By.ID, "pain").send_keys("3", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "logged=" in b.current_url)
    browser.find_element(By.XPATH, "//button[text()='Undo']").click()
    WebDriverWait(browser, 10).until(lambda b: "logged=" not in b.current_url)
    assert "Undone: foot" in browser.find_element(By.CSS_SELECTOR, ".done").text
    assert "foot" not in browser.find_element(By.CSS_SELECTOR, ".entries").text
    assert console_errors(browser) == []


def test_every_page_passes_axe_at_both_sizes_in_both_themes(
    browser: Any, server: Server, diary: Diary
) -> None:
    signed_in(browser, server)
    entry = diary.json("list")[-1]["id"]
    browser.get(server.base + "/")
    flag_link = browser.find_elements(By.CSS_SELECTOR, "a[href*='/entries?flag=']")
    pages = ["/", "/day", "/week", "/week?week=2026-W45", "/charts", "/triggers"]
    pages += [f"/entries/{entry}/edit", f"/entries/{entry}/delete"]
    pages += (
        [str(flag_link[0].get_attribute("href")).removeprefix(server.base)] if flag_link else []
    )
    findings: dict[str, list[str]] = {}
    for path in pages:
        browser.get(server.base + path)
        assert unlabelled_inputs(browser) == [], path
        screenshot(browser, re.sub(r"\W+", "-", path.strip("/")) or "home")
        for scheme in ("light", "dark"):
            theme(browser, scheme)
            for width, height in (PHONE, DESKTOP):
                viewport(browser, width, height)
                wide = browser.execute_script("return document.documentElement.scrollWidth")
                assert wide <= width, (path, width)  # nothing wider than the screen
                found = serious_findings(browser)
                if found:
                    findings[f"{path} {width} {scheme}"] = found
        theme(browser, "light")
        viewport(browser, *PHONE)
    assert findings == {}
    assert console_errors(browser) == []


def test_week_and_triggers_read_as_pages_at_any_width(browser: Any, server: Server) -> None:
    signed_in(browser, server)
    for path in ("/week", "/triggers"):
        browser.get(server.base + path)
        mono = browser.execute_script(
            "return [...document.querySelectorAll('main *')].filter(e => "
            "getComputedStyle(e).fontFamily.includes('monospace') && "
            "e.textContent.trim().length > 20).length"
        )
        assert mono == 0, path  # no terminal text
        assert browser.find_elements(By.TAG_NAME, "h2"), path
        viewport(browser, *DESKTOP)
        widest = browser.execute_script(
            "return Math.max(...[...document.querySelectorAll('main li, main p')]"
            ".map(e => e.getBoundingClientRect().width))"
        )
        assert widest > 600, path  # the text uses a desktop's width, not 44 columns
        viewport(browser, *PHONE)
    browser.get(server.base + "/week")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Week 2026-W46"
    browser.find_element(By.LINK_TEXT, "← 2026-W45").click()
    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "2026-W45")
    )
    numbers = browser.find_element(By.CSS_SELECTOR, "details.numbers")
    assert not numbers.find_element(By.TAG_NAME, "table").is_displayed()  # on request
    numbers.find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)  # keyboard opens it
    assert numbers.find_element(By.TAG_NAME, "table").is_displayed()


def _svg_text_sizes(browser: Any, svg: str, shown_width: float) -> list[float]:
    """Each text of an SVG as shown `shown_width` CSS px wide: its font size in CSS px."""
    browser.get("about:blank")
    return list(
        browser.execute_script(
            """
            const [source, width] = arguments;
            document.body.style.margin = '0';
            document.body.innerHTML = source;
            const svg = document.querySelector('svg');
            svg.removeAttribute('height');
            svg.setAttribute('width', width + 'px');
            return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
              const m = t.getScreenCTM();
              return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
            });
            """,
            svg,
            shown_width,
        )
    )


def test_every_chart_is_readable_on_a_phone(browser: Any, server: Server) -> None:
    signed_in(browser, server)
    browser.get(server.base + "/charts")
    shown = browser.execute_script(
        "return [...document.querySelectorAll('figure img')].map(i => "
        "[i.currentSrc, i.getBoundingClientRect().width, i.complete && i.naturalWidth > 0])"
    )
    assert len(shown) >= 5 and all(drawn for _, _, drawn in shown)
    assert all(width <= PHONE[0] for _, width, _ in shown)  # one column
    smallest: dict[str, float] = {}
    for source, width, _ in shown:
        request = urllib.request.Request(
            source, headers={"Authorization": f"Bearer {server.token}"}
        )
        with urllib.request.urlopen(request) as answer:
            svg = answer.read().decode()
        sizes = _svg_text_sizes(browser, svg, width)
        assert sizes, source
        smallest[source.rsplit("/", 1)[1]] = round(min(sizes), 2)
    assert all(px >= MIN_TEXT_PX - 0.05 for px in smallest.values()), smallest


def test_dark_theme_when_the_phone_asks_for_it(browser: Any, server: Server) -> None:
    signed_in(browser, server)

    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    colours = "return [getComputedStyle(document.documentElement).backgroundColor, " \
        "getComputedStyle(document.body).color]"  # fmt: skip
    theme(browser, "dark")
    browser.get(server.base + "/")
    background, text = browser.execute_script(colours)
    assert luminance(background) < 0.2 and luminance(text) > 0.7
    theme(browser, "light")
    browser.get(server.base + "/")
    background, text = browser.execute_script(colours)
    assert luminance(background) > 0.9 and luminance(text) < 0.3


def test_tap_targets_are_44_px(browser: Any, server: Server) -> None:
    signed_in(browser, server)
    for path in ("/", "/week", "/day"):
        browser.get(server.base + path)
        small = browser.execute_script(
            "return [...document.querySelectorAll('a, button, summary, label:has(input)')]"
            ".filter(e => e.offsetParent !== null && !e.classList.contains('skip'))"
            ".map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])"
            ".filter(([_, h]) => h < 43.5)"
        )
        assert small == [], (path, small)


def test_the_check_in_from_a_phone(browser: Any, server: Server) -> None:
    signed_in(browser, server)
    browser.get(server.base + "/day")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Check-in for Sat 21 Nov")
    assert unlabelled_inputs(browser) == []
    browser.find_element(By.CSS_SELECTOR, "input[name=had][value=stress]").click()
    browser.find_element(By.ID, "amount-caffeine").send_keys("2")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "saved=1" in b.current_url)
    assert "Checked in" in browser.find_element(By.CSS_SELECTOR, ".logged").text
    assert browser.find_element(By.ID, "amount-caffeine").get_attribute("value") == "2"
    assert console_errors(browser) == []
