"""The ticket report: workload and service figures."""
