"""Deployment-facing behaviour: language switch, SQLite set-up, `check --deploy`, no internet assets."""

import os
import re
import secrets
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)

# --- language switch -------------------------------------------------------------------------


def _lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_default_language_is_simplified_chinese(client):
    html = client.get("/login/").content.decode()
    assert _lang(html) == "zh-hans"
    assert "登录客道" in html


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    html = client.get("/login/").content.decode()
    assert _lang(html) == "en"
    assert "Log in to Kedao" in html
    assert "登录客道" not in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert _lang(html) == "zh-hans"
    assert "登录客道" in html
    assert "Log in to Kedao" not in html


@pytest.mark.django_db
def test_language_switch_applies_to_the_application_pages(client, world):
    client.force_login(world.seller1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    english = client.get("/customers/").content.decode()
    assert _lang(english) == "en"
    assert re.search(r"<h1[^>]*>\s*Customers\s*</h1>", english)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/customers/"})
    chinese = client.get("/customers/").content.decode()
    assert _lang(chinese) == "zh-hans"
    assert re.search(r"<h1[^>]*>\s*客户\s*</h1>", chinese)


@pytest.mark.django_db
def test_unknown_language_keeps_the_default(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/login/"})
    assert _lang(client.get("/login/").content.decode()) == "zh-hans"


@pytest.mark.django_db
def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"})
    assert "evil.example.com" not in response.get("Location", "")


def test_every_language_offered_has_an_up_to_date_compiled_catalogue(tmp_path):
    """The .mo that Django reads says what the .po says (a stale .mo shows English to users)."""
    import gettext

    msgfmt = shutil.which("msgfmt")
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue  # the source language
        folder = translation.to_locale(code)
        mo = BASE_DIR / "locale" / folder / "LC_MESSAGES" / "django.mo"
        po = mo.with_suffix(".po")
        assert mo.exists(), f"{mo} is missing: run make messages"
        if msgfmt is None:
            pytest.skip("msgfmt (gettext) is not installed")
        fresh = tmp_path / f"{folder}.mo"
        subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)
        with mo.open("rb") as shipped, fresh.open("rb") as compiled:
            shipped_catalog = gettext.GNUTranslations(shipped)._catalog
            compiled_catalog = gettext.GNUTranslations(compiled)._catalog
        stale = sorted(str(key) for key in set(shipped_catalog.items()) ^ set(compiled_catalog.items()))
        assert not stale, f"{mo} differs from {po}: run make messages ({stale[:5]})"


# --- SQLite: WAL and a busy timeout ----------------------------------------------------------


def _sqlite_env(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(KEDAO_DEV="1", KEDAO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kedao.settings")
    return env


def _run_python(code, env):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_sqlite_file_database_uses_wal_busy_timeout_and_foreign_keys(tmp_path):
    # The test database is in memory (where WAL does not apply), so open the file database the
    # settings configure when DATABASE_URL is unset, in a fresh process.
    result = _run_python("""
        import django
        django.setup()
        from django.db import connection
        with connection.cursor() as cursor:
            for pragma in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
                cursor.execute(f"PRAGMA {pragma}")
                print(pragma, cursor.fetchone()[0])
        print("file", connection.settings_dict["NAME"])
    """, _sqlite_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert values["journal_mode"] == "wal"
    assert int(values["busy_timeout"]) >= 5000
    assert values["foreign_keys"] == "1"
    assert values["synchronous"] == "1"  # NORMAL: safe with WAL, much faster than FULL
    assert Path(values["file"]).parent == tmp_path


def test_sqlite_second_writer_waits_instead_of_failing(tmp_path):
    # A worker holding the write lock for a moment must not make a web request fail with
    # "database is locked": the busy timeout turns it into a short wait.
    result = _run_python("""
        import sqlite3, threading, time
        import django
        django.setup()
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
        path = connection.settings_dict["NAME"]
        locked = threading.Event()

        def hold_lock():
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO t VALUES (1)")
            locked.set()
            time.sleep(1.0)
            other.execute("COMMIT")

        thread = threading.Thread(target=hold_lock)
        thread.start()
        locked.wait()
        started = time.monotonic()
        from django.db import transaction
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")
        waited = time.monotonic() - started
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            print(cursor.fetchone()[0], round(waited, 2))
    """, _sqlite_env(tmp_path))
    assert result.returncode == 0, result.stderr
    rows, waited = result.stdout.split()
    assert rows == "2"
    assert float(waited) >= 0.5  # it really waited for the other writer


def test_sqlite_options_in_settings():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on PostgreSQL; the SQLite file set-up is checked in a subprocess")
    options = database["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"].replace(" ", "")
    assert options["timeout"] >= 5
    assert options["transaction_mode"] == "IMMEDIATE"
    assert connection.vendor == "sqlite"


# --- production settings ---------------------------------------------------------------------


def _production_env(tmp_path, **extra):
    env = {key: value for key, value in os.environ.items()
           if key not in {"KEDAO_DEV", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
                          "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "DEBUG"}}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="crm.example.cn",
               KEDAO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kedao.settings")
    env.update(extra)
    return env


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = _production_env(tmp_path)
    assert len(env["SECRET_KEY"]) >= 50
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "?: (" not in output, output


def test_production_settings_are_https_only_and_hashed_static(tmp_path):
    result = _run_python("""
        import django
        django.setup()
        from django.conf import settings
        print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE,
              settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0,
              settings.STORAGES["staticfiles"]["BACKEND"].rsplit(".", 1)[-1])
    """, _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True",
                                     "CompressedManifestStaticFilesStorage"]


def test_production_server_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    for entry_point in ("kedao.wsgi", "kedao.asgi"):
        result = _run_python(f"import {entry_point}", env)
        assert result.returncode != 0, entry_point
        assert "SECRET_KEY" in result.stderr


def test_without_a_secret_key_maintenance_commands_run_and_check_deploy_complains(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    migrations = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
                                cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert migrations.returncode == 0, migrations.stderr
    deploy = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "security.W009" in deploy.stdout + deploy.stderr


# --- no asset from the internet --------------------------------------------------------------


def _front_end_files():
    roots = [BASE_DIR / "templates", BASE_DIR / "static"]
    roots += [path for path in BASE_DIR.glob("*/templates") if ".venv" not in path.parts]
    files = []
    for root in roots:
        files += [path for path in root.rglob("*") if path.suffix in {".html", ".css", ".js", ".txt", ".svg"}]
    return files


EXTERNAL_ASSET = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']\s*(?:https?:)?//)"""  # <script src="https://…">
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)"""  # CSS url(https://…)
    r"""|(?:@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)"""  # CSS @import
    r"""|(?:\bimport\s*\(?\s*["'](?:https?:)?//)""",  # JS import("https://…")
    re.IGNORECASE,
)


def test_front_end_files_exist_to_be_checked():
    names = {path.name for path in _front_end_files()}
    assert {"base.html", "kedao.css", "kedao.js"} <= names


@pytest.mark.parametrize("path", _front_end_files(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_no_template_or_static_file_loads_anything_from_the_internet(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    hits = [match.group(0) for match in EXTERNAL_ASSET.finditer(text)]
    assert hits == [], f"{path.relative_to(BASE_DIR)} references an external asset: {hits}"


def test_the_external_asset_pattern_catches_what_it_should():
    for bad in ('<script src="https://cdn.jsdelivr.net/npm/htmx.org"></script>',
                "<link href='//fonts.googleapis.com/css' rel=stylesheet>",
                "body { background: url(https://example.com/bg.png) }",
                '@import url("https://fonts.googleapis.com/css2?family=Noto");'):
        assert EXTERNAL_ASSET.search(bad), bad
    for fine in ('<a href="{% url \'home\' %}">', '<script src="/static/kedao/kedao.js"></script>',
                 "<!-- see https://docs.djangoproject.com/ -->"):
        assert not EXTERNAL_ASSET.search(fine), fine
