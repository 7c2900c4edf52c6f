"""Issue 16, item 1: the platform starts in production mode from a fresh copy of the
repository — collectstatic, migrate, gunicorn with the shipped configuration — and serves
the log-in page, its static files and a logged-in page. On PostgreSQL the server connects
as an application role that owns no table, granted by ``grant_app_role``.

Runs on the database the suite runs on: SQLite in a file of its own, or a new PostgreSQL
database next to the test database (dropped afterwards)."""

import base64
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from rencai.conftest import valid_id_number

REPO = Path(__file__).resolve().parents[3]
STATIC_ROOT = REPO / "rencai" / "static"


def test_every_vendored_asset_names_only_files_that_exist():
    """What made collectstatic fail: a sourceMappingURL (or url()) naming an absent file."""
    pattern = re.compile(r"sourceMappingURL=([^\s*]+)|url\(\s*['\"]?(?!data:|#|https?:)([^'\")]+)['\"]?\s*\)")
    missing = []
    for path in STATIC_ROOT.rglob("*"):
        if path.suffix not in (".js", ".css"):
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
            target = (match.group(1) or match.group(2)).split("?")[0].split("#")[0]
            if target and not (path.parent / target).exists():
                missing.append(f"{path.relative_to(STATIC_ROOT)} → {target}")
    assert not missing, missing


def _fresh_copy(target: Path) -> None:
    """The repository as a fresh clone of the working tree would hold it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        name = raw.decode()
        source = REPO / name
        if not source.is_file():
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Session:
    """A browser's cookies over plain HTTP (production cookies are Secure, which
    urllib's cookie jar would keep to HTTPS)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            request.add_header("Referer", self.base + path)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, dict(response.headers), response.read().decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _database(tmp_path: Path):
    """(owner URL, application URL, clean-up) for a new database on the suite's engine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        url = f"sqlite:///{tmp_path / 'var' / 'rencai.sqlite3'}"
        return url, url, lambda: None
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    name = f"{params['NAME']}_prod"[:60]
    role = os.environ.get("RENCAI_TEST_APP_ROLE") or f"{name}_app"[:60]
    password = os.environ.get("RENCAI_TEST_APP_PASSWORD") or secrets.token_urlsafe(16)
    admin = psycopg.connect(
        host=host, port=port, dbname="postgres", user=params["USER"], password=params["PASSWORD"], autocommit=True
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    created_role = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None
    if created_role:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    elif not os.environ.get("RENCAI_TEST_APP_PASSWORD"):
        admin.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    quote = urllib.parse.quote
    owner = f"postgres://{quote(params['USER'])}:{quote(params['PASSWORD'])}@{host}:{port}/{name}"
    app = f"postgres://{quote(role)}:{quote(password)}@{host}:{port}/{name}"

    def clean_up():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if created_role:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()

    return owner, app, clean_up


@pytest.mark.django_db
def test_production_mode_starts_from_a_fresh_copy_and_serves(tmp_path):
    clone = tmp_path / "clone"
    _fresh_copy(clone)
    assert not (clone / "var").exists() and (clone / "deploy" / "gunicorn.conf.py").exists()
    owner_url, app_url, clean_up = _database(tmp_path)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "RENCAI_ENV": "production",
        "RENCAI_SECRET_KEY": secrets.token_urlsafe(50),
        "RENCAI_FIELD_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "RENCAI_INDEX_KEY": secrets.token_urlsafe(32),
        "RENCAI_VAR_DIR": str(tmp_path / "var"),
        "RENCAI_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": owner_url,
    }
    run = {"cwd": clone, "env": env, "check": True, "capture_output": True, "text": True, "timeout": 600}
    python = sys.executable
    server = None
    try:
        collected = subprocess.run([python, "manage.py", "collectstatic", "--noinput"], **run)
        assert "post-processed" in collected.stdout
        subprocess.run([python, "manage.py", "migrate", "--noinput"], **run)
        id_number = valid_id_number("19900101", 11)
        subprocess.run(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                "from rencai.orgs.models import Organization\n"
                "from rencai.accounts.models import User\n"
                "org = Organization.objects.create(name='生产测试金融办', kind='government')\n"
                "u = User(username='prod_office', full_name='生产测试', role='office', organization=org)\n"
                "u.set_password('Prod#Pass2026')\n"
                "u.save()\n",
            ],
            **run,
        )
        if app_url != owner_url:
            role = urllib.parse.urlparse(app_url).username
            subprocess.run([python, "manage.py", "grant_app_role", role], **run)
        port = _free_port()
        access_log = tmp_path / "access.log"
        server_env = {
            **env,
            "DATABASE_URL": app_url,
            "RENCAI_BIND": f"127.0.0.1:{port}",
            "RENCAI_WORKERS": "1",
            "RENCAI_THREADS": "2",
            "RENCAI_ACCESS_LOG": str(access_log),
        }
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "rencai.wsgi"],
            cwd=clone,
            env=server_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        browser = _Session(base)
        for _ in range(120):
            try:
                status, headers, page = browser.request("/accounts/login/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.25)
        else:
            raise AssertionError("gunicorn did not answer")
        assert status == 200, page
        stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "static files named by the manifest"
        assert browser.request(stylesheet.group(1))[0] == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _page = browser.request(
            "/accounts/login/", {"csrfmiddlewaretoken": token, "username": "prod_office", "password": "Prod#Pass2026"}
        )
        assert status == 302 and headers["Location"] == "/", _page
        status, headers, page = browser.request("/")
        assert status == 200 and "生产测试" in page
        status, _headers, page = browser.request(f"/o/talents/?q={id_number}")
        assert status == 200
        assert "default-src 'self'" in headers.get("Content-Security-Policy", "")
        time.sleep(0.5)
        log = access_log.read_text()
        assert "/o/talents/" in log and id_number not in log, "a searched ID number is not logged"
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        clean_up()
    assert django_settings.configured
