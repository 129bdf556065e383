"""Production hardening (issue 8, item 8): `zona check --deploy` is clean with the documented production
environment (docs/production.env), and the one switch ZONA_HTTPS turns HSTS, Secure cookies, the HTTPS
redirect and the trusted proxy header on together, and only then."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
ZONA = Path(sys.executable).parent / "zona"
ENV_FILE = ROOT / "docs" / "production.env"


def documented_env(tmp_path: Path) -> dict[str, str]:
    env = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the file says CHANGE-ME; a real key is random
    # Nothing but the documented variables (and what any process needs) reaches the command.
    env.update({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ZONA_VAR_DIR": str(tmp_path / "var")})
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_check_deploy_is_clean_with_the_documented_production_env(tmp_path):
    result = run([str(ZONA), "check", "--deploy", "--fail-level", "WARNING"], documented_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    # Only the written-down exception (HSTS preload, W021) is silenced.
    assert "(1 silenced)" in output


def test_check_deploy_warns_without_the_https_switch(tmp_path):
    env = documented_env(tmp_path)
    del env["ZONA_HTTPS"]
    result = run([str(ZONA), "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in output


DUMP = """
import json
from django.conf import settings
names = ["SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
         "SECURE_REDIRECT_EXEMPT"]
values = {name: getattr(settings, name) for name in names}
values["upgrade"] = bool(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("upgrade-insecure-requests"))
print(json.dumps(values))
"""


@pytest.mark.parametrize("https", [True, False])
def test_one_switch_turns_the_https_settings_on_together(tmp_path, https):
    env = documented_env(tmp_path)
    if not https:
        del env["ZONA_HTTPS"]
    result = run([sys.executable, "-c", "import django; django.setup()\n" + DUMP], env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    flags = [
        values["SECURE_SSL_REDIRECT"],
        values["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        values["SESSION_COOKIE_SECURE"],
        values["CSRF_COOKIE_SECURE"],
        values["LANGUAGE_COOKIE_SECURE"],
        values["upgrade"],
        values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"],
        values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600,
    ]
    assert flags == [https] * len(flags)


@pytest.mark.django_db
def test_behind_the_proxy_requests_get_hsts_secure_cookies_and_http_is_redirected(settings, regency):
    # The values ZONA_HTTPS=1 sets (checked above), applied to the running stack.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_REFRESH_SECONDS = 0  # renew (and so send) the session cookie on the page below
    client = Client()

    plain = client.get("/akun/masuk/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/akun/masuk/"
    assert client.get("/healthz").status_code == 200  # the proxy's health check stays on plain HTTP

    secure = client.get("/akun/masuk/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure.cookies["csrftoken"]["secure"] and secure.cookies["csrftoken"]["samesite"] == "Lax"
    client.force_login(regency.koordinator)
    page = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert page.status_code == 200
    session = page.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
