"""DataLoaders, created per request (and per subscription event) so they never go stale."""

from workorder.dataloaders.org import OrgLoaders

__all__ = ["OrgLoaders"]
