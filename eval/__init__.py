"""The evaluation suite and everything that fits on its cases: metrics, the runner, the CI gate, the
naive baseline, and the calibration of the abstention thresholds and the citation verifier.

May import ``corpus``, ``ingest`` and the answering pipeline of ``assistant`` (not the page or the notes)."""

__all__ = ["baseline", "calibrate", "calibrate_verifier", "cases", "gate", "llm_mode", "metrics", "report", "runner"]
