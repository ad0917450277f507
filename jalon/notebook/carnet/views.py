from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from jalon.core.enums import Role
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404, require_roles
from jalon.notebook.access import notebook_access
from jalon.notebook.carnet import selectors, services
from jalon.notebook.carnet.forms import ActionForm, FreinsForm, ObjectiveForm, ProjectForm, TimelineFilterForm
from jalon.notebook.models import Action, Objective, ProfessionalProject
from jalon.notebook.selectors import rome_appellation_search
from jalon.people.selectors import person_view_record


READER_ROLES = (
    Role.REFERENT,
    Role.ORIENTATION_OFFICER,
    Role.ADMINISTRATOR,
    Role.TERRITORY_MANAGER,
    Role.PARTNER,
)
SCREEN = "carnet de bord"


def _writable(request, person_pk):
    """The carnet for a write screen: reached like a read, refused (404) to actors who may only read."""
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    if not access.can_write:
        raise Http404(NOT_FOUND_MESSAGE)
    return access


def _to_detail(notebook, anchor: str = ""):
    response = redirect("notebook:detail", person_pk=notebook.person_id)
    response["Location"] += anchor
    return response


@require_roles(*READER_ROLES)
def detail(request, person_pk):
    access = services.notebook_reach(actor=request.actor, person_pk=person_pk)
    page = selectors.carnet_page(access=access)
    person_view_record(actor=request.actor, person=access.notebook.person, screen=SCREEN)
    return render(request, "notebook/carnet/detail.html", {"page": page, "person": access.notebook.person})


@require_roles(*READER_ROLES)
def freins_edit(request, person_pk):
    access = _writable(request, person_pk)
    notebook = access.notebook
    form = FreinsForm(
        request.POST or None, rows=selectors.freins_rows(notebook=notebook), initial={"version": notebook.version}
    )
    written = submitted_write(
        request,
        form,
        lambda data: services.notebook_freins_update(
            actor=request.actor, notebook=notebook, version=data["version"], rows=form.service_rows()
        ),
    )
    if written:
        changed = written.result
        messages.success(request, f"Situation enregistrée ({changed} frein{'s' if changed > 1 else ''} modifié).")
        return _to_detail(notebook, "#situation")
    person_view_record(actor=request.actor, person=notebook.person, screen=f"{SCREEN} : situation et freins")
    return render(request, "notebook/carnet/freins_form.html", {"form": form, "person": notebook.person})


@require_roles(*READER_ROLES)
def project_edit(request, person_pk, pk=None):
    access = _writable(request, person_pk)
    notebook = access.notebook
    project = get_visible_or_404(ProfessionalProject.objects.filter(notebook=notebook), pk=pk) if pk else None
    initial = ProjectForm.initial_from(project) if project else {}
    form = ProjectForm(request.POST or None, initial={**initial, "version": notebook.version})
    if project is None:
        write = partial(services.project_create, actor=request.actor, notebook=notebook)
    else:
        write = partial(services.project_update, actor=request.actor, project=project)
    if submitted_write(request, form, lambda data: write(version=data["version"], **form.service_fields())):
        messages.success(request, "Le projet professionnel est enregistré.")
        return _to_detail(notebook, "#projets")
    person_view_record(actor=request.actor, person=notebook.person, screen=f"{SCREEN} : projet professionnel")
    return render(
        request, "notebook/carnet/project_form.html", {"form": form, "person": notebook.person, "project": project}
    )


@require_roles(*READER_ROLES)
def rome_search(request, person_pk):
    # The carnet must be reachable: the endpoint does not reveal people, but stays behind the same door.
    notebook_access(actor=request.actor, person_pk=person_pk)
    results = rome_appellation_search(query=request.GET.get("job", ""))
    return render(request, "notebook/carnet/_rome_options.html", {"results": results})


@require_roles(*READER_ROLES)
def objective_edit(request, person_pk, pk=None):
    access = _writable(request, person_pk)
    notebook = access.notebook
    objective = get_visible_or_404(Objective.objects.filter(notebook=notebook), pk=pk) if pk else None
    initial = {"version": notebook.version}
    if objective is not None:
        initial |= {
            "title": objective.title,
            "link": ObjectiveForm.link_of(objective),
            "status": objective.status,
            "starts_on": objective.starts_on,
            "due_on": objective.due_on,
            "done_on": objective.done_on,
            "carried_by": objective.carried_by_id,
        }
    else:
        initial["carried_by"] = request.actor.user.pk
    form = ObjectiveForm(request.POST or None, actor=request.actor, notebook=notebook, initial=initial)
    if objective is None:
        write = partial(services.objective_create, actor=request.actor, notebook=notebook)
    else:
        write = partial(services.objective_update, actor=request.actor, objective=objective)
    if submitted_write(request, form, lambda data: write(version=data["version"], **form.service_fields())):
        messages.success(request, "L'objectif est enregistré.")
        return redirect("notebook:objectives", person_pk=notebook.person_id)
    person_view_record(actor=request.actor, person=notebook.person, screen=f"{SCREEN} : objectif")
    return render(
        request,
        "notebook/carnet/objective_form.html",
        {"form": form, "person": notebook.person, "objective": objective},
    )


@require_roles(*READER_ROLES)
def action_edit(request, person_pk, objective_pk, pk=None):
    access = _writable(request, person_pk)
    notebook = access.notebook
    objective = get_visible_or_404(Objective.objects.filter(notebook=notebook), pk=objective_pk)
    action = get_visible_or_404(Action.objects.filter(objective=objective), pk=pk) if pk else None
    initial = {"version": notebook.version}
    if action is not None:
        initial |= {
            "title": action.title,
            "status": action.status,
            "starts_on": action.starts_on,
            "due_on": action.due_on,
            "done_on": action.done_on,
            "carried_by": action.carried_by_id,
            "carried_by_person": action.carried_by_person,
        }
    else:
        initial["carried_by"] = request.actor.user.pk
    form = ActionForm(request.POST or None, actor=request.actor, notebook=notebook, initial=initial)
    if action is None:
        write = partial(services.action_create, actor=request.actor, objective=objective)
    else:
        write = partial(services.action_update, actor=request.actor, action=action)
    if submitted_write(request, form, lambda data: write(version=data["version"], **form.service_fields())):
        messages.success(request, "L'action est enregistrée.")
        return redirect("notebook:objectives", person_pk=notebook.person_id)
    person_view_record(actor=request.actor, person=notebook.person, screen=f"{SCREEN} : action")
    return render(
        request,
        "notebook/carnet/action_form.html",
        {"form": form, "person": notebook.person, "objective": objective, "action": action},
    )


@require_roles(*READER_ROLES)
def objectives(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    notebook = access.notebook
    items = selectors.objectives_overview(notebook=notebook)
    person_view_record(actor=request.actor, person=notebook.person, screen=f"{SCREEN} : objectifs")
    return render(
        request,
        "notebook/carnet/objectives.html",
        {"objectives": items, "person": notebook.person, "access": access},
    )


@require_roles(*READER_ROLES)
def timeline(request, person_pk):
    access = notebook_access(actor=request.actor, person_pk=person_pk)
    notebook = access.notebook
    form = TimelineFilterForm(request.GET or None)
    kinds = form.cleaned_data.get("kind") if form.is_valid() else None
    events = selectors.notebook_timeline(actor=request.actor, notebook=notebook, kinds=kinds or None)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    person_view_record(actor=request.actor, person=notebook.person, screen=f"{SCREEN} : chronologie")
    return render(
        request,
        "notebook/carnet/timeline.html",
        {"form": form, "page_obj": page, "person": notebook.person, "access": access},
    )
