"""A large synthetic history for the demo clinic: `taut demo --sessions 1000000`.

It exists to measure Taut at scale (bench/bench_outcomes.py), so it trades the services' per-row
checks for speed, and says so:

- rows are written as plain INSERTs (SQLite) or COPY (PostgreSQL), one transaction per chunk
  of 2,000 patients, not
  through the charting services; the clinical rules that the services apply (gate, safety,
  scoring) are not re-run per row;
- there is no audit entry per row: ONE audit entry records the whole synthetic import (its size
  and seed), so the clinic's hash chain stays intact and the import is visible in the log;
- each synthetic patient has one intake, one screening and one consent row so that every
  session points at its own patient's records, but the consent carries no signature drawing
  and no frozen PDF (nobody signed it), and questionnaire scores are stored without item answers;
- sessions are inserted open, their needling, measures and adverse events added, and then the
  chunk is signed with one UPDATE (the database refuses rows added to a signed note);
- the dashboard's roll-ups are rebuilt once at the end, not refreshed per signing.

The history is deterministic for a seed: ~5 sessions per patient over three years, weekly,
across the demo's clinicians and locations, with NPRS before every session, the condition's
questionnaire at sessions 1, 3, 5 and the last, and adverse events at rates near Brady 2014.

The pieces: history.py (the run), plan.py (who comes, how often, with what), writer.py (INSERT or
COPY), and one module per app whose tables it fills: patients.py, screening.py, consent.py,
charting.py.
"""

from taut.demo.bulk.history import BulkResult, seed_bulk_history

__all__ = ["BulkResult", "seed_bulk_history"]
