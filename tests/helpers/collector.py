"""The garbage collector's full sweeps, kept to what the tests leave behind.

Each test builds its own app: some 5,700 objects in reference cycles, freed only by a
full sweep, which comes every dozen tests or so and walks every object of the process
(modules imported, the suite's caches, session fixtures: 300,000 and more, 0.1 to 0.4 s
a sweep; 13 % of a test process's time on a sample of the suite). As `desk serve` does
with what its start-up made (desk.app.ready_to_serve), what outlives the tests is frozen
out of the sweeps (`gc.freeze()`): between two test modules, once the oldest generation
holds more than FREEZE_ABOVE objects, a full collection first (no garbage is frozen, and
the finalisers of what the last module left run as before), then the freeze. A sweep
then walks what the tests made since.
"""

from __future__ import annotations

import gc

FREEZE_ABOVE = 50_000


def freeze_what_lasts() -> None:
    """Call between two test modules (their fixtures torn down)."""
    if len(gc.get_objects(generation=2)) > FREEZE_ABOVE:
        gc.collect()
        gc.freeze()
