"""Ingest benchmark: cold and warm build of the real corpus, against a naive baseline.

Prints, for `python -m ingest build` into a fresh data folder with the default embedder:
cold build time, warm (no change) build time, pages/s, chunks, embeddings computed and peak
memory; and the same figures for a naive pipeline measured in the same run (pypdf text of
every page, llama-index SentenceSplitter, same embedder, no structure), with ratios.

    python bench/ingest.py [--skip-baseline]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.settings import apply_offline_env, get_settings  # noqa: E402


def run_build(data_dir: Path) -> tuple[float, str]:
    env = {**os.environ, "ADVIESWIJZER_INDEX__DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "build", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def figures(stdout: str) -> tuple[int, int, int]:
    pages = sum(int(m) for m in re.findall(r"\.pdf\s+(\d+)\s+\d+", stdout))
    chunks = sum(int(m) for m in re.findall(r"\.pdf\s+\d+\s+(\d+)", stdout))
    embedded = re.search(r"(\d+) embeddings computed", stdout)
    return pages, chunks, int(embedded.group(1)) if embedded else 0


def naive_baseline() -> dict[str, float]:
    """pypdf text → SentenceSplitter (llama-index defaults) → same embedder, in a child process."""
    code = rf"""
import sys, time, json, resource
sys.path.insert(0, {str(ROOT)!r})
from corpus.settings import get_settings
from corpus.manifest import discover, load_manifest
from ingest.embed import make_embedder
import pypdf
from llama_index.core.node_parser import SentenceSplitter
s = get_settings(); t = time.perf_counter()
files, _ = discover(s.corpus.folders, load_manifest(s.corpus.manifest))
texts = [p.extract_text() for f in files for p in pypdf.PdfReader(str(f.path)).pages]
from llama_index.core import Document
nodes = SentenceSplitter().get_nodes_from_documents([Document(text=x) for x in texts if x.strip()])
emb = make_embedder(s.ingest)
for i in range(0, len(nodes), 16):
    emb.passages([n.get_content() for n in nodes[i:i+16]])
print(json.dumps({{"seconds": time.perf_counter() - t, "pages": len(texts), "chunks": len(nodes),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    import json

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    apply_offline_env()
    settings = get_settings()
    print(f"embedder: {settings.ingest.embedder}; corpus: {', '.join(str(f) for f in settings.corpus.folders)}")
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        cold_s, cold_out = run_build(Path(tmp) / "data")
        cold_peak = peak_child_mb()
        warm_s, warm_out = run_build(Path(tmp) / "data")
    pages, chunks, embedded = figures(cold_out)
    warm_embedded = figures(warm_out)[2]
    print("\nstructure-aware ingest (python -m ingest build)")
    print(f"  cold build      {cold_s:8.1f} s   ({pages / cold_s:.1f} pages/s, target < 150 s)")
    print(f"  warm build      {warm_s:8.2f} s   (target < 5 s)")
    print(f"  pages           {pages:8d}")
    print(f"  chunks          {chunks:8d}")
    print(f"  embeddings      {embedded:8d} cold, {warm_embedded} warm (target 0)")
    print(f"  peak memory     {cold_peak:8.0f} MB")
    if not args.skip_baseline:
        base = naive_baseline()
        print("\nnaive baseline (pypdf text → SentenceSplitter → same embedder), same run")
        print(f"  time            {base['seconds']:8.1f} s   ({base['pages'] / base['seconds']:.1f} pages/s)")
        print(f"  chunks          {base['chunks']:8d}")
        print(f"  peak memory     {base['peak_mb']:8.0f} MB")
        print(f"\nratio cold ingest / baseline time: {cold_s / base['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
