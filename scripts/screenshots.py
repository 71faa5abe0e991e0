"""Screenshots of Kedao's main pages, Chinese and English, desktop and phone, into docs/screenshots/.

Run through `make screenshots` (scripts/screenshots.sh starts a demo database and server); or
against a running server: `python scripts/screenshots.py http://127.0.0.1:8000`.
Uses Debian's chromium through Playwright (no downloaded browser). Fails when a page overflows the
phone's width, so a squeezed layout cannot slip into the docs unnoticed.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = os.environ.get("KEDAO_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DEVICES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("zh-hans", "en")
USER = os.environ.get("KEDAO_SCREENSHOT_USER", "north.seller1")


def pages(page, base):
    """(name, url) of the pages to take, found by following the seller's own links."""
    page.goto(base + "/customers/")
    customer = page.locator("#object-list table tbody a").first.get_attribute("href")
    unit = "/org/chart/"
    page.goto(base + "/sales/opportunities/")
    deal = page.locator("#object-list table tbody a").first.get_attribute("href")
    return [
        ("home", "/"),
        ("customer-list", "/customers/"),
        ("customer-detail", customer),
        ("customer-edit", customer.rstrip("/") + "/edit/"),
        ("org-chart", unit),
        ("opportunity-list", "/sales/opportunities/"),
        ("opportunity-detail", deal),
        ("opportunity-kanban", "/sales/opportunities/kanban/"),
        ("funnel", "/sales/funnel/"),
        ("approvals", "/approvals/"),
        ("calendar", "/activities/calendar/"),
        ("activity-list", "/activities/"),
        ("plans", "/plans/"),
    ]


# A department head's pages: the team's calendar and daily reports (MANAGER logs in after USER).
MANAGER = os.environ.get("KEDAO_SCREENSHOT_MANAGER", "bj.sales1.head")


def manager_pages(page, base):
    page.goto(base + "/activities/calendar/")
    unit = page.locator("select[name=unit] option[value]:not([value=''])").first.get_attribute("value")
    page.goto(base + "/targets/plans/")
    plan = page.locator("#object-list table tbody a").first.get_attribute("href")
    return [
        ("daily-team", "/activities/daily-reports/"),
        ("daily-team-week", "/activities/daily-reports/?period=week"),
        ("calendar-team", f"/activities/calendar/?unit={unit}"),
        ("home-manager", "/"),
        ("target-figures", plan.rstrip("/") + "/figures/"),
        ("forecast", "/targets/forecast/"),
        ("forecast-accuracy", "/targets/forecast/accuracy/"),
    ]


def settle(page):
    page.wait_for_load_state("networkidle")
    # Lazy panels load when they scroll into view: bring each into view so the screenshot shows
    # them filled, as a reader scrolling down would see them.
    lazy = page.locator("[data-lazy-panel]")
    for n in range(lazy.count()):
        if not lazy.nth(n).is_visible():
            continue  # in a tab not shown (the deal workspace): it loads when its tab opens
        lazy.nth(n).scroll_into_view_if_needed()
        page.wait_for_timeout(100)
    page.wait_for_function("![...document.querySelectorAll('.kedao-panel-loading')].some(e => e.offsetParent)")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)


def main(base):
    OUT.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for language in LANGUAGES:
            for device, viewport in DEVICES.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN" if language != "en" else "en-US",
                                              timezone_id="Asia/Shanghai", device_scale_factor=1,
                                              is_mobile=device == "phone", has_touch=device == "phone")
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page = context.new_page()
                for user, listed in ((USER, pages), (MANAGER, manager_pages)):
                    page.goto(base + "/login/")
                    settle(page)
                    if user == USER:
                        page.screenshot(path=str(OUT / f"login-{language}-{device}.png"))
                    page.fill("#id_username", user)
                    page.fill("#id_password", os.environ.get("KEDAO_SCREENSHOT_PASSWORD", "demo"))
                    page.get_by_test_id("login-submit").click()
                    page.wait_for_url(base + "/")
                    for name, url in listed(page, base):
                        page.goto(base + url)
                        settle(page)
                        width = page.evaluate("document.documentElement.scrollWidth")
                        if width > viewport["width"]:
                            problems.append(f"{name} {language} {device}: {width}px wide > {viewport['width']}px")
                        page.screenshot(path=str(OUT / f"{name}-{language}-{device}.png"), full_page=device == "phone")
                    context.clear_cookies()
                    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                context.close()
        browser.close()
    for problem in problems:
        print("overflow:", problem, file=sys.stderr)
    print(f"screenshots in {OUT}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
