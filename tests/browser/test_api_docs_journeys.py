import pytest
from playwright.sync_api import expect


pytestmark = [pytest.mark.browser]

# Redoc always shows its maker's logo from its maker's site; the CSP refuses it and Redoc hides the image.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_the_api_reference_renders_under_the_sites_csp(browser, live_server):
    """The tokens screen links to the API's reference: it renders with the site's real CSP (this page's context
    does not bypass it), from Jalon's own files, and nothing else is refused."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name="API Jalon", exact=False).first).to_be_visible()
    expect(page.get_by_text("/api/v1/personnes/").first).to_be_attached()
    assert [error for error in errors if REDOC_LOGO not in error] == []
    context.close()
