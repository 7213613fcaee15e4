"""Timings of certificate issuing: printed figures, never pass/fail.

1. Render + sign, per certificate: the signed Open Badges credential (eddsa-rdfc-2022,
   RDF canonicalisation) and the Thai PDF (xhtml2pdf, HarfBuzz shaping, QR code,
   credential attached), timed apart and together; median and 95th percentile; and
   the ratio to a bare xhtml2pdf render of the same HTML with the same font, run by
   run (interleaved); then the parts beyond the bare render, timed apart.
2. A batch of 1,000 certificates issued by 2 worker processes: two real Celery
   workers on Redis when a broker is configured (ACADEMY_TEST_BROKER_URL or
   CELERY_BROKER_URL) and the database is one other processes can reach; otherwise
   two processes calling the issuing service. Prints the throughput.

Needs a migrated database it may write to (it adds a course, learners and their
certificates). `run(stdout=...)` is the entry point; `python -m
benchmarks.bench_certificates` migrates the database named by DATABASE_URL (its name
must contain "bench") and runs it.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
#: The issue's target: render + sign at most this many times a bare render.
RATIO_TARGET = 1.5
BATCH_SIZE = 1_000
WORKERS = 2


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


# ------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------


def _bench_course():
    """A live course under the catalogue with one lesson and two competencies."""
    from competencies.models import Competency
    from competencies.services import standards_load
    from courses.models import CatalogPage, CourseCompetency, CoursePage, LessonPage

    existing = CoursePage.objects.filter(code="BENCH-CERT").first()
    if existing is not None:
        return existing
    standards_load()
    catalogue = CatalogPage.objects.get()
    page = CoursePage(
        title="การกำกับดูแลข้อมูลภาครัฐสำหรับผู้บริหาร (ทดสอบสมรรถนะ)",
        title_en="Government data governance (benchmark)",
        slug=f"bench-cert-{uuid.uuid4().hex[:6]}",
        code="BENCH-CERT",
        summary="หลักสูตรสำหรับวัดประสิทธิภาพการออกประกาศนียบัตร",
        learning_hours=6,
        certificate_validity_months=24,
    )
    for order, competency in enumerate(
        Competency.objects.filter(
            framework__code="acd-digital", code__in=["ACD-GOV-02", "ACD-LIT-01"]
        )
    ):
        page.competency_links.add(
            CourseCompetency(
                competency=competency,
                level=competency.framework.scale.levels.order_by("rank")[2],
                sort_order=order,
            )
        )
    catalogue.add_child(instance=page)
    page.save_revision().publish()
    lesson = LessonPage(title="บทที่ 1", slug="lesson-1")
    page.add_child(instance=lesson)
    lesson.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk)


def _completions(course, count: int) -> list[int]:
    """`count` learners who completed the course, written in bulk (no certificates)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from competencies.models import Person
    from courses.models import CourseCompletion, Enrolment

    User = get_user_model()
    run = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        User(email=f"bench-{run}-{n}@bench.academy.go.th", first_name="ทดสอบ")
        for n in range(count)
    )
    Person.objects.bulk_create(
        Person(
            user=user,
            title_th="นางสาว",
            first_name_th=f"ญาณิศา{n}",
            last_name_th="ศรีสุข",
            first_name_en=f"Yanisa{n}",
            last_name_en="Srisuk",
            email=user.email,
        )
        for n, user in enumerate(users)
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            course=course,
            status=Enrolment.Status.COMPLETED,
            completed_at=now,
        )
        for user in users
    )
    completions = CourseCompletion.objects.bulk_create(
        CourseCompletion(
            enrolment=enrolment,
            user=enrolment.user,
            course=course,
            completed_at=now,
            learning_hours=course.learning_hours,
        )
        for enrolment in enrolments
    )
    return [completion.pk for completion in completions]


# ------------------------------------------------------------------------------
# 1. render + sign
# ------------------------------------------------------------------------------


def _bare_render(html: str) -> bytes:
    """xhtml2pdf alone on the certificate's HTML with the same font and stylesheet:
    no context, QR code, credential, PDF/A or attachment; the floor to compare with."""
    import io

    from xhtml2pdf import pisa

    from certificates.face import ASSETS_DIR
    from certificates.pdf import render as pdf_render

    links = pdf_render.AssetLinks(ASSETS_DIR)
    out = io.BytesIO()
    pisa.CreatePDF(
        html,
        dest=out,
        path=str(links.assets_dir / "certificate.html"),
        link_callback=links,
        default_css=pdf_render._DEFAULT_CSS,
        resource_policy=pdf_render.asset_policy(links.assets_dir),
    )
    return out.getvalue()


