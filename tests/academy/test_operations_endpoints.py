"""/healthz, /readyz, /metrics, request ids, JSON logs and error-report scrubbing."""

import json
import logging
import sys

from django.core.cache import caches

import pytest

from academy.celery import app
from academy.core import metrics
from academy.core.jsonlog import JsonFormatter
from academy.core.requestid import RequestIdFilter, current_request_id
from academy.core.sentry import event_scrubbed
from tests.factories import thai_national_id

CLOSED_PORT = 8799  # in this suite's range, never listened on


def test_healthz_answers_a_probe_over_http_with_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["academy.example.go.th"]

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "in-process",
        "storage:default": "ok",
        "storage:private": "ok",
    }


@pytest.mark.django_db
def test_readyz_is_503_and_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/10",
        }
    }
    try:
        response = client.get("/readyz")
    finally:
        caches["default"].close()

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"].startswith("error: ")
    assert body["checks"]["database"] == "ok"
    assert str(CLOSED_PORT) not in response.content.decode()


@pytest.mark.django_db
def test_readyz_is_503_when_media_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage:default"] == "error: PermissionError"


def test_a_response_carries_a_new_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


def test_the_balancers_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.91")
    assert response["X-Request-ID"] == "lb-7f3a.91"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\nx")
    assert response["X-Request-ID"] != "<script>\nx"
    assert len(response["X-Request-ID"]) == 32


def _record(message, *args, **extra):
    record = logging.LogRecord(
        "academy.test", logging.INFO, __file__, 1, message, args, None
    )
    record.__dict__.update(extra)
    return record


def test_a_json_log_line_carries_the_request_id():
    token = current_request_id.set("req-42")
    try:
        record = _record("imported %s rows", 3)
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "imported 3 rows"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO" and line["logger"] == "academy.test"


def test_a_json_log_line_masks_national_ids_even_in_extra_fields():
    national_id = thai_national_id(4242)
    record = _record("row failed", row=f"{national_id},สมชาย")

    line = JsonFormatter().format(record)

    assert national_id not in line
    assert json.loads(line)["row"].startswith("x-xxxx-xxxxx-xx-x")


def test_a_json_log_line_carries_the_exception():
    try:
        raise ValueError("bad row")
    except ValueError:
        record = logging.LogRecord(
            "academy.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    assert (
        "ValueError: bad row" in json.loads(JsonFormatter().format(record))["exception"]
    )


def test_an_error_report_is_scrubbed_of_national_ids():
    national_id = thai_national_id(777)
    event = {"exception": {"values": [{"value": f"bad id {national_id}"}]}}

    scrubbed = event_scrubbed(event, {})

    assert national_id not in json.dumps(scrubbed)
    assert scrubbed["exception"]["values"][0]["value"] == "bad id x-xxxx-xxxxx-xx-x"


@pytest.mark.django_db
def test_metrics_do_not_exist_unless_configured(client, settings):
    settings.ACADEMY_METRICS_TOKEN = ""
    settings.ACADEMY_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_refuse_a_wrong_token(client, settings):
    settings.ACADEMY_METRICS_TOKEN = "s3cret-token"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert response.status_code == 403


@pytest.mark.django_db
def test_metrics_answer_the_token_with_requests_and_certificates(client, settings):
    settings.ACADEMY_METRICS_TOKEN = "s3cret-token"
    client.get("/verify/")

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")

    text = response.content.decode()
    assert response.status_code == 200
    assert (
        'academy_http_requests_total{method="GET",route="/verify/",status="200"}'
        in text
    )
    assert "academy_http_request_duration_seconds_bucket" in text
    assert "# TYPE academy_certificates_issued gauge" in text
    assert "academy_celery_task_failures" in text


@pytest.mark.django_db
def test_metrics_answer_an_allowed_address(client, settings):
    settings.ACADEMY_METRICS_TOKEN = ""
    settings.ACADEMY_METRICS_ALLOWED_IPS = ["10.0.0.0/8", "127.0.0.1"]
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 403


@pytest.mark.django_db
def test_a_failed_task_is_counted_for_every_host(client, settings):
    settings.ACADEMY_METRICS_TOKEN = "t"
    caches["default"].delete(metrics.FAILURE_KEY + "academy.core.tasks.send_email")
    send_email = app.tasks["academy.core.tasks.send_email"]

    result = send_email.apply(kwargs={"unexpected": 1}, throw=False)

    assert result.failed()
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()
    assert (
        'academy_celery_task_failures{task="academy.core.tasks.send_email"} 1.0' in text
    )
