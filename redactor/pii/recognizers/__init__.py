"""The Japanese recognizers, one module per entity family, behind one registry function."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from redactor.config import RedactorConfig
from redactor.pii.cues import CUES, CueIndex
from redactor.pii.recognizers.address import JpAddressRecognizer
from redactor.pii.recognizers.bank_account import BankAccountRecognizer
from redactor.pii.recognizers.card_expiry import CardExpiryRecognizer
from redactor.pii.recognizers.card_security_code import CardSecurityCodeRecognizer
from redactor.pii.recognizers.corporate_number import CorporateNumberRecognizer
from redactor.pii.recognizers.credential import CredentialRecognizer
from redactor.pii.recognizers.credit_card import JpCreditCardRecognizer
from redactor.pii.recognizers.custom import identifier_recognizer
from redactor.pii.recognizers.date_of_birth import DateOfBirthRecognizer, PastFullDateRecognizer
from redactor.pii.recognizers.drivers_license import DriversLicenseRecognizer
from redactor.pii.recognizers.email import JpEmailRecognizer
from redactor.pii.recognizers.health_insurance import HealthInsuranceRecognizer
from redactor.pii.recognizers.my_number import MyNumberRecognizer
from redactor.pii.recognizers.passport import PassportRecognizer
from redactor.pii.recognizers.pension import PensionNumberRecognizer
from redactor.pii.recognizers.person import JpPersonRecognizer
from redactor.pii.recognizers.phone import JpPhoneRecognizer
from redactor.pii.recognizers.postal_code import JpPostalCodeRecognizer
from redactor.pii.recognizers.residence_card import ResidenceCardRecognizer
from redactor.pii.recognizers.slot import SlotRecognizer

PATTERN_RECOGNIZERS = (
    JpPhoneRecognizer, JpEmailRecognizer, JpPostalCodeRecognizer, JpAddressRecognizer,
    DateOfBirthRecognizer, PastFullDateRecognizer, JpCreditCardRecognizer, CardSecurityCodeRecognizer,
    CardExpiryRecognizer, MyNumberRecognizer, CorporateNumberRecognizer,
    DriversLicenseRecognizer, PassportRecognizer, HealthInsuranceRecognizer,
    PensionNumberRecognizer, ResidenceCardRecognizer, BankAccountRecognizer, CredentialRecognizer,
)


def cue_index(config: RedactorConfig) -> CueIndex:
    cues = {**CUES, **{spec.name: tuple(spec.context) for spec in config.identifiers}}
    return CueIndex(cues, before=config.analyzer.context_before, after=config.analyzer.context_after)


def build_recognizers(config: RedactorConfig, cues: CueIndex) -> list[EntityRecognizer]:
    """Every Japanese recognizer, configured identifiers included (GiNZA's NER is separate)."""
    recognizers: list[EntityRecognizer] = [cls(cues) for cls in PATTERN_RECOGNIZERS]
    recognizers.append(JpPersonRecognizer())
    recognizers += [identifier_recognizer(spec, cues) for spec in config.identifiers]
    if config.analyzer.slots:
        recognizers.append(SlotRecognizer(cues))
    return recognizers
