"""The board pack over the API: GET returns the PDF (application/pdf).

Made in the request, so it is bounded twice: the pack's contents are (contents.py: the
same few queries and pages at 150 people and at 20,000), and a server process makes one
pack at a time; a second request meanwhile gets 429 with Retry-After instead of taking
another thread for seconds. The web page queues the pack for the worker instead."""

from __future__ import annotations

import threading

from django.http import HttpResponse
from ninja import Query, Router

from hoshin.boardpack import services
from hoshin.core.api import ERRORS

router = Router(tags=["board pack"])

_one_at_a_time = threading.Lock()
RETRY_AFTER_SECONDS = 5

PDF = {200: {"description": "The board pack as a PDF file (A4 landscape).",
             "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
       429: {"description": "This server is making another board pack; retry after the "
                            "seconds in Retry-After."}}


@router.get("/board-pack", response={**ERRORS}, openapi_extra={"responses": PDF},
            summary="The board pack of a quarter as a PDF (admins, the strategy office and "
                    "unit leads)")
def get_board_pack(request, cycle: str = Query(None, description="The quarter's id, e.g. "
                                                                "2026-Q4; the running quarter "
                                                                "by default.")):
    from hoshin.org.permissions import require

    # Refuse who may not before waiting for anyone (the service checks again).
    require(services.can_make_board_pack(request.auth), "make the board pack")
    if not _one_at_a_time.acquire(blocking=False):
        response = HttpResponse(b'{"detail": "another board pack is being made; retry '
                                b'shortly", "errors": []}', status=429,
                                content_type="application/json")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    try:
        rendered = services.make_board_pack(request.auth, cycle, where=" (API)")
    finally:
        _one_at_a_time.release()
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
