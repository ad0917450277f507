"""The person's own space. These views are open without a professional login (`login_not_required`): the person
proves who they are with a one-time code, and their id lives in the session apart from Django's users. A
professional's session is refused here, and the person's session opens none of the professionals' pages."""

import time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from jalon.core.forms import add_service_errors
from jalon.notebook.person_space import services
from jalon.notebook.person_space.forms import CodeForm, CommentForm, ContactForm, PersonContactForm, ProjectForm
from jalon.notebook.person_space.panels import person_space_panels
from jalon.notebook.person_space.pdf import person_space_pdf
from jalon.notebook.person_space.selectors import logged_in_person, person_space
from jalon.notebook.person_space.texts import DUTIES, RIGHTS, RIGHTS_AND_DUTIES_TITLE, SANCTION_NOTICE


PENDING_KEY = "person_space_pending"
REQUESTS_KEY = "person_space_requests"
FAILURES_KEY = "person_space_failures"
NEUTRAL_ANSWER = (
    "Si cette adresse ou ce numéro est connu du Département pour un carnet de bord, un code à 6 chiffres vient "
    "d'y être envoyé. Il est valable 10 minutes."
)


def _refuse_professionals(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return render(request, "notebook/person_space/professional.html", status=403)
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


def person_required(view):
    """The person logged in through a code, else back to the code request page."""

    @wraps(view)
    # The person's own data, often read on a shared computer: never kept by the browser.
    @cache_control(no_store=True, private=True)
    def wrapper(request, *args, **kwargs):
        person = logged_in_person(request.session.get(services.PERSON_SESSION_KEY))
        if person is None:
            request.session.pop(services.PERSON_SESSION_KEY, None)
            return redirect("person_space:login")
        request.person = person
        return view(request, *args, **kwargs)

    return _refuse_professionals(wrapper)


def _recent_requests(request) -> list[float]:
    hour_ago = time.time() - 3600
    return [moment for moment in request.session.get(REQUESTS_KEY, []) if moment > hour_ago]


@_refuse_professionals
@require_http_methods(["GET", "POST"])
def login(request):
    if logged_in_person(request.session.get(services.PERSON_SESSION_KEY)):
        return redirect("person_space:home")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recent = _recent_requests(request)
        # Counted per browser whatever was typed, so that the limit itself reveals nothing; the per-person limit
        # in the service stops the same person being flooded from several browsers.
        if len(recent) >= services.MAX_CODES_PER_HOUR:
            form.add_error(None, services.TOO_MANY_REQUESTS)
        else:
            pending = services.access_code_request(contact=form.cleaned_data["contact"])
            request.session[REQUESTS_KEY] = [*recent, time.time()]
            request.session[PENDING_KEY] = pending
            request.session[FAILURES_KEY] = 0
            messages.info(request, NEUTRAL_ANSWER)
            return redirect("person_space:verify")
    return render(request, "notebook/person_space/login.html", {"form": form})


@_refuse_professionals
@require_http_methods(["GET", "POST"])
def verify(request):
    if PENDING_KEY not in request.session:
        return redirect("person_space:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        failures = request.session.get(FAILURES_KEY, 0)
        if failures >= services.MAX_ATTEMPTS:
            form.add_error("code", services.TOO_MANY_ATTEMPTS)
        else:
            try:
                person = services.access_code_verify(
                    person_ids=request.session[PENDING_KEY], code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                request.session[FAILURES_KEY] = failures + 1
                add_service_errors(form, error)
            else:
                # A new session key at login: a key seen before the code was typed is worth nothing after.
                request.session.cycle_key()
                for key in (PENDING_KEY, FAILURES_KEY):
                    request.session.pop(key, None)
                request.session[services.PERSON_SESSION_KEY] = person.pk
                return redirect("person_space:home")
    return render(request, "notebook/person_space/verify.html", {"form": form})


@_refuse_professionals
@require_POST
def logout(request):
    person_id = request.session.get(services.PERSON_SESSION_KEY)
    if person_id:
        services.person_logout_record(person_id=person_id)
    request.session.flush()
    messages.info(request, "Vous êtes déconnecté de votre carnet de bord.")
    return redirect("person_space:login")


def _home_context(person, **forms):
    context = {
        "space": person_space(person=person),
        "rights": RIGHTS,
        "duties": DUTIES,
        "rights_title": RIGHTS_AND_DUTIES_TITLE,
        "sanction_notice": SANCTION_NOTICE,
        "comment_form": CommentForm(),
        "panels": person_space_panels.each(person=person),
    }
    context.update(forms)
    return context


@person_required
@require_http_methods(["GET", "POST"])
def home(request):
    person = request.person
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_comment_add(person=person, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Votre message a été ajouté à votre carnet. Votre référent le lira.")
            return redirect("person_space:home")
    services.person_view_record(person_id=person.pk, screen="accueil")
    return render(request, "notebook/person_space/home.html", _home_context(person, comment_form=form))


@person_required
@require_http_methods(["GET", "POST"])
def contact(request):
    person = request.person
    form = PersonContactForm(request.POST or None, initial={"phone": person.phone, "email": person.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_contact_update(person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Vos coordonnées ont été mises à jour.")
            return redirect("person_space:home")
    services.person_view_record(person_id=person.pk, screen="coordonnées")
    return render(request, "notebook/person_space/contact.html", {"form": form})


@person_required
@require_http_methods(["GET", "POST"])
def project(request):
    person = request.person
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_project_wishes_add(person=person, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Votre projet a été ajouté à votre carnet. Votre référent en parlera avec vous.")
            return redirect("person_space:home")
    services.person_view_record(person_id=person.pk, screen="projet")
    return render(request, "notebook/person_space/project.html", {"form": form})


@person_required
def pdf(request):
    person = request.person
    content = person_space_pdf(person_space(person=person, with_details=True))
    services.person_pdf_record(person_id=person.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="mon-carnet-de-bord.pdf"'
    return response
