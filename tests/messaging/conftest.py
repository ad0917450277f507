# The browser fixtures (Debian's Chromium through Playwright) for test_browser.py.
from tests.browser.conftest import browser, page  # noqa: F401
