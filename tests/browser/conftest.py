"""Browser tests: Playwright (Python) driving the system chromium against pytest-django's
live server. Every test here is marked ``browser`` by ../conftest.py and runs only in the
SQLite pass of `make test`.

Fixtures:

    browser        one headless chromium per xdist worker (session scope)
    page           a fresh context per test: zh-CN, 1280×860 viewport, downloads allowed;
                   on failure a full-page screenshot and the page HTML go to artifacts_dir
    phone_page     the same at phone size (375×740, touch, mobile)
    new_page(**context_options) -> Page   for tests that need more than one person
    login(page, username, password=TEST_PASSWORD)   through the real login form
    url(path) -> str                      the live server's absolute URL for ``path``
    shot(page, name)                      README screenshot docs/screenshots/<name>.png,
                                          written only when JXC_SCREENSHOTS=1

Chromium: /usr/bin/chromium (Debian's, installed by scripts/ensure-system-deps.sh). Missing
with CI=true is a failure; otherwise the browser tests are skipped with a reason.
"""

import os
import re
from pathlib import Path

import pytest

from tests.support import TEST_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls made
# from test code (fixtures creating users) while it exists. The calls are synchronous and on
# their own connection, so the guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("JXC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000
LOGIN_TIMEOUT_MS = 60_000
SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _is_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes", "on"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so the page fixture's teardown can tell
    # whether the test failed and save what the browser showed at that moment.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (scripts/ensure-system-deps.sh installs it)"
        if _is_ci():
            pytest.fail(message + " — CI=true: a missing browser is a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]+", "_", nodeid).strip("_")[-150:]


def _save_failure(page, request, artifacts_dir: Path, suffix: str = "") -> None:
    base = artifacts_dir / "browser" / (_safe_name(request.node.nodeid) + suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=f"{base}.png", full_page=True)
    except Exception as exc:  # a crashed page must not hide the test's own failure
        Path(f"{base}.screenshot-error.txt").write_text(repr(exc))
    try:
        Path(f"{base}.html").write_text(f"<!-- {page.url} -->\n" + page.content())
    except Exception as exc:
        Path(f"{base}.html-error.txt").write_text(repr(exc))


_WARM: set[str] = set()


def _warm_up(base_url: str) -> None:
    """The live server's first answer loads every URL, template and static file: on a loaded
    machine that takes longer than any page timeout, so it is asked once, plainly, first."""
    if base_url in _WARM:
        return
    import urllib.request

    with urllib.request.urlopen(base_url + "/login/", timeout=LOGIN_TIMEOUT_MS / 1000 * 3):
        _WARM.add(base_url)


@pytest.fixture
def new_page(browser, live_server, request, artifacts_dir):
    """Open a page in its own context (own cookies); failures of the test save every page."""
    _warm_up(live_server.url)
    contexts = []

    def make(*, viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=viewport,
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    for i, context in enumerate(contexts):
        if failed:
            for j, page in enumerate(context.pages):
                _save_failure(page, request, artifacts_dir, suffix=f"-{i}{j}" if i or j else "")
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def url(live_server):
    return lambda path="/": live_server.url + path


@pytest.fixture
def login():
    """Log in through the real form (axes, CSRF and the redirect included)."""

    def do(page, username: str, password: str = TEST_PASSWORD, *, next_path: str = ""):
        # The live server's first answer (URLs, templates, static files found) is the slow
        # one; on a loaded machine it passes the default 10 s.
        page.goto("/login/" + (f"?next={next_path}" if next_path else ""), timeout=LOGIN_TIMEOUT_MS)
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("form [type=submit]").first.click()
        assert "/login/" not in page.url, f"login as {username} failed: still on {page.url}"
        return page

    return do


@pytest.fixture
def shot():
    """README screenshots, only when JXC_SCREENSHOTS=1 (normal runs leave docs/ alone)."""

    def take(page, name: str, *, full_page: bool = False) -> Path | None:
        if os.environ.get("JXC_SCREENSHOTS") != "1":
            return None
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS_DIR / f"{name}.png"
        size = page.viewport_size
        if full_page and size:
            # Grow the window to the page instead of Playwright's full_page stitching, which
            # repeats the fixed top bar and cuts the fixed menu in the middle of the picture.
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
            page.wait_for_timeout(100)
        try:
            page.screenshot(path=str(path), animations="disabled", caret="hide")
        finally:
            if full_page and size:
                page.set_viewport_size(size)
        return path

    return take
