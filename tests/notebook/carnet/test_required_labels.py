"""A field the carnet's service refuses empty is not shown « (Optionnel) »; a truly optional one still is."""

from jalon.notebook.carnet.forms import ProjectForm
from tests.labels import is_marked_optional


def test_the_project_form_does_not_call_the_job_or_its_title_optional():
    form = ProjectForm()
    # The service asks for the job or, failing one, the project's title (« Indiquez le métier visé ou l'intitulé »).
    assert not is_marked_optional(form, "job")
    assert not is_marked_optional(form, "title")
    assert is_marked_optional(form, "strengths")


def test_an_empty_project_form_still_reaches_the_service_which_says_what_is_missing():
    form = ProjectForm(data={"version": 1, "job": "", "title": "", "working_time": "indifferent"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["job"] == "" and form.cleaned_data["title"] == ""
