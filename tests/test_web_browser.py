"""`diary serve` in a real browser: Debian's Chromium driven by Selenium at a phone's size.

Skipped, with the reason, where Chromium, its driver or Selenium is missing; `.ci/run`
installs them. Set DIARY_SCREENSHOTS=DIR to keep a screenshot of every page at 390×844 and
1280×800.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install -e '.[web]'")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

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


def console_errors(browser: Any) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def unlabelled_inputs(browser: Any) -> list[str]:
    return list(
        browser.execute_script(
            "return [...document.querySelectorAll('input:not([type=hidden]), textarea')]"
            ".filter(i => i.labels.length === 0).map(i => i.name);"
        )
    )


def screenshot(browser: Any, name: str) -> None:
    folder = os.environ.get("DIARY_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width, height in (PHONE, DESKTOP):
        viewport(browser, width, height)
        full = browser.execute_script("return document.documentElement.scrollHeight")
        viewport(browser, width, max(height, min(full + 20, 6000)))
        browser.save_screenshot(f"{folder}/{name}-{width}.png")
    viewport(browser, *PHONE)


def test_log_an_episode_from_the_phone(browser: Any, server: Server) -> None:
    browser.get(server.address)
    assert "token" not in browser.current_url  # swapped for the cookie, gone from the bar
    assert browser.find_element(By.TAG_NAME, "h1").text == "Log an episode"
    assert unlabelled_inputs(browser) == []
    wide = browser.execute_script("return document.documentElement.scrollWidth")
    assert wide <= PHONE[0]  # nothing wider than the phone
    screenshot(browser, "home")
    # A wrong site: the form comes back with what was typed and the suggestion.
    browser.find_element(By.ID, "site").send_keys("calff")
    browser.find_element(By.ID, "duration").send_keys("90s")
    browser.find_element(By.ID, "pain").send_keys("7")
    browser.find_element(By.ID, "note").send_keys("woke me at 3 am")
    browser.find_element(By.CSS_SELECTOR, "input[name=visible][value=bulge]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=stiff]").click()
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/log"))
    error = browser.find_element(By.CSS_SELECTOR, ".error").text
    assert "unknown site 'calff'; did you mean 'calf'?" in error
    assert browser.find_element(By.ID, "site").get_attribute("value") == "calff"
    assert browser.find_element(By.ID, "pain").get_attribute("value") == "7"
    assert browser.find_element(By.ID, "note").get_attribute("value") == "woke me at 3 am"
    assert browser.find_element(By.CSS_SELECTOR, "input[name=stiff]").is_selected()
    screenshot(browser, "home-refused")
    refused = console_errors(browser)  # the browser reports the 400 itself; nothing else
    assert len(refused) == 1 and "/log" in refused[0] and "status of 400" in refused[0]
    # Corrected with the keyboard alone: select the site, type, Enter submits.
    site = browser.find_element(By.ID, "site")
    site.send_keys(Keys.CONTROL, "a")
    site.send_keys("calf", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "logged=" in b.current_url)
    status = browser.find_element(By.CSS_SELECTOR, ".logged").text
    assert status.startswith("Logged #") and ": spasm" in status and "calf" in status
    assert (
        "woke me at 3 am"
        in browser.find_element(By.ID, "today-heading").find_element(By.XPATH, "..").text
    )
    screenshot(browser, "home-logged")
    assert console_errors(browser) == []


def test_check_in_week_charts_and_triggers_pages(browser: Any, server: Server) -> None:
    browser.get(server.address)
    browser.get(server.base + "/day")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Check-in for Sat 21 Nov")
    assert unlabelled_inputs(browser) == []
    browser.find_element(By.CSS_SELECTOR, "input[name=had][value=stress]").click()
    browser.find_element(By.ID, "amount-caffeine").send_keys("2")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "saved=1" in b.current_url)
    assert "Checked in" in browser.find_element(By.CSS_SELECTOR, ".logged").text
    assert browser.find_element(By.ID, "amount-caffeine").get_attribute("value") == "2"
    screenshot(browser, "day")
    browser.get(server.base + "/week")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Week 2026-W46"
    assert "the last complete week" in browser.find_element(By.CSS_SELECTOR, "pre").text
    browser.find_element(By.LINK_TEXT, "← 2026-W45").click()
    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "2026-W45")
    )
    screenshot(browser, "week")
    browser.get(server.base + "/charts")
    images = browser.find_elements(By.CSS_SELECTOR, "figure img")
    assert len(images) >= 5
    drawn = browser.execute_script(
        "return [...document.images].filter(i => i.complete && i.naturalWidth > 0).length"
    )
    assert drawn == len(images)
    screenshot(browser, "charts")
    browser.get(server.base + "/triggers")
    assert "kept days" in browser.find_element(By.CSS_SELECTOR, "pre").text
    screenshot(browser, "triggers")
    assert console_errors(browser) == []
