"""Running jobs: the in-process runner of the server and the Redis queue of `workorder worker`.

Both claim jobs through `workorder.flows.jobs` and run them there; this package only decides
when and where.
"""
