from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, require_roles
from jalon.notebook.access import notebook_access, notes_visible_to
from jalon.notebook.team import services
from jalon.notebook.team.forms import ConsentForm, NoteForm, TeamMemberForm
from jalon.people.selectors import person_view_record


READERS = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.PARTNER)


def _forms(request, notebook, data=None, which=""):
    departement_id = notebook.person.departement_id
    return {
        # Prefixed: the three forms share the page, and two of them have a "structure" field.
        "member_form": TeamMemberForm(
            data if which == "member" else None, departement_id=departement_id, prefix="member"
        ),
        "consent_form": ConsentForm(
            data if which == "consent" else None, departement_id=departement_id, prefix="consent"
        ),
        "note_form": NoteForm(data if which == "note" else None, prefix="note"),
    }


@require_roles(*READERS)
def team(request, person_pk):
    """The team around the person, the consents to share, and the notes the actor may read."""
    actor = request.actor
    access = notebook_access(actor=actor, person_pk=person_pk)
    notebook = access.notebook
    which = request.POST.get("form", "") if request.method == "POST" else ""
    forms = _forms(request, notebook, request.POST, which)
    if request.method == "POST":
        if not access.can_write or (which != "note" and access.through_consent):
            raise Http404(NOT_FOUND_MESSAGE)  # a partner under consent may write notes, not manage the team
        form = forms.get(f"{which}_form")
        if form is None:
            raise Http404(NOT_FOUND_MESSAGE)
        if form.is_valid():
            try:
                if which == "member":
                    services.team_member_add(actor=actor, notebook=notebook, **form.cleaned_data)
                    done = "Le professionnel rejoint l'équipe."
                elif which == "consent":
                    services.consent_record(actor=actor, notebook=notebook, **form.cleaned_data)
                    done = "L'accord de la personne est enregistré."
                else:
                    services.note_add(actor=actor, notebook=notebook, **form.cleaned_data)
                    done = "La note est enregistrée."
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("notebook:team", person_pk=person_pk)
    person_view_record(actor=actor, person=notebook.person, screen="équipe et notes du carnet")
    return render(
        request,
        "notebook/team/team.html",
        {
            "notebook": notebook,
            "person": notebook.person,
            "access": access,
            "members": notebook.team.select_related("user", "organisation").order_by("ended_on", "started_on"),
            "consents": notebook.consents.select_related("organisation", "recorded_by"),
            "notes": notes_visible_to(actor=actor, notebook=notebook).select_related("author", "organisation"),
            **forms,
        },
    )


@require_roles(Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)
@require_POST
def consent_revoke(request, person_pk, pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    if access.through_consent:
        raise Http404(NOT_FOUND_MESSAGE)
    consent = get_visible_or_404(access.notebook.consents.all(), pk=pk)
    try:
        services.consent_revoke(actor=request.actor, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le partage avec {consent.organisation} est retiré.")
    return redirect("notebook:team", person_pk=person_pk)


@require_roles(Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)
@require_POST
def member_end(request, person_pk, pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    if access.through_consent:
        raise Http404(NOT_FOUND_MESSAGE)
    member = get_visible_or_404(access.notebook.team.all(), pk=pk)
    try:
        services.team_member_end(actor=request.actor, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.user.get_full_name()} ne fait plus partie de l'équipe.")
    return redirect("notebook:team", person_pk=person_pk)
