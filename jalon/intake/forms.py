from django import forms
from django.forms.models import model_to_dict
from dsfr.forms import DsfrBaseForm

from jalon.intake.enums import DeclaredObstacle
from jalon.intake.models import SocioProfessionalData
from jalon.intake.services import DSP_FIELDS


# Form-only choice: "the person declares no obstacle" (stored as an empty list), as opposed to no box
# checked at all (question not asked, stored as None).
NO_OBSTACLE = "aucun"


class NullBooleanRadioSelect(forms.RadioSelect):
    """Yes / no / not answered as radio buttons, with the values of `NullBooleanSelect`."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("true", "oui"), ("false", "non"), ("unknown", "non renseigné")])

    def format_value(self, value):
        return [{True: "true", False: "false", "true": "true", "false": "false"}.get(value, "unknown")]

    def value_from_datadict(self, data, files, name):
        return forms.NullBooleanSelect().value_from_datadict(data, files, name)


class DspForm(forms.ModelForm, DsfrBaseForm):
    has_vehicle = forms.NullBooleanField(
        label="La personne dispose-t-elle d'un véhicule ?",
        required=False,
        widget=NullBooleanRadioSelect,
        template_name="dsfr/form_field_snippets/radioselect_snippet.html",
    )
    declared_obstacles = forms.MultipleChoiceField(
        label="Freins déclarés",
        choices=[*DeclaredObstacle.choices, (NO_OBSTACLE, "aucun frein déclaré")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez « aucun frein déclaré » si la personne n'en déclare aucun ; "
        "ne cochez rien si la question n'a pas été abordée.",
    )

    class Meta:
        model = SocioProfessionalData
        fields = DSP_FIELDS
        labels = {
            "last_job": "Dernier emploi occupé",
            "last_job_rome_code": "Code ROME du dernier emploi",
            "last_job_end_date": "Date de fin du dernier emploi",
            "project": "Projet de la personne",
            "filled_by_person": "La personne a rempli ce questionnaire elle-même",
        }
        help_texts = {
            "last_job": "Par exemple : agent d'entretien, aide à domicile, ouvrier agricole.",
            "last_job_rome_code": "Une lettre et 4 chiffres, par exemple K2204 (nettoyage de locaux).",
            "project": "En quelques mots, ce que la personne souhaite faire.",
        }
        widgets = {
            "last_job_end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "project": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, dsp: SocioProfessionalData | None = None, **kwargs):
        # Never bound to the instance: the service compares the stored answers with the new ones.
        if dsp is not None:
            initial = model_to_dict(dsp, fields=DSP_FIELDS)
            obstacles = dsp.declared_obstacles
            initial["declared_obstacles"] = [NO_OBSTACLE] if obstacles == [] else obstacles or []
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name in ("professional_situation", "education_level", "driving_licence"):
            self.fields[name].choices = [("", "non renseigné"), *self.fields[name].choices[1:]]  # type: ignore[attr-defined]

    def clean_last_job_rome_code(self):
        return self.cleaned_data["last_job_rome_code"].strip().upper()

    def clean_declared_obstacles(self):
        codes = self.cleaned_data["declared_obstacles"]
        if not codes:
            return None
        if NO_OBSTACLE in codes:
            if len(codes) > 1:
                raise forms.ValidationError("« Aucun frein déclaré » ne peut pas être coché avec un frein.")
            return []
        return codes


class FluxUploadForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier du flux CAF ou MSA",
        help_text="Fichier XML « bénéficiaires RSA » (schéma vrsb0801), encodé en windows-1252 ou UTF-8.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xml"):
            raise forms.ValidationError("Le flux CAF/MSA est un fichier XML (extension .xml).")
        start = uploaded.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
        uploaded.seek(0)
        if not start.startswith(b"<"):
            raise forms.ValidationError("Ce fichier n'est pas un fichier XML : vérifiez qu'il s'agit bien du flux.")
        return uploaded
