"""A slow document for the killed-worker test (loaded with ``worker --include``).

Its first build takes ``params["seconds"]``, reporting progress every half second,
long enough for the test to kill the worker mid-build; a later attempt is quick.
Every start is written to ``params["marker"]`` as "<document id> <attempt>".
"""

from __future__ import annotations

import time
from pathlib import Path

from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.models import GeneratedDocument
from lib.pdf import render_pdf

KIND = "test.slow_document"


def _build(document: GeneratedDocument, progress) -> BuiltFile:
    with Path(document.params["marker"]).open("a") as handle:
        handle.write(f"{document.pk} {document.attempts}\n")
    if document.attempts == 1:
        steps = int(float(document.params.get("seconds", 3)) * 2)
        for step in range(steps):
            progress(int(100 * step / steps))
            time.sleep(0.5)
    pdf = render_pdf(template="lib/pdf/base.html", language=document.language,
                     context={"title": document.title, "body": "Møtereferat frå Ørsta"})
    return BuiltFile(content=pdf, filename="notat.pdf")


register_builder(DocumentBuilder(kind=KIND, build=_build,
                                 may_view=lambda user, document: True))
