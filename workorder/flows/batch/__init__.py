"""Actions on many tickets: batches of selected ids, quotas, and the job engine."""
