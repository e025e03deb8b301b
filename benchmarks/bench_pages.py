"""The first home page after sign-in: time and bytes, cold and warm, with and without gzip.

Serves a demo bank with ``xinsheng serve`` in a child process (a real HTTP server on
loopback) and plays what a browser does, with httpx:

* **cold** — a new server process and an empty browser cache: sign in (argon2), the home
  page, then every asset it links (CSS, htmx, Plotly, favicon);
* **warm** — the same browser loading the home page again: the HTML, and the assets only
  as a browser's cache requires them. Versioned assets (``?v=<hash>``, ``immutable``) are
  not asked for again; the baseline, a browser without those headers, revalidates each
  one (``If-None-Match`` → 304).

Each scenario runs with ``Accept-Encoding: gzip`` (what browsers send) and with
``identity`` (no compression: the baseline, as before this change) in the same run;
times are medians of ``--runs`` rounds, each on a fresh server process. Bytes are
response bodies as sent on the wire (headers not counted); "at 20 Mbit/s" is the bytes'
transfer time on a 20 Mbit/s branch link (derived, not measured: loopback is instant).

    python benchmarks/bench_pages.py [--db PATH] [--customers 2000] [--days 90] [--runs 5]
        [--role supervisor|agent] [--agent-ref A1022] [--json]

``--db`` uses a loaded SQLite file (e.g. ``var/xinsheng.db`` after ``make run``; run it
with the same ``XINSHENG_HOME``/``XINSHENG_PII_KEYS`` as the server that wrote it).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
if not os.environ.get("XINSHENG_PII_KEYS"):
    os.environ.setdefault("XINSHENG_MODE", "demo")  # the demo's PII key, under XINSHENG_HOME

import httpx  # noqa: E402

from benchmarks._machine import machine, markdown_table  # noqa: E402

PASSWORD = "bench pages password 1"
USER = "bench-{role}"
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')
LINK_MBIT = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_url: str, customers: int, days: int, fresh: bool, role: str, agent_ref: str) -> None:
    """The demo bank (when the database is new) and a person of ``role`` to sign in as (an
    agent with ``agent_ref``: the demo's busiest agent sees the most customers)."""
    from xinsheng.db import get_engine, session_scope
    from xinsheng.identity.actions import do_create_user
    from xinsheng.identity.service import find_user
    from xinsheng.migrate import upgrade

    engine = get_engine(db_url)
    upgrade(engine)  # a --db written by an older xinsheng is migrated first
    if fresh:
        from xinsheng.demo.generator import generate_bank
        from xinsheng.demo.load import load_bank

        t0 = time.perf_counter()
        load_bank(generate_bank(customers=customers, days=days, seed=42), engine)
        print(f"demo bank: {customers} customers, {days} days in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    with session_scope(engine) as session:
        if find_user(session, USER.format(role=role)) is None:
            extra = {"agent_ref": agent_ref} if role == "agent" else {}
            do_create_user(session, username=USER.format(role=role), role=role, password=PASSWORD,
                           display_name="bench", **extra)


class Server:
    """``xinsheng serve`` on a free loopback port, until closed."""

    def __init__(self, env: dict) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        exe = str(Path(sys.executable).parent / "xinsheng")
        self.proc = subprocess.Popen([exe, "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.close()
        raise RuntimeError("the server did not start")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _get(client: httpx.Client, url: str, **headers) -> tuple[httpx.Response, bytes, float]:
    """The response and its body as sent (still compressed), and the seconds it took."""
    t0 = time.perf_counter()
    with client.stream("GET", url, headers=headers) as res:
        raw = b"".join(res.iter_raw())
    return res, raw, time.perf_counter() - t0


def sign_in(client: httpx.Client, role: str) -> float:
    page = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    t0 = time.perf_counter()
    res = client.post("/signin", data={"username": USER.format(role=role), "password": PASSWORD, "csrf_token": token,
                                       "next": "/"}, follow_redirects=False)
    assert res.status_code == 303, res.text[:300]
    return time.perf_counter() - t0


def page_load(client: httpx.Client, cache: dict[str, str] | None, revalidate: bool) -> dict:
    """The home page and its assets as a browser with ``cache`` (url -> ETag) loads them."""
    res, raw, html_s = _get(client, "/")
    assert res.status_code == 200, res.status_code
    html = gzip.decompress(raw) if res.headers.get("content-encoding") == "gzip" else raw
    html_bytes = len(raw)
    total, assets_s, assets = html_bytes, 0.0, ASSET.findall(html.decode("utf-8"))
    for url in assets:
        if cache is not None and url in cache:
            if not revalidate:
                continue
            r, body, s = _get(client, url, **{"if-none-match": cache[url]})
        else:
            r, body, s = _get(client, url)
            if cache is not None:
                cache[url] = r.headers.get("etag", "")
        total, assets_s = total + len(body), assets_s + s
    return {"html_s": html_s, "html_bytes": html_bytes, "bytes": total, "total_s": html_s + assets_s}


def one_round(env: dict, encoding: str, role: str) -> dict:
    server = Server(env)
    try:
        with httpx.Client(base_url=server.base, headers={"accept-encoding": encoding}, timeout=60) as client:
            signin_s = sign_in(client, role)
            cache: dict[str, str] = {}
            cold = page_load(client, cache, revalidate=False)
            warm_new = [page_load(client, cache, revalidate=False) for _ in range(3)]
            warm_old = [page_load(client, cache, revalidate=True) for _ in range(3)]
    finally:
        server.close()
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    return {"signin_s": signin_s, "cold_html_s": cold["html_s"], "cold_total_s": cold["total_s"],
            "cold_bytes": cold["bytes"], "warm_html_s": med(warm_new, "html_s"),
            "warm_total_s": med(warm_new, "total_s"), "warm_bytes": med(warm_new, "bytes"),
            "warm_revalidate_html_s": med(warm_old, "html_s"), "warm_revalidate_s": med(warm_old, "total_s"),
            "warm_revalidate_bytes": med(warm_old, "bytes")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="a loaded SQLite database (default: a new demo bank)")
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--role", choices=["supervisor", "agent"], default="supervisor")
    ap.add_argument("--agent-ref", default="A1022")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    db = args.db or tmp / "xinsheng.db"
    db_url = f"sqlite:///{db.resolve()}"
    os.environ.setdefault("XINSHENG_HOME", str(tmp / "home"))
    prepare(db_url, args.customers, args.days, fresh=args.db is None, role=args.role,
            agent_ref=args.agent_ref)
    env = dict(os.environ, XINSHENG_DATABASE_URL=db_url, XINSHENG_LOG_LEVEL="WARNING")
    rounds: dict[str, list[dict]] = {"gzip": [], "identity": []}
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        for enc in rounds:
            rounds[enc].append(one_round(env, enc, args.role))
    med = {enc: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for enc, rs in rounds.items()}
    report = {"machine": machine(), "database": str(db), "runs": args.runs, "median": med}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    g, i = med["gzip"], med["identity"]
    kib = lambda b: f"{b / 1024:,.0f} KiB"  # noqa: E731
    link = lambda b: f"{b * 8 / (LINK_MBIT * 1e6):.2f} s"  # noqa: E731
    ms = lambda s: f"{s * 1000:,.0f} ms"  # noqa: E731

    def row(what, m, html, total, size):
        return [what, ms(m[html]), ms(m[total] - m[html]), kib(m[size]), link(m[size])]

    rows = [
        row("cold (new server, empty cache), no gzip — baseline", i, "cold_html_s", "cold_total_s", "cold_bytes"),
        row("cold (new server, empty cache), gzip", g, "cold_html_s", "cold_total_s", "cold_bytes"),
        row("warm, every asset revalidated (304), no gzip — baseline", i, "warm_revalidate_html_s",
            "warm_revalidate_s", "warm_revalidate_bytes"),
        row("warm, versioned assets from the cache, gzip", g, "warm_html_s", "warm_total_s", "warm_bytes"),
    ]
    print(f"\nFirst home page after sign-in as {args.role} — {db.name}, median of {args.runs} rounds, each on a fresh "
          f"server process; sign-in itself (argon2): {ms(g['signin_s'])}\n")
    print(markdown_table(["page load", "home HTML", "assets", "bytes on the wire", f"at {LINK_MBIT} Mbit/s"],
                         rows))
    print("\nmachine:", json.dumps(report["machine"]))


if __name__ == "__main__":
    main()
