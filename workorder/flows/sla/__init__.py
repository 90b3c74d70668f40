"""Service-level policies, targets and breaches."""
