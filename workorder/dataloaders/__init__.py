"""DataLoaders, created per request (and per subscription event) so they never go stale."""

from workorder.dataloaders.org import OrgLoaders
from workorder.dataloaders.templates import TemplateLoaders

__all__ = ["OrgLoaders", "TemplateLoaders"]
