from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField, ServiceCheckedForm
from jalon.notebook.carnet import selectors
from jalon.notebook.enums import ContractWanted, FreinNature, FreinStatus, WorkingTime, WorkStatus
from jalon.notebook.models import FreinCategory, NotebookFrein


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(DsfrBaseForm):
    """Every write form carries the carnet version it was loaded with (optimistic versioning)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class FreinsForm(VersionedForm):
    """One block of fields per active entry of the référentiel, named `<field>_<category pk>`."""

    def __init__(self, *args, rows: list[tuple[FreinCategory, NotebookFrein | None]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for category, frein in rows:
            suffix = f"_{category.pk}"
            self.fields["status" + suffix] = forms.ChoiceField(
                label="Statut",
                choices=FreinStatus.choices,
                initial=frein.status if frein else FreinStatus.NOT_EXPLORED,
            )
            self.fields["nature" + suffix] = forms.ChoiceField(
                label="Nature",
                choices=[("", "—"), *FreinNature.choices],
                required=False,
                initial=frein.nature if frein else "",
            )
            self.fields["identified_on" + suffix] = forms.DateField(
                label="Repéré le", required=False, widget=DATE, initial=frein.identified_on if frein else None
            )
            self.fields["resolved_on" + suffix] = forms.DateField(
                label="Levé le", required=False, widget=DATE, initial=frein.resolved_on if frein else None
            )
            self.fields["comment" + suffix] = forms.CharField(
                label="Précisions",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=frein.comment if frein else "",
            )

    def blocks(self):
        """(category, bound fields) per entry, for the template."""
        for category, _ in self.rows:
            suffix = f"_{category.pk}"
            names = ("status", "nature", "identified_on", "resolved_on", "comment")
            yield category, [self[name + suffix] for name in names]

    def clean(self):
        cleaned = super().clean()
        for category, _ in self.rows:
            identified = cleaned.get(f"identified_on_{category.pk}")
            resolved = cleaned.get(f"resolved_on_{category.pk}")
            if identified and resolved and resolved < identified:
                self.add_error(
                    f"resolved_on_{category.pk}",
                    f"{category.label} : la date de levée ne peut pas précéder la date de repérage.",
                )
        return cleaned

    def service_rows(self) -> list[dict]:
        names = ("status", "nature", "identified_on", "resolved_on", "comment")
        return [
            {"category": category.pk, **{name: self.cleaned_data.get(f"{name}_{category.pk}") for name in names}}
            for category, _ in self.rows
        ]


class ProjectForm(ServiceCheckedForm, VersionedForm):
    # The service asks for one of the two (the job or, failing one in the ROME, a title): neither is optional.
    service_required = ("job", "title")
    job = forms.CharField(
        label="Métier visé",
        help_text="Tapez le métier et choisissez-le dans la liste, ou saisissez son code OGR ou ROME (ex. J1501).",
        required=False,
        max_length=255,
    )
    title = forms.CharField(
        label="Intitulé du projet",
        help_text="À défaut de métier du ROME, l'intitulé suffit : l'un des deux est demandé.",
        required=False,
        max_length=255,
    )
    contract_types = forms.MultipleChoiceField(
        label="Types de contrat recherchés",
        choices=ContractWanted.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    working_time = forms.ChoiceField(label="Temps de travail", choices=WorkingTime.choices, initial=WorkingTime.ANY)
    mobility_km = forms.IntegerField(label="Mobilité (km)", required=False, min_value=0, max_value=1000)
    expected_monthly_wage = forms.IntegerField(
        label="Salaire attendu (€ net par mois)", required=False, min_value=0, max_value=100000
    )
    strengths = forms.CharField(
        label="Atouts et compétences", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_main = forms.BooleanField(label="Projet principal", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].widget.attrs.update({"list": "rome-suggestions", "autocomplete": "off"})

    @staticmethod
    def initial_from(project) -> dict:
        job = project.appellation_id or project.rome_id or ""
        return {
            "job": job,
            "title": project.title,
            "contract_types": project.contract_types,
            "working_time": project.working_time,
            "mobility_km": project.mobility_km,
            "expected_monthly_wage": project.expected_monthly_wage,
            "strengths": project.strengths,
            "is_main": project.is_main,
        }

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class WorkForm(VersionedForm):
    """Shared by objectives and actions."""

    title = forms.CharField(label="Intitulé", max_length=255)
    status = forms.ChoiceField(label="Statut", choices=WorkStatus.choices, initial=WorkStatus.PLANNED)
    starts_on = forms.DateField(label="Début", required=False, widget=DATE)
    due_on = forms.DateField(label="Échéance", required=False, widget=DATE)
    done_on = forms.DateField(label="Réalisé le", required=False, widget=DATE)
    carried_by: forms.ModelChoiceField = ModelChoiceField(label="Porté par", queryset=None, required=False)

    def __init__(self, *args, actor, notebook, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carried_by"].queryset = selectors.carriers_for(actor=actor, notebook=notebook)
        self.fields["carried_by"].label_from_instance = lambda user: user.get_full_name() or user.email

    def clean(self):
        cleaned = super().clean()
        starts_on, due_on, done_on = cleaned.get("starts_on"), cleaned.get("due_on"), cleaned.get("done_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", "L'échéance ne peut pas précéder la date de début.")
        if starts_on and done_on and done_on < starts_on:
            self.add_error("done_on", "La date de réalisation ne peut pas précéder la date de début.")
        return cleaned

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("version", "link")}


class ObjectiveForm(WorkForm):
    link = forms.ChoiceField(label="Rattaché à", help_text="Un frein repéré ou un projet professionnel.")

    field_order = ["title", "link", "status", "starts_on", "due_on", "done_on", "carried_by"]

    def __init__(self, *args, actor, notebook, **kwargs):
        super().__init__(*args, actor=actor, notebook=notebook, **kwargs)
        self.freins = {
            str(frein.pk): frein
            for frein in NotebookFrein.objects.filter(notebook=notebook).select_related("category")
        }
        self.projects = {str(project.pk): project for project in notebook.projects.all()}
        self.fields["link"].choices = [
            ("", "— choisir —"),
            ("Freins", [(f"frein:{pk}", frein.category.label) for pk, frein in self.freins.items()]),
            ("Projets", [(f"projet:{pk}", str(project)) for pk, project in self.projects.items()]),
        ]

    @staticmethod
    def link_of(objective) -> str:
        if objective.frein_id:
            return f"frein:{objective.frein_id}"
        return f"projet:{objective.project_id}" if objective.project_id else ""

    def service_fields(self) -> dict:
        kind, _, pk = self.cleaned_data.get("link", "").partition(":")
        return {
            **super().service_fields(),
            "frein": self.freins.get(pk) if kind == "frein" else None,
            "project": self.projects.get(pk) if kind == "projet" else None,
        }


class ActionForm(WorkForm):
    carried_by_person = forms.BooleanField(label="Portée par la personne elle-même", required=False)


class TimelineFilterForm(DsfrBaseForm):
    kind = forms.MultipleChoiceField(
        label="Types d'événements",
        choices=lambda: list(selectors.TIMELINE_KINDS.items()),  # kinds contributed at start-up too
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
