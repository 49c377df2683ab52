"""A real browser on the command room: Debian's chromium (headless), driven by Python playwright, logs in to the
provisioned Superset of tests/e2e/conftest.py as leadership (`pimpinan`) and opens Ruang Komando.

What must hold: every chart of the dashboard renders (a canvas or a table in its holder), every chart data
request the page makes answers 200 without an error, and no chart shows an error or "No results". The full-page
screenshot goes to docs/img/ruang-komando.png, the picture in the README.

`playwright install` downloads browsers, which this machine cannot; `make system-deps` installs Debian's chromium
and the test points playwright at it (PITFALLS.md: the flags below are the ones that work as root here).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.e2e.conftest import BUNDLE, CHROMIUM, CHROMIUM_FLAGS, Client

pytestmark = pytest.mark.integration

FLAGS = [*CHROMIUM_FLAGS, "--enable-unsafe-swiftshader"]  # WebGL in software, for the deck.gl map
SCREENSHOT = ROOT / "docs" / "img" / "ruang-komando.png"
HOLDER = '[data-test="dashboard-component-chart-holder"]'


def _charts_of(slug: str) -> list[str]:
    for path in (BUNDLE / "dashboards").glob("*.yaml"):
        dash = yaml.safe_load(path.read_text(encoding="utf-8"))
        if dash["slug"] == slug:
            return [
                v["meta"]["sliceName"]
                for v in dash["position"].values()
                if isinstance(v, dict) and v.get("type") == "CHART"
            ]
    raise AssertionError(f"no dashboard {slug} in the bundle")


def _wait_for_dashboard(page: Any) -> None:
    """The dashboard's chart holders, reloading once: in a full CI run, beside Airflow and dbt on 2 cores, the
    first load of Superset's frontend once stalled past 120 s, and the same test passed alone in 197 s."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(HOLDER, timeout=90_000)
        return
    except PlaywrightTimeout:
        first = f"{page.url} {page.title()!r}: {page.locator('body').inner_text()[:300]!r}"
    page.reload(wait_until="domcontentloaded")
    try:
        page.wait_for_selector(HOLDER, timeout=120_000)
    except PlaywrightTimeout as exc:
        now = f"{page.url} {page.title()!r}: {page.locator('body').inner_text()[:300]!r}"
        raise AssertionError(f"Ruang Komando showed no chart; first load: {first}; after a reload: {now}") from exc


def _wait_until_drawn(page: Any, charts: int) -> None:
    """Every chart has asked for its data and drawn it: no spinner left, something drawn in every holder; then two
    seconds for animations (echarts) to settle."""
    page.wait_for_function(
        """([sel, n]) => {
            const holders = [...document.querySelectorAll(sel)];
            return holders.length === n
                && !document.querySelector('[data-test="loading-indicator"], .loading')
                && holders.every(h => h.querySelector('canvas, table, svg'));
        }""",
        arg=[HOLDER, charts],
        timeout=180_000,
    )
    page.wait_for_timeout(2000)


def _screenshot_whole_page(page: Any, charts: int) -> None:
    """The whole dashboard into SCREENSHOT. A ``full_page`` capture resizes the viewport to the page, which makes
    Superset lay its grid out again; on two busy cores one capture caught that moment and showed an empty grid
    (38 KB, in a fresh-clone run). So the viewport is made page-high first, the charts are waited for again, and
    the capture, which then resizes nothing, is repeated while it is suspiciously small."""
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(height, 1000)})
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):
        _wait_until_drawn(page, charts)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        if SCREENSHOT.stat().st_size > 50_000:
            return


def _log_in(page: Any, base: str, username: str, password: str) -> None:
    """Superset's login form. Tried twice, 21 s apart: in one full run the first try stayed on /login for 60 s,
    and Flask-AppBuilder limits logins to 10 per 20 s per address, which provisioning and the API clients share.
    A second failure reports what the page says."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        page.goto(f"{base}/login/", wait_until="domcontentloaded")
        page.fill('[data-test="username-input"]', username)
        page.fill('[data-test="password-input"]', password)
        page.click('[data-test="login-button"]')
        try:
            page.wait_for_url(lambda u: "/login" not in u, timeout=60_000)
            return
        except PlaywrightTimeout:
            said = f"{page.url}: {page.locator('body').inner_text()[:300]!r}"
            print(f"login attempt {attempt} stayed on the login page: {said}")
            if attempt == 2:
                raise AssertionError(f"logging in as {username} failed twice; the page says {said}") from None
            time.sleep(21)


def test_leadership_opens_ruang_komando_in_a_browser(
    provisioned: tuple[dict[str, str], Client], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make system-deps` installs Debian's chromium")
    env, admin = provisioned
    password = json.loads((Path(env["MUARA_DATA_DIR"]) / "secrets" / "superset-logins.json").read_text())["pimpinan"]
    names = _charts_of("ruang-komando")
    data_calls: list[dict[str, Any]] = []
    console_errors: list[str] = []

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            viewport={"width": 1600, "height": 1000},
            locale="id-ID",
            timezone_id="Asia/Makassar",
        )
        try:
            page = context.new_page()
            page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

            def on_response(resp: Any) -> None:
                if "/api/v1/chart/data" in resp.url:
                    try:
                        body = resp.json()
                    except Exception:  # a body that is not JSON is itself the failure to report
                        body = {"unreadable": resp.status}
                    data_calls.append({"status": resp.status, "body": body})

            page.on("response", on_response)
            started = time.monotonic()
            _log_in(page, admin.base, "pimpinan", password)

            page.goto(f"{admin.base}/superset/dashboard/ruang-komando/?standalone=0", wait_until="domcontentloaded")
            _wait_for_dashboard(page)
            assert page.locator(HOLDER).count() == len(names)
            # every chart has asked for its data and drawn it: no spinner left, something drawn in every holder
            _wait_until_drawn(page, len(names))
            print(f"Ruang Komando rendered in {time.monotonic() - started:.1f} s ({len(data_calls)} data requests)")

            text = page.locator(HOLDER).all_inner_texts()
            problems = [
                f"{name}: {t[:200]!r}"
                for name, t in zip(names, text, strict=False)
                if any(word in t for word in ("Error", "error", "No results", "Tidak ada hasil"))
            ]
            errors = page.locator(f'{HOLDER} .ant-alert-error, {HOLDER} [data-test="error-tooltip"]').count()
            _screenshot_whole_page(page, len(names))
        finally:
            context.close()

    assert not problems, problems
    assert errors == 0, f"{errors} chart error alerts on Ruang Komando"
    assert len(data_calls) >= len(names), f"{len(data_calls)} chart data requests for {len(names)} charts"
    bad = [c for c in data_calls if c["status"] != 200 or any(r.get("error") for r in c["body"].get("result", []))]
    assert not bad, bad[:3]
    rows = [sum(len(r.get("data") or []) for r in c["body"]["result"]) for c in data_calls]
    assert all(rows), f"a chart data request returned no rows: {rows}"
    assert SCREENSHOT.stat().st_size > 50_000, "the screenshot is suspiciously small"
    print(
        f"screenshot: {SCREENSHOT} ({SCREENSHOT.stat().st_size / 1024:.0f} KiB); console errors: {console_errors[:5]}"
    )
