from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jalon.core.scoping import require_roles
from jalon.messaging import selectors
from jalon.messaging.letters import letter_pdf
from jalon.messaging.selectors import MESSAGE_READER_ROLES


@require_roles(*MESSAGE_READER_ROLES)
def person_messages(request, person_pk):
    person, messages = selectors.person_messages_open(actor=request.actor, person_pk=person_pk)
    page = Paginator(messages, 20).get_page(request.GET.get("page"))
    return render(request, "messaging/person_messages.html", {"person": person, "page_obj": page})


@never_cache
@require_roles(*MESSAGE_READER_ROLES)
def letter_download(request, pk):
    message = selectors.letter_open(actor=request.actor, pk=pk)
    response = HttpResponse(letter_pdf(message), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="courrier-{message.pk}.pdf"'
    return response
