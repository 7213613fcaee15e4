"""An S3-compatible server for the tests: moto's standalone server, started on a free
port of 8750-8789 for the session that needs it, with the Academy's two buckets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

PORTS = range(8750, 8790)
PUBLIC_BUCKET = "academy-media-test"
PRIVATE_BUCKET = "academy-private-test"


def _worker_ports() -> range:
    """This xdist worker's share of PORTS, disjoint from every other worker's: two
    workers probing one port at once would both pick it, and the second would then
    talk to (and reset) the first one's server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker.removeprefix("gw") or 0)
    return PORTS[index % count :: count]


def _free_port() -> int:
    for port in _worker_ports():
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_worker_ports()} for the S3 test server")


class S3Server:
    def __init__(self) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1)
                time.sleep(0.3)  # still ours: it did not exit on a port taken meanwhile
                if self.process.poll() is not None:
                    raise RuntimeError("moto server exited: port taken meanwhile")
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("moto server exited") from None
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("moto server did not answer")

    def environ(self) -> dict[str, str]:
        """The ACADEMY_S3_* variables an operator would set for this server."""
        return {
            "ACADEMY_S3_ENDPOINT_URL": self.endpoint,
            "ACADEMY_S3_REGION": "us-east-1",
            "ACADEMY_S3_ACCESS_KEY_ID": "academy-test",
            "ACADEMY_S3_SECRET_ACCESS_KEY": "academy-test-secret",
            "ACADEMY_S3_ADDRESSING_STYLE": "path",
            "ACADEMY_S3_PUBLIC_BUCKET": PUBLIC_BUCKET,
            "ACADEMY_S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="academy-test",
            aws_secret_access_key="academy-test-secret",
        )

    def buckets_create(self) -> None:
        client = self.client()
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            client.create_bucket(Bucket=bucket)

    def reset(self) -> None:
        """Empty every bucket (moto's reset endpoint), then recreate the two."""
        request = urllib.request.Request(
            self.endpoint + "/moto-api/reset", method="POST"
        )
        urllib.request.urlopen(request, timeout=5)
        self.buckets_create()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def mirror(client, *, source: str, target: str) -> int:
    """Copy every object of one bucket into another (what `mc mirror` does)."""
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=source):
        for item in page.get("Contents", []):
            client.copy_object(
                Bucket=target,
                Key=item["Key"],
                CopySource={"Bucket": source, "Key": item["Key"]},
            )
            copied += 1
    return copied


def empty(client, *, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server for the session, with the Academy's two buckets."""
    server = S3Server()
    server.buckets_create()
    yield server
    server.stop()
