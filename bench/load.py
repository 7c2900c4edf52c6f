"""A bounded load test of a running Rencai: N sessions (users), each logged in with its own
cookies, each making a fixed number of requests with a think time between them — talents
list, a talent's detail page, a name search and the leader view — then stopping. Prints
p50 / p95 / max per kind and overall, the error count, and exits 1 when p95 reaches the
limit or any request failed.

    python bench/load.py --base-url http://127.0.0.1:8000 --sessions 50 --requests 20

Loopback only: the script refuses any other host. See bench/README.md."""

import argparse
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SEARCHES = ["张", "王", "李", "zhang", "wang", "刘", "陈", "zq", "li"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One user's browser: its own cookies (production cookies are Secure; over plain
    loopback HTTP they are sent by hand)."""

    opener = urllib.request.build_opener(NoRedirect)

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - loopback http only
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, response.read().decode("utf-8", "replace")

    def log_in(self, username: str, password: str) -> None:
        status, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"log-in page answered {status}")
        status, _page = self.request(
            "/accounts/login/", {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"log-in of {username} answered {status}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--sessions", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per session (default 20)")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time in seconds (default 3)")
    parser.add_argument("--users", default="office,office2,leader", help="demo users the sessions log in as")
    parser.add_argument("--password", default="Rencai@2026")
    parser.add_argument("--limit-ms", type=float, default=500.0, help="p95 limit (default 500 ms)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="3 sessions × 3 requests, short think time: that it runs (CI); no p95 limit",
    )
    args = parser.parse_args()
    if args.smoke:
        args.sessions, args.requests, args.think, args.limit_ms = 3, 3, 0.2, float("inf")

    host = urllib.parse.urlparse(args.base_url).hostname
    if host not in LOOPBACK:
        print(f"只对本机（loopback）地址施压，拒绝 {host}", file=sys.stderr)
        return 2
    base = args.base_url.rstrip("/")
    usernames = args.users.split(",")

    # The detail pages to visit: ids from the first pages of the list.
    probe = Session(base)
    probe.log_in(usernames[0], args.password)
    ids = []
    for page in (1, 2, 3, 4):
        _status, html = probe.request(f"/o/talents/?page={page}")
        ids += re.findall(r'href="/o/talents/(\d+)/"', html)
    ids = sorted(set(ids))
    if not ids:
        print("人才列表为空：请先运行 manage.py seed_demo", file=sys.stderr)
        return 2

    def pick(r: random.Random) -> tuple[str, str]:
        kind = r.choices(["list", "detail", "search", "leader"], weights=[3, 3, 3, 1])[0]
        if kind == "list":
            return kind, f"/o/talents/?page={r.randint(1, 20)}"
        if kind == "detail":
            return kind, f"/o/talents/{r.choice(ids)}/"
        if kind == "search":
            return kind, "/o/talents/?" + urllib.parse.urlencode({"q": r.choice(SEARCHES)})
        return kind, "/dashboards/"

    results: list[tuple[str, float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_barrier = threading.Barrier(args.sessions + 1)

    def user(n: int) -> None:
        r = random.Random(args.seed * 1000 + n)  # noqa: S311 - think times, not secrets
        session = Session(base)
        try:
            session.log_in(usernames[n % len(usernames)], args.password)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            with lock:
                errors.append(f"login {n}: {exc}")
            start_barrier.wait()
            return
        start_barrier.wait()
        time.sleep(r.uniform(0, 2 * args.think))  # users do not all click at the same moment
        for _ in range(args.requests):
            kind, path = pick(r)
            began = time.perf_counter()
            try:
                status, _body = session.request(path)
            except Exception as exc:  # noqa: BLE001 - a timeout or a reset connection
                status, _body = 0, str(exc)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                results.append((kind, elapsed, status))
                if status != 200:
                    errors.append(f"{status} {path}")
            time.sleep(r.uniform(0.5 * args.think, 1.5 * args.think))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(args.sessions)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    began = time.time()
    for thread in threads:
        thread.join()
    wall = time.time() - began

    def line(label: str, values: list[float]) -> str:
        return (
            f"{label:<8} {len(values):>6} {statistics.median(values) if values else 0:>8.0f} "
            f"{percentile(values, 95):>8.0f} {max(values, default=0):>8.0f}"
        )

    print(
        f"{args.sessions} sessions × {args.requests} requests, think time uniform "
        f"{0.5 * args.think:.1f}–{1.5 * args.think:.1f} s (mean {args.think:.1f} s), {base}"
    )
    print(f"{'kind':<8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in ("list", "detail", "search", "leader"):
        print(line(kind, [t for k, t, _s in results if k == kind]))
    every = [t for _k, t, _s in results]
    print(line("all", every))
    print(f"throughput {len(results) / wall:.1f} req/s over {wall:.0f} s; errors {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    p95 = percentile(every, 95)
    ok = not errors and p95 < args.limit_ms and len(results) == args.sessions * args.requests
    print(
        f"RESULT p50={statistics.median(every) if every else 0:.0f}ms p95={p95:.0f}ms errors={len(errors)} "
        f"{'PASS' if ok else 'FAIL'} (p95 < {args.limit_ms:.0f} ms, 0 errors)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
