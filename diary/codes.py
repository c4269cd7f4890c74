"""Every clinical code the FHIR export sends, each with the public source it was checked
against. A code that could not be checked is not guessed: the concept goes as text only,
and the table says so (None).

Sources:
- [IG] HL7 FHIR Symptoms implementation guide (github.com/HL7/fhir-symptoms-ig,
  input/fsh/SymptomObservation.fsh, SymptomAbsentObservation.fsh, Terminology.fsh,
  pagecontent/index.md), canonical http://hl7.org/fhir/uv/symptoms, FHIR 4.0.1.
- [DICOM] DICOM PS3.16 context groups (CID 4 anatomic regions, CID 244/245 laterality), as
  generated into pydicom's src/pydicom/sr/_concepts_dict.py (github.com/pydicom/pydicom).
- [IGs-severity] SNOMED CT severity qualifiers as used in published FHIR IGs' FSH sources
  (e.g. the Symptoms IG example "Moderate (severity modifier) (qualifier value)" 6736007;
  "Severe (severity modifier) (qualifier value)" 24484000; "Mild (qualifier value)"
  255604002).
- [LOINC-72514-3] "Pain severity - 0-10 verbal numeric rating [Score] - Reported", as used
  by published FHIR IGs' FSH sources (loinc.org/72514-3).
"""

from __future__ import annotations

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
SYMPTOMS_IG = "http://hl7.org/fhir/uv/symptoms"
SYMPTOM_CATEGORY_SYSTEM = f"{SYMPTOMS_IG}/CodeSystem/SymptomTemporary"  # [IG]
SYMPTOM_PROFILE = f"{SYMPTOMS_IG}/StructureDefinition/SymptomObservation"  # [IG]
SYMPTOM_ABSENT_PROFILE = f"{SYMPTOMS_IG}/StructureDefinition/SymptomAbsentObservation"  # [IG]
LOCATION_QUALIFIER = f"{SYMPTOMS_IG}/StructureDefinition/LocationQualifier"  # [IG]

# LOINC (code, display)
SYMPTOM = ("75325-1", "Symptom")  # [IG] SymptomObservation.code
SYMPTOM_ABSENT = ("111551-8", "Symptom absent")  # [IG] SymptomAbsentObservation.code
SEVERITY = ("64750-3", "Severity of symptoms")  # [IG] component[severity]
TRIGGERS = ("100752-5", "Exacerbating factors - Reported")  # [IG] component[triggers...]
FREQUENCY = ("104156-5", "Condition frequency - Reported")  # [IG] component[frequency]
PAIN_SCORE = (
    "72514-3",
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
)  # [LOINC-72514-3]

# SNOMED CT findings for the label and subtype: (code or None, text).
FINDINGS: dict[tuple[str, str], tuple[str | None, str]] = {
    # Muscle fasciculation (82470000 is the usual candidate) was not found in a source we
    # could check: text only.
    ("twitch", "fasciculation"): (None, "Muscle twitching (fasciculation)"),
    # No verified code for clonus (docs/clinical-rules.md#fhir-export): text only.
    ("twitch", "clonus"): (None, "Clonus (rhythmic muscle contractions)"),
    ("spasm", "skeletal"): ("55300003", "Cramp"),  # [IG] index: 55300003 Cramp (finding)
    ("spasm", "nocturnal"): ("55300003", "Cramp, at night"),  # [IG]; 90392009 unverified
    ("spasm", "ischemic"): ("55300003", "Cramp, with exercise"),  # [IG]
    ("spasm", "smooth"): (None, "Smooth muscle spasm"),  # not a skeletal cramp: text only
    ("unclear", ""): (None, "Involuntary muscle contraction, type unclear"),
}
# The display of each finding code (its SNOMED CT preferred term); the text says more.
FINDING_DISPLAYS: dict[str, str] = {"55300003": "Cramp"}  # [IG] "Cramp (finding)"
ABSENT_SYMPTOM_TEXT = "Involuntary muscle contractions (twitches, spasms or cramps)"

# SNOMED CT body structures [DICOM CID 4]: site -> (code, display). A broader structure
# where the diary's site has no own entry there; the text always keeps the site as given.
BODY_SITES: dict[str, tuple[str, str]] = {
    "eyelid": ("80243003", "Eyelid"),
    "face": ("89545001", "Face"),
    "jaw": ("661005", "Jaw region"),
    "tongue": ("21974007", "Tongue"),
    "neck": ("45048000", "Neck"),
    "shoulder": ("16982005", "Shoulder"),
    "upper arm": ("40983000", "Upper arm"),
    "elbow": ("16953009", "Elbow joint"),
    "forearm": ("14975008", "Forearm"),
    "wrist": ("74670003", "Wrist joint"),
    "hand": ("85562004", "Hand"),
    "thumb": ("76505004", "Thumb"),
    "finger": ("7569003", "Finger"),
    "chest": ("816094009", "Chest"),
    "upper back": ("77568009", "Back"),
    "lower back": ("52612000", "Lumbar region"),
    "abdomen": ("818981001", "Abdomen"),
    "pelvis": ("816092008", "Pelvis"),
    "hip": ("29836001", "Hip"),
    "buttock": ("46862004", "Buttock"),
    "thigh": ("68367000", "Thigh"),
    "hamstring": ("68367000", "Thigh"),
    "knee": ("72696002", "Knee"),
    "calf": ("53840002", "Structure of calf of leg"),
    "shin": ("30021000", "Lower leg"),
    "ankle": ("70258002", "Ankle joint"),
    "foot": ("56459004", "Foot"),
    "toe": ("29707007", "Toe"),
}

# Laterality [DICOM CID 244/245]; sent as the IG's LocationQualifier (a string) and kept
# here for systems that post-coordinate.
LATERALITY: dict[str, tuple[str, str]] = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Bilateral"),
}

# Severity qualifiers [IGs-severity], from the pain score: 1-3 mild, 4-6 moderate, 7-10
# severe (the NRS bands of Boonstra et al. 2016, as in docs/clinical-rules.md).
SEVERITIES: tuple[tuple[int, str, str], ...] = (
    (1, "255604002", "Mild"),
    (4, "6736007", "Moderate"),
    (7, "24484000", "Severe"),
)


def severity_of(pain: int) -> tuple[str, str] | None:
    """The severity qualifier for a pain score; None at 0 (no pain is not a severity)."""
    found = None
    for lowest, code, display in SEVERITIES:
        if pain >= lowest:
            found = (code, display)
    return found
