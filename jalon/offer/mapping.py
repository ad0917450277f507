"""data·inclusion schema v1 field names ↔ Jalon's field names, one dict per model. The importer reads it from left
to right, the exporter from right to left. `id` is the record's id at its source (`source_id`); a service's
`structure_id` is its structure's `source_id` (resolved to the foreign key by the importer)."""

STRUCTURE_FIELDS: dict[str, str] = {
    "source": "source",
    "id": "source_id",
    "nom": "name",
    "date_maj": "updated_on",
    "description": "description",
    "lien_source": "source_url",
    "siret": "siret",
    "commune": "commune_name",
    "code_postal": "postal_code",
    "code_insee": "insee_code",
    "adresse": "address",
    "complement_adresse": "address_complement",
    "longitude": "longitude",
    "latitude": "latitude",
    "telephone": "phone",
    "courriel": "email",
    "site_web": "website",
    "horaires_accueil": "opening_hours",
    "accessibilite_lieu": "accessibility_url",
    "reseaux_porteurs": "networks",
}

SERVICE_FIELDS: dict[str, str] = {
    "source": "source",
    "id": "source_id",
    # "structure_id": the structure's source_id → Service.structure (foreign key)
    "nom": "name",
    "description": "description",
    "lien_source": "source_url",
    "date_maj": "updated_on",
    "type": "kind",
    "thematiques": "thematiques",
    "frais": "fee",
    "frais_precisions": "fee_details",
    "publics": "publics",
    "publics_precisions": "publics_details",
    "conditions_acces": "access_conditions",
    "commune": "commune_name",
    "code_postal": "postal_code",
    "code_insee": "insee_code",
    "adresse": "address",
    "complement_adresse": "address_complement",
    "longitude": "longitude",
    "latitude": "latitude",
    "telephone": "phone",
    "courriel": "email",
    "modes_accueil": "reception_modes",
    "zone_eligibilite": "eligibility_zone",
    "contact_nom_prenom": "contact_name",
    "lien_mobilisation": "mobilisation_url",
    "modes_mobilisation": "mobilisation_modes",
    "mobilisable_par": "mobilisable_by",
    "mobilisation_precisions": "mobilisation_details",
    "volume_horaire_hebdomadaire": "weekly_hours",
    "nombre_semaines": "weeks",
    "horaires_accueil": "opening_hours",
}

# Schema fields holding a set of codes: stored as a sorted JSON list (so a re-import compares equal).
LIST_FIELDS = {
    "reseaux_porteurs",
    "thematiques",
    "publics",
    "modes_accueil",
    "zone_eligibilite",
    "modes_mobilisation",
    "mobilisable_par",
}

STRUCTURE_MODEL_TO_SCHEMA = {model: schema for schema, model in STRUCTURE_FIELDS.items()}
SERVICE_MODEL_TO_SCHEMA = {model: schema for schema, model in SERVICE_FIELDS.items()}
