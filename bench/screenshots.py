"""Screenshots of every page type, at desktop and phone width, in the light and the dark scheme, for looking at.

    .venv/bin/python bench/screenshots.py SITE OUT     # SITE: a built site (paperkb build --out SITE)
    .venv/bin/python bench/screenshots.py SITE OUT --only paper-x,search-x --page paper-x=papers/x/ --page "search-x=search/?q=x"

Chinese needs a CJK font on the machine (Debian: fonts-noto-cjk, installed by `bash .ci/test`), or it renders as boxes.
The 404 page is taken as served under the site's own base path (site_url), where its links and assets point.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from sitetools import serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "home": "",
    "topics": "topics/",
    "topic-parent": "topics/rag/",
    "topic-leaf": "topics/peft/",
    "topic-own": "topics/rag/own/",
    "paper-lora": "papers/lora/",
    "paper-transformer": "papers/transformer/",
    "papers": "papers/",
    "search-empty": "search/",
    "search-lora": "search/?q=LoRA",
    "search-zh": "search/?q=指令微调",
    "search-filtered": "search/?q=检索增强&year=2023&topic=rag",
    "indexes": "indexes/",
    "index-year": "indexes/years/2023/",
    "index-institution": "indexes/institutions/microsoft/",
    "author": "authors/edward-j-hu/",
    "stats": "stats/",
    "new": "new/",
}
SIZES = {"1440": {"width": 1440, "height": 1000}, "390": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--page", action="append", default=[], metavar="NAME=PATH", help="one more page (e.g. a new record)")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.page)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    base_path = urlsplit(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]).path.strip("/")
    wanted = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory() as tmp:
        mount = Path(tmp) / base_path
        mount.parent.mkdir(parents=True, exist_ok=True)
        mount.symlink_to(args.site.resolve())
        pages = {**PAGES, **extra, "404": f"{base_path}/404.html"}
        with serve(Path(tmp)) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
            for scheme in SCHEMES:
                for size, viewport in SIZES.items():
                    context = browser.new_context(
                        viewport=viewport,
                        device_scale_factor=1,
                        color_scheme="dark" if scheme == "dark" else "light",
                        is_mobile=size == "390",
                    )
                    page = context.new_page()
                    for name, path in pages.items():
                        if wanted and name not in wanted:
                            continue
                        url = base + (path if name == "404" else f"{base_path}/{path}")
                        page.goto(url)
                        if name.startswith("search"):
                            page.wait_for_selector("[data-pkb-search][data-done]", timeout=20_000)
                        page.wait_for_timeout(150)
                        page.screenshot(path=str(args.out / f"{name}-{size}-{scheme}.png"), full_page=False)
                    context.close()
            browser.close()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