def time_render_and_sign(course, *, runs: int = 30) -> dict[str, list[float]]:
    """Sign + render + attach, interleaved run by run with a bare xhtml2pdf render of
    the same certificate's HTML (`bare`), so that a busy machine slows both alike."""
    from certificates import face, services
    from courses.models import CourseCompletion

    [completion_id] = _completions(course, 1)
    certificate = services._certificate_reserve(
        completion=CourseCompletion.objects.get(pk=completion_id)
    )
    key = services.signing_key_active()
    # Warm-up: fonts, JSON-LD contexts, the key's decryption, template compilation.
    services.certificate_pdf(
        certificate,
        credential_json=services._json_text(
            services.certificate_credential(certificate, key=key)
        ),
    )
    design = services.certificate_design()
    html = face.render_html(
        design=design,
        context=face.certificate_context(certificate, design=design),
    )
    _bare_render(html)
    timings: dict[str, list[float]] = {
        "sign": [],
        "render": [],
        "total": [],
        "bare": [],
        "ratio": [],
        "cpu_ratio": [],
    }
    for _ in range(runs):
        cpu_started = time.process_time()
        started = time.perf_counter()
        _bare_render(html)
        bare = time.perf_counter() - started
        cpu_bare = time.process_time() - cpu_started
        cpu_started = time.process_time()
        started = time.perf_counter()
        credential = services._json_text(
            services.certificate_credential(certificate, key=key)
        )
        signed = time.perf_counter()
        services.certificate_pdf(certificate, credential_json=credential)
        done = time.perf_counter()
        cpu_total = time.process_time() - cpu_started
        timings["sign"].append(signed - started)
        timings["render"].append(done - signed)
        timings["total"].append(done - started)
        timings["bare"].append(bare)
        timings["ratio"].append((done - started) / bare)
        # CPU time of this process: what other processes on a shared machine do
        # moves it far less than the wall clock.
        timings["cpu_ratio"].append(cpu_total / cpu_bare)
    return timings


def time_parts(course, *, runs: int = 30) -> dict[str, list[float]]:
    """Where render + sign goes beyond the bare render: the QR code, the credential's
    canonicalisation and signature, the PDF/A pass that attaches the credential."""
    from certificates import face, services
    from certificates.pdf import render as pdf_render
    from courses.models import CourseCompletion

    [completion_id] = _completions(course, 1)
    certificate = services._certificate_reserve(
        completion=CourseCompletion.objects.get(pk=completion_id)
    )
    key = services.signing_key_active()
    design = services.certificate_design()
    context = face.certificate_context(certificate, design=design)
    pdf = face.render_certificate_pdf(design=design, context=context)
    credential = services._json_text(
        services.certificate_credential(certificate, key=key)
    ).encode()
    parts = {
        "QR code PNG": lambda: face.qr_png(context["verify_url"]),
        "credential (canonicalise + sign)": lambda: services.certificate_credential(
            certificate, key=key
        ),
        "context (incl. QR)": lambda: face.certificate_context(
            certificate, design=design
        ),
        "PDF/A + attachment": lambda: pdf_render.attach_file(
            pdf, name="credential.json", data=credential
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(runs):
        for name, call in parts.items():
            started = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - started)
    return timings


# ------------------------------------------------------------------------------
# 2. a batch by two workers
# ------------------------------------------------------------------------------


def _issue_in_child(completion_ids: list[int]) -> int:
    """Body of one worker process without Celery: issue each completion in turn."""
    import django

    django.setup()
    from certificates.services import certificate_issue
    from courses.models import CourseCompletion

    for completion in CourseCompletion.objects.filter(pk__in=completion_ids):
        certificate_issue(completion=completion)
    return len(completion_ids)


def _batch_with_processes(completion_ids: list[int]) -> float:
    from django.db import connections

    connections.close_all()  # children open their own
    halves = [completion_ids[i::WORKERS] for i in range(WORKERS)]
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(WORKERS) as pool:
        pool.map(_issue_in_child, halves)
    return time.perf_counter() - started


def _broker_url() -> str:
    return os.environ.get("ACADEMY_TEST_BROKER_URL") or os.environ.get(
        "CELERY_BROKER_URL", ""
    )


def _batch_with_celery(completion_ids: list[int], *, media_root: str) -> float:
    from django.db import connection

    from academy.celery import app
    from certificates.models import Certificate
    from certificates.tasks import certificate_issue

    broker = _broker_url()
    queue = f"bench-certificates-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}",
        "DJANGO_MEDIA_ROOT": media_root,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "academy.settings.dev"
        ),
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "academy",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"bench{n}-{queue}@%h",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(WORKERS)
    ]
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker, task_always_eager=False)
    try:
        time.sleep(5)  # both workers up and consuming
        started = time.perf_counter()
        for completion_id in completion_ids:
            certificate_issue.apply_async(args=[completion_id], queue=queue)
        issued = Certificate.objects.filter(
            completion_id__in=completion_ids, status=Certificate.Status.VALID
        )
        deadline = started + 3600
        while issued.count() < len(completion_ids):
            if time.perf_counter() > deadline:
                raise TimeoutError("the workers did not finish within an hour")
            if any(worker.poll() is not None for worker in workers):
                raise RuntimeError("a Celery worker exited during the batch")
            time.sleep(0.25)
        return time.perf_counter() - started
    finally:
        app.conf.update(previous)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)


