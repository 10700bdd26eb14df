"""Screenshots of every page as each demo account sees it, to look at as a user would.

Builds the demo in a database of its own (a SQLite file in a temporary folder), serves it, signs in as each demo
account with Debian's chromium and follows the links of the pages it reaches (one page per address pattern, so
/projects/12/ and /projects/13/ count once), saving a full-page PNG of each under OUT/<account>/.

    python scripts/screenshots.py [--out var/screenshots] [--accounts admin,office,leader,street] [--width 1440]

`make screenshots` runs it. The pictures in docs/img are chosen from these by hand.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "tuijin2026"
SKIP = re.compile(r"/(logout|admin|api/v1/(schema|redoc))|/(export|template|download|files?)/|\.(xlsx|docx|pdf|csv|json)$"
                  r"|[?&](format|download)=")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    ap.add_argument("--accounts", default="admin,office,leader,street")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--most", type=int, default=80, help="pages per account at most")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="tuijin-shots-"))
    env = {**os.environ, "TUIJIN_DEMO": "1", "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
           "TUIJIN_CACHE_DIR": str(tmp / "cache")}
    py = sys.executable
    subprocess.run([py, "-m", "tuijin", "manage", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run([py, "-m", "tuijin", "demo", "--if-empty"], env=env, cwd=ROOT, check=True)
    # the pages as served: the current static files, collected as `tuijin serve` collects them
    subprocess.run([py, "-m", "tuijin", "manage", "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT,
                   check=True)
    port = _free_port()
    server = subprocess.Popen([py, "-m", "tuijin", "manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for account in args.accounts.split(","):
                folder = Path(args.out) / account
                folder.mkdir(parents=True, exist_ok=True)
                # bypass_csp: the link walk below runs a script of its own in the page (the tests check the policy)
                context = browser.new_context(viewport={"width": args.width, "height": 900}, locale="zh-CN",
                                              bypass_csp=True)
                page = context.new_page()
                page.goto(base + "/accounts/login/")
                page.fill("input[name=username]", account)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                queue, seen, shots = ["/"], set(), 0
                while queue and shots < args.most:
                    path = queue.pop(0)
                    key = _pattern(urlparse(path).path) + ("?" + urlparse(path).query.split("=")[0]
                                                           if urlparse(path).query else "")
                    if key in seen:
                        continue
                    seen.add(key)
                    try:
                        response = page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                    except Exception as exc:  # a download or a file, not a page
                        print(f"{account} -- {path}: {str(exc).splitlines()[0]}")
                        continue
                    status = response.status if response else 0
                    name = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-") or "home"
                    page.screenshot(path=str(folder / f"{shots:02d}-{name}.png"), full_page=True)
                    shots += 1
                    print(f"{account} {status} {path}")
                    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
                        url = urlparse(urljoin(base + path, href))
                        if url.netloc != urlparse(base).netloc or SKIP.search(url.path + "?" + url.query):
                            continue
                        queue.append(url.path + (f"?{url.query}" if url.query else ""))
                context.close()
            browser.close()
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
