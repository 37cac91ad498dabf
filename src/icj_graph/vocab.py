"""Names of the icj-graph ontology and the prefixes the project binds.

``ICJ`` lists every class and property of ontology/icj.ttl as a pyoxigraph ``NamedNode``
(generated from the ontology; ``tests/test_vocab.py`` fails when the two drift apart), so a typo
is an AttributeError instead of a silent empty result.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

NS = "https://w3id.org/icj-graph/ontology#"
ID = "https://w3id.org/icj-graph/id/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

#: Prefixes used in ontology/, data/, shapes/, queries/ and offered to query writers.
PREFIXES: dict[str, str] = {
    "icj": NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "icjsh": "https://w3id.org/icj-graph/shapes#",
    "wd": "http://www.wikidata.org/entity/",
    "tribunal": ID + "tribunal/",
    "instrument": ID + "legal-instrument/",
    "provision": ID + "provision/",
    "crime": ID + "crime/",
    "person": ID + "person/",
    "state": ID + "state/",
    "situation": ID + "situation/",
    "case": ID + "case/",
    "charge": ID + "charge/",
    "warrant": ID + "arrest-warrant/",
    "custody": ID + "custody-event/",
    "judgment": ID + "judgment/",
    "sentence": ID + "sentence/",
    "action": ID + "treaty-action/",
    "outcome": ID + "outcome/",
    "mode": ID + "mode-of-liability/",
    "trigger": ID + "trigger-type/",
    "sentencekind": ID + "sentence-kind/",
    "scheme": ID + "concept-scheme/",
    "role": ID + "role/",
    "organization": ID + "organization/",
    "summons": ID + "summons/",
    "event": ID + "warrant-event/",
    "finding": ID + "non-compliance-finding/",
    "visit": ID + "visit/",
    "position": ID + "position-held/",
    "sanction": ID + "sanction/",
    "reparations": ID + "reparations-order/",
    "enforcement": ID + "sentence-enforcement/",
    "prosecution": ID + "prosecution/",
}


class ICJ:
    """The classes and properties of ``icj:``."""

    AcceptanceDeclaration = NamedNode(NS + "AcceptanceDeclaration")
    Accession = NamedNode(NS + "Accession")
    AdHocTribunal = NamedNode(NS + "AdHocTribunal")
    AdmissibilityChallenge = NamedNode(NS + "AdmissibilityChallenge")
    Agreement = NamedNode(NS + "Agreement")
    AppealJudgment = NamedNode(NS + "AppealJudgment")
    Appearance = NamedNode(NS + "Appearance")
    Arrest = NamedNode(NS + "Arrest")
    ArrestWarrant = NamedNode(NS + "ArrestWarrant")
    Case = NamedNode(NS + "Case")
    Charge = NamedNode(NS + "Charge")
    Charter = NamedNode(NS + "Charter")
    CoerciveMeasure = NamedNode(NS + "CoerciveMeasure")
    ContemptCase = NamedNode(NS + "ContemptCase")
    Crime = NamedNode(NS + "Crime")
    CriminalProceedings = NamedNode(NS + "CriminalProceedings")
    CustodyEvent = NamedNode(NS + "CustodyEvent")
    Cyberattack = NamedNode(NS + "Cyberattack")
    DeferralRequest = NamedNode(NS + "DeferralRequest")
    DissentingOpinion = NamedNode(NS + "DissentingOpinion")
    HybridCourt = NamedNode(NS + "HybridCourt")
    InternationalMilitaryTribunal = NamedNode(NS + "InternationalMilitaryTribunal")
    Judgment = NamedNode(NS + "Judgment")
    LegalInstrument = NamedNode(NS + "LegalInstrument")
    ModeOfLiability = NamedNode(NS + "ModeOfLiability")
    NationalLaw = NamedNode(NS + "NationalLaw")
    NonComplianceFinding = NamedNode(NS + "NonComplianceFinding")
    Opinion = NamedNode(NS + "Opinion")
    Organization = NamedNode(NS + "Organization")
    Outcome = NamedNode(NS + "Outcome")
    PermanentInternationalCourt = NamedNode(NS + "PermanentInternationalCourt")
    Person = NamedNode(NS + "Person")
    PositionHeld = NamedNode(NS + "PositionHeld")
    Prosecution = NamedNode(NS + "Prosecution")
    Provision = NamedNode(NS + "Provision")
    Ratification = NamedNode(NS + "Ratification")
    RegionalGroup = NamedNode(NS + "RegionalGroup")
    ReparationsOrder = NamedNode(NS + "ReparationsOrder")
    ResidualMechanism = NamedNode(NS + "ResidualMechanism")
    Role = NamedNode(NS + "Role")
    Sanction = NamedNode(NS + "Sanction")
    SecurityCouncilResolution = NamedNode(NS + "SecurityCouncilResolution")
    Sentence = NamedNode(NS + "Sentence")
    SentenceEnforcement = NamedNode(NS + "SentenceEnforcement")
    SentenceKind = NamedNode(NS + "SentenceKind")
    SentencingJudgment = NamedNode(NS + "SentencingJudgment")
    SeparateOpinion = NamedNode(NS + "SeparateOpinion")
    Signature = NamedNode(NS + "Signature")
    SignatureWithdrawal = NamedNode(NS + "SignatureWithdrawal")
    Situation = NamedNode(NS + "Situation")
    State = NamedNode(NS + "State")
    Statute = NamedNode(NS + "Statute")
    Succession = NamedNode(NS + "Succession")
    Summons = NamedNode(NS + "Summons")
    Transfer = NamedNode(NS + "Transfer")
    Treaty = NamedNode(NS + "Treaty")
    TreatyAction = NamedNode(NS + "TreatyAction")
    TrialJudgment = NamedNode(NS + "TrialJudgment")
    Tribunal = NamedNode(NS + "Tribunal")
    TriggerType = NamedNode(NS + "TriggerType")
    Unsealing = NamedNode(NS + "Unsealing")
    Visit = NamedNode(NS + "Visit")
    VoluntarySurrender = NamedNode(NS + "VoluntarySurrender")
    WarrantEvent = NamedNode(NS + "WarrantEvent")
    WarrantWithdrawal = NamedNode(NS + "WarrantWithdrawal")
    Withdrawal = NamedNode(NS + "Withdrawal")
    abstained = NamedNode(NS + "abstained")
    accused = NamedNode(NS + "accused")
    adoptionDate = NamedNode(NS + "adoptionDate")
    amount = NamedNode(NS + "amount")
    applicableLaw = NamedNode(NS + "applicableLaw")
    case = NamedNode(NS + "case")
    caseNumber = NamedNode(NS + "caseNumber")
    closingDate = NamedNode(NS + "closingDate")
    countNumber = NamedNode(NS + "countNumber")
    crime = NamedNode(NS + "crime")
    currency = NamedNode(NS + "currency")
    date = NamedNode(NS + "date")
    decidedIn = NamedNode(NS + "decidedIn")
    decisionDate = NamedNode(NS + "decisionDate")
    decisionNumber = NamedNode(NS + "decisionNumber")
    definedBy = NamedNode(NS + "definedBy")
    defines = NamedNode(NS + "defines")
    effectiveDate = NamedNode(NS + "effectiveDate")
    endDate = NamedNode(NS + "endDate")
    entryIntoForceDate = NamedNode(NS + "entryIntoForceDate")
    establishedBy = NamedNode(NS + "establishedBy")
    form = NamedNode(NS + "form")
    foundingDate = NamedNode(NS + "foundingDate")
    granted = NamedNode(NS + "granted")
    hasPart = NamedNode(NS + "hasPart")
    imposedIn = NamedNode(NS + "imposedIn")
    indictmentDate = NamedNode(NS + "indictmentDate")
    instrument = NamedNode(NS + "instrument")
    investigationOpeningDate = NamedNode(NS + "investigationOpeningDate")
    iso3166Alpha2 = NamedNode(NS + "iso3166Alpha2")
    iso3166Alpha3 = NamedNode(NS + "iso3166Alpha3")
    judgment = NamedNode(NS + "judgment")
    legalBasis = NamedNode(NS + "legalBasis")
    modeOfLiability = NamedNode(NS + "modeOfLiability")
    number = NamedNode(NS + "number")
    organization = NamedNode(NS + "organization")
    outcome = NamedNode(NS + "outcome")
    partOf = NamedNode(NS + "partOf")
    person = NamedNode(NS + "person")
    reason = NamedNode(NS + "reason")
    referredTo = NamedNode(NS + "referredTo")
    referringResolution = NamedNode(NS + "referringResolution")
    referringState = NamedNode(NS + "referringState")
    regionalGroup = NamedNode(NS + "regionalGroup")
    requestedBy = NamedNode(NS + "requestedBy")
    result = NamedNode(NS + "result")
    revocationDate = NamedNode(NS + "revocationDate")
    role = NamedNode(NS + "role")
    seat = NamedNode(NS + "seat")
    sentenceKind = NamedNode(NS + "sentenceKind")
    situation = NamedNode(NS + "situation")
    situationNumber = NamedNode(NS + "situationNumber")
    startDate = NamedNode(NS + "startDate")
    state = NamedNode(NS + "state")
    subject = NamedNode(NS + "subject")
    succeededBy = NamedNode(NS + "succeededBy")
    succeeds = NamedNode(NS + "succeeds")
    summons = NamedNode(NS + "summons")
    target = NamedNode(NS + "target")
    termYears = NamedNode(NS + "termYears")
    terminationDate = NamedNode(NS + "terminationDate")
    territory = NamedNode(NS + "territory")
    tribunal = NamedNode(NS + "tribunal")
    triggerType = NamedNode(NS + "triggerType")
    visit = NamedNode(NS + "visit")
    votedAgainst = NamedNode(NS + "votedAgainst")
    votedFor = NamedNode(NS + "votedFor")
    warrant = NamedNode(NS + "warrant")
