"""Scale-out on Celery: a full fan-out of the daily scan and of the hourly publication on real
worker processes, 1 worker against 2, timed alternately in one run.

The workers are ``celery -A config worker --pool=prefork --concurrency=1``, two separate
processes (as two machines would run them, one task at a time each), started once and
reused, on the bench database (``DATABASE_URL``, DEBUG off, e-mail in memory) and a Redis
database of their own (``BENCH_BROKER_URL``, default ``redis://127.0.0.1:6379/14``), which
is also the result backend the timing waits on. Worker 1 consumes two queues, worker 2 only
the second: a run sent to the first queue has one worker, a run sent to the second has two,
and nothing is started, stopped or reconfigured between runs.

One run does what the parent task does (reads the chunks of whole rosters: one query) and
sends the same Celery group of chunk tasks, by name, then waits until every chunk's result is
in (``GroupResult.get``). Warm-up fan-outs on both workers come first, until one writes
nothing: worker imports and connections, and what the kept database still owed (a first
scan's flags; on a world whose plans lack the weeks the hourly task backfills, up to 12 weeks
per athlete, which it writes, once, into the kept database). The timed runs are then the
steady state of an idempotent job: the scan's whole evaluation every time, the hourly
publication's check that nothing is due (the common hour).
What the chunks queue in turn (``notify_high_flags``, one task per coach with unsent high
flags) goes to the default queue, which no bench worker consumes: it is purged, not run, so
no e-mail is written and the figures are the fan-out's own.

Measured only on PostgreSQL, outside a transaction, with Redis reachable; otherwise one
result whose note says why.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from .__main__ import ROOT, Result

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
DEFAULT_QUEUE = "celery"  # where the chunks' own tasks (notify_high_flags) land, never run here
START_TIMEOUT = 120  # seconds for both workers to answer a ping
RUN_TIMEOUT = 900  # seconds for one fan-out to finish
CATCH_UP_ROUNDS = 5  # warm-up fan-outs at most, until one writes nothing
CATCH_UP_TIMEOUT = 3600  # seconds for one warm-up fan-out (a world owing weeks of plans)
STOP_TIMEOUT = 30  # seconds for a worker's warm shutdown before it is killed
TARGET_RATIO = 0.625  # issue 15: 2 workers at least 1.6× as fast as 1


def unavailable(
    *, vendor: str, database_url: str, database_name: str, in_transaction: bool
) -> str | None:
    """Why worker processes could not measure this database (None: they can)."""
    if vendor != "postgresql":
        return f"needs PostgreSQL (this is {vendor}): worker processes share the database"
    if urlsplit(database_url).path.lstrip("/") != database_name:
        return (
            f"DATABASE_URL does not name the database in use ({database_name}): "
            "the workers would measure another one"
        )
    if in_transaction:
        return "inside a transaction (a test): worker processes would not see its rows"
    return None


def worker_command(python: str, name: str, queues: Sequence[str]) -> list[str]:
    """One worker process: prefork, one task at a time, consuming only ``queues``."""
    return [
        python,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        f"--hostname={name}@%h",
        f"--queues={','.join(queues)}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
    ]


def worker_env(base: dict[str, str], *, database_url: str, broker_url: str) -> dict[str, str]:
    """The bench's settings for a worker: its database, DEBUG off, e-mail in memory, the
    bench broker and its results (Celery reads ``CELERY_RESULT_BACKEND`` itself)."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "LOG_LEVEL": "WARNING",
    }


def run_order(pair: int, one: str, two: str) -> tuple[str, str]:
    """A B, B A, A B, …: a drift over the run (a neighbour's job starting) falls on both."""
    return (one, two) if pair % 2 == 0 else (two, one)


def summed(results: Iterable[dict[str, int]]) -> dict[str, int]:
    """The chunks' counts, added up."""
    total: dict[str, int] = {}
    for result in results:
        for key, value in result.items():
            total[key] = total.get(key, 0) + value
    return total


def share_of(stats: dict[str, dict], name: str, task: str) -> int:
    """How many ``task`` the worker whose node name starts with ``name@`` has run."""
    for node, info in stats.items():
        if node.startswith(f"{name}@"):
            return int(info.get("total", {}).get(task, 0))
    return 0


def _skipped(scenario: str, started: float, reason: str) -> list[Result]:
    return [
        Result(
            scenario,
            "not measured",
            [time.perf_counter() - started],
            None,
            note=f"skipped: {reason}",
        )
    ]


def _redis_error(url: str) -> str | None:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0)
    except Exception as exc:  # any failure means: not measured, and why
        return f"Redis at {url} is unreachable ({exc.__class__.__name__})"
    return None


def _client():
    """A Celery app of the bench's own, to send by name and wait on results; the project's
    app in this process stays eager (``benchmarks.__main__``)."""
    from celery import Celery

    client = Celery("stridewise-bench", broker=BROKER_URL, backend=BROKER_URL, set_as_current=False)
    client.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=False,
    )
    return client


