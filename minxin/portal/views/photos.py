"""Photos of a request, served only to those who may see the request: the citizen whose
session holds its proof (tracking grant or verified phone), or staff whose scope includes
it. Nothing under MEDIA_ROOT is served statically, in any mode; files have random names."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from minxin.core.errors import DomainError
from minxin.portal import session
from minxin.tickets import selectors
from minxin.tickets.models import Photo


def _may_see(request: HttpRequest, photo: Photo) -> bool:
    user = request.user
    if user.is_authenticated:
        return selectors.tickets_visible_to(user).filter(pk=photo.ticket_id).exists()
    try:
        ticket, _ = session.tracked_ticket(request, photo.ticket.tracking_code)
    except (session.NoGrant, DomainError):
        return False
    return ticket.pk == photo.ticket_id


@never_cache
@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    found = Photo.objects.select_related("ticket").filter(pk=photo_id).first()
    # One answer for "no such photo" and "not yours": existence is not disclosed.
    if found is None or not _may_see(request, found):
        raise Http404
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    return response
