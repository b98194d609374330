"""Settings come from the environment, strictly; production mode passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lederutvikling.env import env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parent.parent


def test_bad_boolean_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert env_bool("SOME_FLAG") is True
    monkeypatch.setenv("SOME_FLAG", "0")
    assert env_bool("SOME_FLAG", True) is False


def test_bad_integer_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ti")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 1)


def test_secret_may_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.setenv("MY_SECRET_FILE", str(secret))
    assert env_str("MY_SECRET") == "s3cret-from-file"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
                         "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "CELERY_BROKER_URL",
                         "STORAGE_URL", "EMAIL_URL", "LEDERUTVIKLING_SINGLE_NODE"}}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,
                          env={**_clean_env(), **env},
                          capture_output=True, text=True, timeout=120, check=False)


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
    "LEDERUTVIKLING_PRODUCTION": "true",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-key-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "lederutvikling.example.no",
    "EMAIL_HOST": "smtp.example.no",
}


# Several machines: PostgreSQL, Redis and a bucket. check --deploy reads the
# configuration only; nothing here is connected to.
MULTI_NODE_ENV = {
    **PRODUCTION_ENV,
    "DATABASE_URL": "postgres://lederutvikling@db.example.no:5432/lederutvikling",
    "REDIS_URL": "redis://redis.example.no:6379/0",
    "STORAGE_URL": "s3://lederutvikling-filer?endpoint_url=https://s3.example.no",
}


def test_production_mode_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=MULTI_NODE_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_single_node_production_accepts_every_fallback():
    """SQLite, the filesystem broker, the local-memory cache and local files, on purpose."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     env={**PRODUCTION_ENV, "LEDERUTVIKLING_SINGLE_NODE": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("fallback", "unset", "code", "words"), [
    ("SQLite", {"DATABASE_URL"}, "lederutvikling.E001", "Production refuses SQLite"),
    ("filesystem broker", set(), "lederutvikling.E002",
     "Production refuses the filesystem Celery broker"),
    ("local-memory cache", set(), "lederutvikling.E003",
     "Production refuses a per-process (or per-machine) cache"),
    ("local file storage", {"STORAGE_URL"}, "lederutvikling.E005",
     "Production refuses local file storage"),
])
def test_production_refuses_each_single_node_fallback(fallback, unset, code, words):
    env = {k: v for k, v in MULTI_NODE_ENV.items() if k not in unset}
    if fallback == "filesystem broker":
        env["CELERY_BROKER_URL"] = "filesystem://"
    if fallback == "local-memory cache":  # Redis for the broker only, no cache
        env = {k: v for k, v in env.items() if k != "REDIS_URL"}
        env["CELERY_BROKER_URL"] = "redis://redis.example.no:6379/0"
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0, f"{fallback} was accepted: {result.stdout}"
    assert code in result.stderr and words in result.stderr, result.stderr
    assert "LEDERUTVIKLING_SINGLE_NODE=true" in result.stderr  # what to do about it
    # Only this fallback is named: the message points at the one thing to fix.
    assert result.stderr.count("lederutvikling.E0") == 1, result.stderr

    single = _manage("check", "--deploy", env={**env, "LEDERUTVIKLING_SINGLE_NODE": "true"})
    assert single.returncode == 0, single.stderr


def test_cache_and_broker_on_one_redis_database_are_refused():
    env = {**MULTI_NODE_ENV, "CACHE_URL": "redis://redis.example.no:6379/0"}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "lederutvikling.E004" in result.stderr and "eviction" in result.stderr


def test_redis_url_gives_broker_and_cache_different_databases():
    code = ("from django.conf import settings as s; "
            "print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'])")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
        env={**_clean_env(), **MULTI_NODE_ENV, "REDIS_URL": "redis://:pw@redis.example.no:6380/4"},
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://:pw@redis.example.no:6380/4",
                                     "redis://:pw@redis.example.no:6380/5"]


def test_a_web_process_with_a_fallback_does_not_start():
    """gunicorn loads lederutvikling.wsgi: it stops with the check's message."""
    env = {k: v for k, v in MULTI_NODE_ENV.items() if k != "STORAGE_URL"}
    result = subprocess.run([sys.executable, "-c", "import lederutvikling.wsgi"], cwd=ROOT,
                            env={**_clean_env(), **env}, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode != 0
    assert "SystemCheckError" in result.stderr and "lederutvikling.E005" in result.stderr
    assert "Traceback" not in result.stderr  # the message, not a stack trace


def test_a_celery_worker_with_a_fallback_does_not_start(tmp_path):
    env = {k: v for k, v in MULTI_NODE_ENV.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "celery"), "-A", "lederutvikling", "worker",
         "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT, env={**_clean_env(), **env, "LEDERUTVIKLING_VAR_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "lederutvikling.E001" in result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_refuses_debug():
    result = _manage("check", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_email_url_covers_the_exchange_online_connector_and_logins():
    from lederutvikling.service_urls import email_from_url

    relay = email_from_url("smtp+tls://kommune-no.mail.protection.outlook.com:25")["OPTIONS"]
    assert (relay["host"], relay["port"], relay["use_tls"], relay["use_ssl"]) == (
        "kommune-no.mail.protection.outlook.com", 25, True, False)
    assert relay["username"] == "" and relay["password"] == ""
    login = email_from_url("submission://post%40kommune.no:p%40ss%3Aord@smtp.kommune.no"
                           "?timeout=5")["OPTIONS"]
    assert (login["port"], login["use_tls"], login["timeout"]) == (587, True, 5)
    assert (login["username"], login["password"]) == ("post@kommune.no", "p@ss:ord")
    implicit = email_from_url("smtps://u:p@smtp.kommune.no")["OPTIONS"]
    assert (implicit["port"], implicit["use_ssl"], implicit["use_tls"]) == (465, True, False)
    for bad in ("http://smtp.kommune.no", "smtp://", "smtp://h?tls=kanskje"):
        with pytest.raises(ImproperlyConfigured):
            email_from_url(bad)


def test_sentry_is_initialised_without_personal_data_when_a_dsn_is_set():
    code = ("import django; django.setup(); import sentry_sdk; "
            "c = sentry_sdk.get_client(); "
            "print(c.is_active(), c.options['send_default_pii'], c.options['environment'])")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT,
        env={**_clean_env(), **MULTI_NODE_ENV,
             "SENTRY_DSN": "https://public@sentry.kommune.no/3"},
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "production"]