# ------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------


def run(*, stdout: TextIO, runs: int = 30, batch: int = BATCH_SIZE) -> dict:
    from django.conf import settings
    from django.db import connection

    from certificates.models import Certificate

    course = _bench_course()
    stdout.write(
        f"Certificates: render + sign, per certificate (settings "
        f"{os.environ.get('DJANGO_SETTINGS_MODULE')}, DEBUG={settings.DEBUG}; "
        f"{os.cpu_count()} CPUs, load "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())})\n"
    )
    timings = time_render_and_sign(course, runs=runs)
    for what in ("sign", "render", "total", "bare"):
        values = timings[what]
        line = (
            f"  {what:<7} median {_seconds(statistics.median(values)):>9}"
            f"   p95 {_seconds(_p95(values)):>9}"
        )
        if what == "bare":
            line += "   (xhtml2pdf alone, same HTML and font, interleaved)"
        stdout.write(line + "\n")
    ratio = statistics.median(timings["ratio"])
    stdout.write(
        f"  render + sign / bare render: median {ratio:.2f} x "
        f"(target <= {RATIO_TARGET} x: {'met' if ratio <= RATIO_TARGET else 'NOT met'})\n"
    )
    cpu_ratio = statistics.median(timings["cpu_ratio"])
    stdout.write(
        f"  the same in this process's CPU time: median {cpu_ratio:.2f} x "
        f"(steadier than the wall clock when the machine is shared)\n"
    )
    for name, values in time_parts(course, runs=runs).items():
        stdout.write(
            f"    {name:<34} median {_seconds(statistics.median(values)):>9}\n"
        )

    if not batch:
        return {"render_sign": timings}
    completion_ids = _completions(course, batch)
    use_celery = bool(_broker_url()) and connection.vendor == "postgresql"
    mode = "2 Celery workers on Redis" if use_celery else "2 processes (no broker)"
    stdout.write(f"Certificates: a batch of {batch} issued by {mode}\n")
    if not use_celery and connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            stdout.write("  skipped: an in-memory SQLite database is not shared\n")
            return {"render_sign": timings}
    with tempfile.TemporaryDirectory() as media_root:
        if use_celery:
            elapsed = _batch_with_celery(completion_ids, media_root=media_root)
        else:
            settings.MEDIA_ROOT = media_root
            os.environ["DJANGO_MEDIA_ROOT"] = media_root
            elapsed = _batch_with_processes(completion_ids)
        issued = Certificate.objects.filter(completion_id__in=completion_ids)
        count = issued.count()
        numbers = issued.values_list("number", flat=True).distinct().count()
    stdout.write(
        f"  {count} certificates ({numbers} distinct numbers) in {_seconds(elapsed)}:"
        f" {count / elapsed:.1f} per second ({elapsed / count * 1000:.0f} ms each,"
        f" {WORKERS} workers)\n"
    )
    return {"render_sign": timings, "batch_seconds": elapsed, "batch": count}


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--batch", type=int, default=BATCH_SIZE, help="0: skip the batch"
    )
    options = parser.parse_args(argv)
    # Never DEBUG (as production): the test settings, like bench_hr.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "bench" not in str(connection.settings_dict["NAME"]):
        raise SystemExit(
            "Point DATABASE_URL at a benchmark database (its name must contain "
            "'bench'): the benchmark writes learners and certificates to it."
        )
    if connection.vendor == "postgresql":
        _ensure_postgres_database(connection.settings_dict)
    call_command("migrate", verbosity=0, interactive=False)
    run(stdout=sys.stdout, runs=options.runs, batch=options.batch)


def _ensure_postgres_database(settings_dict) -> None:
    import psycopg

    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings_dict["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')


if __name__ == "__main__":
    main()
