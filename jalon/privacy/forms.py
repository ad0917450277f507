from django import forms
from django.core.files.uploadedfile import UploadedFile
from dsfr.forms import DsfrBaseForm

from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
from jalon.organisations.models import Organisation
from jalon.privacy.enums import DataCategory
from jalon.privacy.models import DataSharingConvention


MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class ConventionForm(forms.ModelForm, DsfrBaseForm):
    data_categories = forms.MultipleChoiceField(
        label="Catégories de données partagées",
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une catégorie de données partagées."},
    )

    class Meta:
        model = DataSharingConvention
        fields = ["organisation", "purpose", "legal_basis", "data_categories", "signed_on", "expires_on", "document"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "document": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }
        help_texts = {
            "purpose": "Exemple : accompagnement socio-professionnel des bénéficiaires orientés vers la structure.",
            "expires_on": "Laissez vide si la convention est sans terme.",
        }

    def __init__(self, *args, departement_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The Département does not sign with itself: partners only.
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = (
            Organisation.objects.in_departement(departement_code).exclude(kind__in=DEPARTEMENT_STAFF_KINDS)
        ).order_by("name")

    def clean_document(self):
        document = self.cleaned_data.get("document")
        # Only a new upload is checked (reading the stored one would open it for nothing).
        if isinstance(document, UploadedFile):
            if (document.size or 0) > MAX_DOCUMENT_BYTES:
                raise forms.ValidationError("Le document dépasse 10 Mo : déposez une version plus légère du PDF.")
            head = document.read(5)
            document.seek(0)
            if head != b"%PDF-":
                raise forms.ValidationError("Le document doit être un fichier PDF.")
        return document

    def clean(self):
        cleaned = super().clean() or {}
        signed_on, expires_on = cleaned.get("signed_on"), cleaned.get("expires_on")
        if signed_on and expires_on and expires_on <= signed_on:
            self.add_error("expires_on", "La date d'expiration doit être postérieure à la date de signature.")
        return cleaned
