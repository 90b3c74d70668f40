"""Tortoise models, one module per aggregate. Every row carries its tenant."""

from workorder.models.department import Department
from workorder.models.group import Group
from workorder.models.tenant import Tenant
from workorder.models.token import ApiToken, RefreshToken
from workorder.models.user import Role, User

__all__ = ["ApiToken", "Department", "Group", "RefreshToken", "Role", "Tenant", "User"]
