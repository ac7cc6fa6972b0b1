"""Batch grading (``coursekit calificar``): isolated, resumable and hard to fool.

Modules: ``notebook`` (read a submission), ``protocol`` (wire format), ``sandbox``
(OS isolation), ``worker`` (runs the learner's code), ``session`` (trusted side of a
worker), ``remote`` (the probe used by exercises), ``runner`` (the batch),
``gradebook`` (state files, CSV/JSON), ``report`` (HTML, progress, summary), ``cli``.
"""
