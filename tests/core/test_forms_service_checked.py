"""A field the service requires shows as required, yet an empty one reaches the service, which says what is missing
in its own words (the same as for the API)."""

from django import forms

from jalon.core.forms import ServiceCheckedForm


class _Form(ServiceCheckedForm):
    service_required = ("reason",)
    reason = forms.CharField(label="Motif", required=False)
    note = forms.CharField(label="Note", required=False)


def test_the_field_the_service_requires_is_not_marked_optional():
    html = " ".join(str(_Form()).split())
    assert "Motif (Optionnel)" not in html and "Note (Optionnel)" in html
    assert " required" not in html  # the browser does not stop the form: the service answers


def test_an_empty_required_field_reaches_the_service():
    form = _Form(data={"reason": "", "note": ""})
    assert form.is_valid() and form.cleaned_data == {"reason": "", "note": ""}
    assert form.fields["reason"].required  # still shown as required afterwards


def test_an_empty_choice_among_rows_reads_a_dash_not_djangos_dashes():
    from jalon.core.forms import ModelChoiceField
    from jalon.territories.models import Departement

    class _Choose(forms.Form):
        departement = ModelChoiceField(queryset=Departement.objects.none(), required=False)

    assert list(_Choose().fields["departement"].choices) == [("", "—")]