def _purge(client, queues: Iterable[str], *, delete: Iterable[str] = ()) -> None:
    """Empty ``queues``; forget ``delete`` (this run's own queues, named by its pid) and
    the bindings the workers declared for them in Redis (kombu's ``_kombu.binding*`` keys),
    so that runs leave nothing behind."""
    with client.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in queues:
            channel.queue_purge(queue)
        for queue in delete:
            channel.client.delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )


class Workers:
    """The two worker processes, their node names and log files."""

    def __init__(self, client, queues: tuple[str, str]) -> None:
        self.client = client
        self.names = [f"bench1-{os.getpid()}", f"bench2-{os.getpid()}"]
        env = worker_env(
            dict(os.environ),
            database_url=os.environ["DATABASE_URL"],
            broker_url=BROKER_URL,
        )
        self.logs: list[Path] = []
        self.processes: list[subprocess.Popen] = []
        for name, consumed in zip(self.names, (queues, queues[1:]), strict=True):
            log = Path(tempfile.gettempdir()) / f"stridewise-{name}.log"
            self.logs.append(log)
            with log.open("w") as out:
                self.processes.append(
                    subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
                        worker_command(sys.executable, name, consumed),
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )

    def wait_ready(self) -> str | None:
        """Until both answer a ping; the reason if one dies or never answers."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for process, log in zip(self.processes, self.logs, strict=True):
                if process.poll() is not None:
                    return f"a worker exited with {process.returncode} (see {log})"
            replies = self.client.control.ping(timeout=1.0) or []
            answered = {node.split("@")[0] for reply in replies for node in reply}
            if set(self.names) <= answered:
                return None
        return f"the workers did not answer within {START_TIMEOUT} s (see {self.logs[0]})"

    def stats(self) -> dict[str, dict]:
        inspect = self.client.control.inspect(timeout=2.0)
        return inspect.stats() or {}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # a warm shutdown: the running task finishes
        for process in self.processes:
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: it and its child
                process.wait()

    def forget_logs(self) -> None:
        for log in self.logs:
            log.unlink(missing_ok=True)


def cpu_ticks(stat: str) -> int:
    """User and system clock ticks of a process, from its ``/proc/<pid>/stat`` line."""
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def busy_share(before: Sequence[int], after: Sequence[int]) -> float:
    """The share of the machine's CPU time that was busy between two ``/proc/stat`` "cpu"
    lines (user nice system idle iowait irq softirq steal …; idle and iowait are idle)."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent[:8])
    return 1 - (spent[3] + spent[4]) / total if total else 0.0


def _machine() -> list[int]:
    try:
        first = Path("/proc/stat").read_text().splitlines()[0]
    except OSError:
        return [0] * 8
    return [int(x) for x in first.split()[1:9]]


def _process_tree_ticks(pids: Iterable[int]) -> int:
    """CPU ticks of these processes and their descendants (a prefork worker runs its tasks
    in a child), from ``/proc``; 0 where it cannot tell."""
    stats: dict[int, str] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stats[int(entry.name)] = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
    parent = {pid: int(stat[stat.rindex(")") + 2 :].split()[1]) for pid, stat in stats.items()}
    tree = set(pids)
    while grown := {pid for pid, ppid in parent.items() if ppid in tree and pid not in tree}:
        tree |= grown
    return sum(cpu_ticks(stats[pid]) for pid in tree if pid in stats)


class Run(NamedTuple):
    seconds: float
    chunks: int
    totals: dict[str, int]
    failed: int  # chunk tasks that raised (a time limit, say), when not propagated
    worker_cpu: float  # seconds of CPU the worker processes spent on it
    busy: float  # the machine's CPUs busy in that time (every process, PostgreSQL included)


def _fan_out(
    client,
    task: str,
    chunks: Callable[[], list[list[int]]],
    queue: str,
    pids: Sequence[int],
    *,
    timeout: float = RUN_TIMEOUT,
    propagate: bool = True,
) -> Run:
    """One full fan-out: the parent's read, the group sent, every chunk's result back."""
    from celery import group

    ticks, machine = _process_tree_ticks(pids), _machine()
    started = time.perf_counter()
    coach_ids = chunks()
    signatures = [
        client.signature(task, args=(ids,), queue=queue, ignore_result=False) for ids in coach_ids
    ]
    result = group(signatures, app=client).apply_async()
    values = result.get(timeout=timeout, interval=0.01, propagate=propagate)
    elapsed = time.perf_counter() - started
    cpu = (_process_tree_ticks(pids) - ticks) / os.sysconf("SC_CLK_TCK")
    busy = busy_share(machine, _machine())
    result.forget()
    _purge(client, [DEFAULT_QUEUE])  # what the chunks queued (notify_high_flags): not run
    done = [v for v in values if isinstance(v, dict)]
    return Run(elapsed, len(coach_ids), summed(done), len(values) - len(done), cpu, busy)


def _counts(totals: dict[str, int]) -> str:
    return ", ".join(f"{key} {value:,}" for key, value in totals.items())


