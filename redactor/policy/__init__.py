"""Purpose policies and the data-minimisation / sensitive-information warnings they drive."""

from redactor.policy.engine import CallState, Warning, WarningEngine
from redactor.policy.policies import (
    BUILTIN_POLICIES,
    DEFAULT_POLICY,
    Policy,
    PolicyError,
    PolicySet,
    PolicySpec,
    build_policies,
)

__all__ = [
    "BUILTIN_POLICIES", "DEFAULT_POLICY", "CallState", "Policy", "PolicyError", "PolicySet",
    "PolicySpec", "Warning", "WarningEngine", "build_policies",
]
