"""A real S3-compatible server for tests: moto's ``moto_server`` on 127.0.0.1.

Started as its own process on a free port (nothing is mocked inside the test
process), so boto3 and django-storages talk HTTP to it as they would to a bucket
in production. Used by ``lib/tests/test_storage_s3.py`` and ``tests/test_multinode.py``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .testing import stop_process

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"  # noqa: S105  (moto accepts any key)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str

    @property
    def storage_url(self) -> str:
        return f"s3://{self.bucket}?endpoint_url={self.endpoint}&region_name=eu-north-1"

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="eu-north-1",
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@contextmanager
def s3_server(bucket: str = "lederutvikling-test") -> Iterator[S3Server]:
    """Run ``moto_server`` until the block ends, with ``bucket`` created."""
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if executable is None:
        raise RuntimeError("moto_server is missing: install requirements/test.txt")
    port = free_port()
    process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(port)],  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        server = S3Server(endpoint=endpoint, bucket=bucket)
        server.client().create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
        yield server
    finally:
        stop_process(process)