def _catch_up(
    client, task, chunks, queue: str, pids: Sequence[int], writes: Sequence[str]
) -> tuple[int, str]:
    """Fan-outs on both workers until one writes nothing: the job is idempotent, and what
    the kept database still owed (a first scan's flags; weeks a world never published) is
    not the steady state the timed runs measure. Returns the rounds and what they wrote."""
    done: dict[str, int] = {}
    failed = 0
    for round_ in range(1, CATCH_UP_ROUNDS + 1):
        run = _fan_out(client, task, chunks, queue, pids, timeout=CATCH_UP_TIMEOUT, propagate=False)
        failed += run.failed
        wrote = {key: run.totals.get(key, 0) for key in writes}
        for key, value in wrote.items():
            done[key] = done.get(key, 0) + value
        print(
            f"    warm-up round {round_} on 2 workers: {run.seconds:.1f} s, {_counts(wrote)}"
            + (f", {run.failed} chunks failed" if run.failed else ""),
            file=sys.stderr,
        )
        if not run.failed and not any(wrote.values()):
            settled = f"warm-up: {round_} runs on 2 workers wrote {_counts(done)}"
            return round_, settled + (f" ({failed} chunks failed on the way)" if failed else "")
    return CATCH_UP_ROUNDS, (
        f"NOT SETTLED after {CATCH_UP_ROUNDS} warm-up runs (wrote {_counts(done)}, "
        f"{failed} chunks failed): the timed runs still write"
    )


def measure(
    scenario: str,
    task: str,
    chunks: Callable[[], list[list[int]]],
    repeat: int,
    writes: Sequence[str],
) -> list[Result]:
    """1 worker, then 2 workers (paired: the ratio is t2/t1), ``max(2, repeat)`` runs each,
    alternated, after warm-up runs on both until a run writes nothing (``writes``: the
    counts of the chunk task that are writes)."""
    from django.db import connection

    started = time.perf_counter()
    reason = unavailable(
        vendor=connection.vendor,
        database_url=os.environ.get("DATABASE_URL", ""),
        database_name=str(connection.settings_dict["NAME"]),
        in_transaction=connection.in_atomic_block,
    ) or _redis_error(BROKER_URL)
    if reason:
        return _skipped(scenario, started, reason)
    client = _client()
    pid = os.getpid()
    one, two = f"bench-{pid}-one", f"bench-{pid}-two"
    _purge(client, [one, two, DEFAULT_QUEUE])
    load_before = os.getloadavg()
    workers = Workers(client, (one, two))
    try:
        failed = workers.wait_ready()
        if failed:
            return _skipped(scenario, started, failed)
        pids = [process.pid for process in workers.processes]
        _, warm_up = _catch_up(client, task, chunks, two, pids, writes)
        before = share_of(workers.stats(), workers.names[1], task)
        runs: dict[str, list[Run]] = {one: [], two: []}
        for pair in range(max(2, repeat)):
            for queue in run_order(pair, one, two):
                runs[queue].append(_fan_out(client, task, chunks, queue, pids))
        times = {queue: [run.seconds for run in done] for queue, done in runs.items()}
        second = share_of(workers.stats(), workers.names[1], task) - before
    finally:
        workers.stop()
        _purge(client, [DEFAULT_QUEUE], delete=[one, two])
    workers.forget_logs()
    n_chunks = runs[two][-1].chunks
    load_after = os.getloadavg()

    def cpu(queue: str) -> str:
        worker = statistics.median(run.worker_cpu for run in runs[queue])
        busy = statistics.median(run.busy for run in runs[queue])
        return f"per run {worker:.2f} s of worker CPU, the machine's CPUs {busy:.0%} busy"

    return [
        Result(
            scenario,
            "1 worker (prefork, concurrency 1)",
            times[one],
            None,
            note=f"{n_chunks} chunk tasks of whole rosters per run; a timed run: "
            f"{_counts(runs[one][-1].totals)}; {cpu(one)}; {warm_up}",
        ),
        Result(
            scenario,
            "2 workers (2 processes × 1)",
            times[two],
            None,
            note=f"worker 2 ran {second / (len(times[two]) * n_chunks):.0%} of the chunks of "
            f"the timed 2-worker runs; {cpu(two)}; target ratio ≤ {TARGET_RATIO} (≥ 1.6×); "
            f"{os.cpu_count()} CPUs shared with PostgreSQL and this client, load average "
            f"{load_before[0]:.1f} before, {load_after[0]:.1f} after",
            paired=True,
        ),
    ]


def scan_workers(repeat: int) -> list[Result]:
    from checkins import services, tasks

    def chunks() -> list[list[int]]:
        return [chunk.coach_ids for chunk in services.scan_chunks()]

    return measure(
        "scan on 1 vs 2 workers", tasks.scan_warnings_rosters.name, chunks, repeat, ("flags",)
    )


def publish_workers(repeat: int) -> list[Result]:
    from athletes.selectors import roster_chunks
    from plans import tasks

    def chunks() -> list[list[int]]:
        return [c.coach_ids for c in roster_chunks(chunk_size=tasks.PUBLISH_CHUNK_SIZE)]

    return measure(
        "publish on 1 vs 2 workers",
        tasks.publish_weeks_rosters.name,
        chunks,
        repeat,
        ("started", "published", "decisions"),
    )
