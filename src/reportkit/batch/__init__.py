"""Every agency-year of a params folder: parallel, incremental, failure-isolated; the reviewers' pages.

Owns:

- ``run``        — :func:`run_batch`, what ``reportkit batch`` does;
- ``discover``   — finding ``params/<agency-id>/<year>.yaml``;
- ``inputs``     — the input files of an agency-year (for the key and for the Dask transport);
- ``freshness``  — the inputs key: is an agency-year up to date?
- ``units``      — the unit of work (:class:`Task` → :class:`Outcome`) every runner shares;
- ``pool``       — running it here or in local worker processes with warm kernels;
- ``address``, ``cluster`` — running it on a Dask cluster (``--scheduler``), whose workers need
  no shared filesystem: ``remote`` sends each agency-year's inputs and receives its outputs;
- ``progress``   — the progress bar or lines;
- ``summary``    — the per-agency figures and ``summary.csv``;
- ``index``, ``index_charts`` and ``templates/`` — the reviewers' pages
  (``outputs/<year>/index.html``, ``outputs/index.html``): to change what they show or how they
  look, edit these.

May import: :mod:`reportkit.render` (the renderer is imported only when something is to be
rendered), :mod:`reportkit.checks`, :mod:`reportkit.model`, :mod:`reportkit.errors`.
"""

from .run import BatchResult, run_batch
from .units import BatchInterrupted, Outcome, Task

__all__ = ["BatchInterrupted", "BatchResult", "Outcome", "Task", "run_batch"]
