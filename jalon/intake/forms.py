from django import forms
from django.forms.models import model_to_dict
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from jalon.core.forms import ModelChoiceField
from jalon.intake.enums import DeclaredObstacle, SpreadsheetDateFormat, SpreadsheetField
from jalon.intake.enums import SpreadsheetField as F
from jalon.intake.models import ImportProfile, SocioProfessionalData
from jalon.intake.services import DSP_FIELDS
from jalon.people.enums import Organisme


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
    other_departement = forms.BooleanField(
        label="Importer un flux adressé à un autre Département",
        required=False,
        help_text="Un flux dont les foyers sont adressés à un autre Département (IDEPARTE) est refusé : ne cochez "
        "que si ce fichier doit vraiment être importé ici.",
    )

    def __init__(self, *args, other_departement_choice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the Département's administrator may override the check (see services.caf_flux_upload).
        if not other_departement_choice:
            del self.fields["other_departement"]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xml"):
            raise forms.ValidationError("Le flux CAF/MSA est un fichier XML (extension .xml).")
        start = uploaded.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
        uploaded.seek(0)
        if not start.startswith(b"<"):
            raise forms.ValidationError("Ce fichier n'est pas un fichier XML : vérifiez qu'il s'agit bien du flux.")
        return uploaded


BIRTH_DATE_OR_IDENTIFIER = (
    "Choisissez la colonne de la date de naissance ; une liste sans date de naissance doit donner le n° CAF/MSA, "
    "le NIR ou l'identifiant départemental."
)
SPREADSHEET_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
SPREADSHEET_MAX_SIZE = 20 * 1024 * 1024


class SpreadsheetUploadForm(DsfrBaseForm):
    file = forms.FileField(
        label="Fichier de bénéficiaires",
        help_text="Tableur CSV, XLSX, XLS ou ODS de 20 Mo au plus, dont la première ligne donne le nom de chaque "
        "colonne. Seule la première feuille d'un classeur est lue.",
    )
    profile = ModelChoiceField(
        label="Profil d'import",
        queryset=ImportProfile.objects.none(),
        required=False,
        empty_label="aucun : proposer les colonnes d'après leur nom",
        help_text="Une correspondance des colonnes déjà enregistrée par votre structure.",
    )

    def __init__(self, *args, profiles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles if profiles is not None else ImportProfile.objects.none()  # type: ignore[attr-defined]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(SPREADSHEET_EXTENSIONS):
            raise forms.ValidationError("Choisissez un tableur : fichier CSV, XLSX, XLS ou ODS.")
        if uploaded.size > SPREADSHEET_MAX_SIZE:
            raise forms.ValidationError("Le fichier dépasse 20 Mo : découpez-le en plusieurs fichiers.")
        return uploaded


class SpreadsheetMappingForm(DsfrBaseForm):
    """One select per target field listing the file's columns, the date format, the default organisme, and
    the name under which to save the mapping as a profile."""

    GROUPS = (
        (
            "Identité",
            (F.LAST_NAME, F.BIRTH_NAME, F.FIRST_NAME, F.BIRTH_DATE, F.CIVILITY),
        ),
        (
            "Identifiants et foyer",
            (F.NIR, F.INTERNAL_ID, F.MATRICULE, F.ORGANISME, F.ROLE, F.FRANCE_TRAVAIL_ID),
        ),
        ("Coordonnées", (F.PHONE, F.EMAIL, F.ADDRESS, F.POSTAL_CODE, F.CITY)),
    )

    date_format = forms.ChoiceField(
        label="Format des dates",
        choices=SpreadsheetDateFormat.choices,
        help_text="Pour les dates écrites comme du texte (fichiers CSV) ; les cellules de type date d'un classeur "
        "sont lues telles quelles.",
    )
    default_organisme = forms.ChoiceField(
        label="Organisme par défaut",
        choices=Organisme.choices,
        help_text="L'organisme des n° CAF/MSA des lignes où aucune colonne ne le précise.",
    )
    profile_name = forms.CharField(
        label="Enregistrer comme profil",
        required=False,
        max_length=100,
        help_text="Donnez un nom pour retrouver cette correspondance aux prochains imports, par exemple "
        "« Export IODAS ». Un profil de votre structure portant ce nom est remplacé.",
    )

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "aucune colonne"), *((header, header) for header in headers)]
        required = SpreadsheetField.required()
        columns: dict[str, forms.Field] = {}
        for target in SpreadsheetField:
            columns[self.column_name(target)] = forms.ChoiceField(
                label=target.label[0].upper() + target.label[1:],
                choices=choices,
                required=target in required,
                error_messages={"required": "Choisissez la colonne qui contient ce champ."},
                help_text=(
                    "Facultative si la liste donne le n° CAF/MSA, le NIR ou l'identifiant départemental : une "
                    "ligne sans date de naissance ne fait que compléter une personne déjà connue."
                    if target == SpreadsheetField.BIRTH_DATE
                    else ""
                ),
            )
        self.fields.update(columns)
        self.order_fields(list(columns))  # the columns first, then the options
        for name in columns:
            dsfr_input_class_attr(self[name])  # what DsfrBaseForm does to the fields declared on the class

    @staticmethod
    def column_name(target: str) -> str:
        return f"column_{target}"

    @classmethod
    def initial_for(cls, *, headers: list[str], mapping: dict, date_format: str, organisme: str) -> dict:
        """Initial values from a mapping (a profile's, a guessed one), without the columns this file lacks."""
        initial = {
            cls.column_name(target): header
            for target, header in mapping.items()
            if target in SpreadsheetField.values and header in headers
        }
        return {**initial, "date_format": date_format, "default_organisme": organisme}

    def groups(self):
        """(title, bound fields) for each group of target fields, for the template."""
        return [(title, [self[self.column_name(target)] for target in targets]) for title, targets in self.GROUPS]

    def clean(self):
        cleaned = super().clean()
        chosen: dict[str, str] = {}
        for target in SpreadsheetField:
            name = self.column_name(target)
            header = cleaned.get(name)
            if not header:
                continue
            if header in chosen:
                self.add_error(name, f"Cette colonne est déjà choisie pour le champ « {chosen[header]} ».")
            else:
                chosen[header] = target.label
        if not cleaned.get(self.column_name(F.BIRTH_DATE)) and not any(
            cleaned.get(self.column_name(target)) for target in SpreadsheetField.identifiers()
        ):
            self.add_error(self.column_name(F.BIRTH_DATE), BIRTH_DATE_OR_IDENTIFIER)
        return cleaned

    @property
    def mapping(self) -> dict[str, str]:
        return {
            target.value: self.cleaned_data[self.column_name(target)]
            for target in SpreadsheetField
            if self.cleaned_data.get(self.column_name(target))
        }

    @property
    def options(self) -> dict:
        """What the preview and the import take: mapping, date format, default organisme."""
        return {
            "mapping": self.mapping,
            "date_format": self.cleaned_data["date_format"],
            "organisme": self.cleaned_data["default_organisme"],
        }
