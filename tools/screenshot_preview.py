"""Screenshot a page of a chaincards preview site in headless Chromium (for the README).

    python tools/screenshot_preview.py site/ docs/images/preview.png [--flip N]

Opens the first deck page, flips the first N cards (default 2) to show their answers, and
saves a PNG. Needs the `playwright` package and Debian's `chromium` at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--flip", type=int, default=2, help="cards to turn over")
    parser.add_argument("--page", default="", help="deck page file name (default: the largest)")
    args = parser.parse_args()
    pages = sorted(args.site.glob("deck-*.html"), key=lambda p: (-p.stat().st_size, p.name))
    page_path = args.site / args.page if args.page else pages[0]
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_path.resolve().as_uri())
        tiles = page.locator("[role=button]")
        for index in range(min(args.flip, tiles.count())):
            tiles.nth(index).click()
        args.png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.png))
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
