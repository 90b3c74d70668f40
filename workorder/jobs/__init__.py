"""Running jobs: the in-process runner of the server and the Redis queue of `workorder worker`.

Both claim jobs through `workorder.flows.batch.jobs` and run them there; this package only decides
when and where.
"""

# The kinds of job defined outside flows/batch/jobs.py register themselves when imported: every
# runner (and every server, which starts them) must know them all.
from workorder.flows.exports import exports as exports
from workorder.flows.exports import imports as imports
