"""Run a batch's agency-years on a Dask distributed cluster (``reportkit batch --scheduler``).

Workers need no shared filesystem: each agency-year goes to a worker as the content of what it
reads, and its outputs come back as bytes that this machine publishes and records
(:mod:`.remote`). The section notebooks, and every other file several agency-years read (a
Word template, a ledger serving several years; not the small params files), go to the cluster
once, by sha256 (a task keyed by the hash, that a worker fetches once and keeps for the
batch), the rest with each task. Skipping what is up to date, the progress bar, the summary,
the index and the exit codes are :func:`reportkit.batch.run.run_batch`'s, as for the local
pool; only the executor differs.

- ``--scheduler tcp://HOST:PORT`` connects to a running scheduler (:meth:`DaskRunner.connect`):
  an address that does not answer as a Dask scheduler is one :class:`SchedulerError` within
  :data:`PROBE_TIMEOUT` seconds; workers must run the same reportkit (version, report code and
  templates: :func:`check_workers`), which is checked before anything is sent, and again by
  every task (a worker that joins later).
- ``--scheduler local[:N]`` starts a ``LocalCluster`` of N single-threaded worker processes on
  127.0.0.1 for this batch (:meth:`DaskRunner.local`).

Faults: a worker that dies mid-task (killed, out of memory) has its task run again on another
worker by the scheduler; nothing of the lost attempt reaches this machine's outputs. A task
whose workers die every time (``KilledWorker``, after the scheduler's ``allowed-failures``) or
that keeps raising fails that agency-year alone. Ctrl-C cancels the futures still queued or
running: their outputs are never written here. A terminal sends Ctrl-C to the whole foreground
process group: the worker processes of ``local[:N]`` ignore it (:func:`quiet_worker`), as the
local pool's do, and this process alone stops the batch and closes the cluster, without
Dask's shutdown log; a remote cluster's workers never see it.

Warm kernels: the :class:`WarmKernels` worker plugin lets each worker thread that runs a render
keep one kernel (``reportkit.render.execution.enable_worker_session``; Dask runs tasks in a pool of
threads, and a session belongs to one thread). The plugin stays registered, so a later batch on
the same cluster starts warm; the kernels are shut down when the worker closes.

This module is imported only with ``--scheduler``: the local path never imports dask.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
import uuid
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from multiprocessing import resource_tracker
from pathlib import Path
from typing import TYPE_CHECKING, Any

import distributed
from distributed import WorkerPlugin, get_worker

from ..errors import OutputsBusy, ReportkitError
from ..render.manifest import package_versions
from ..render.safety import deferred_signals, describe_os_error, output_lock, stopped_by
from .address import (
    PROBE_TIMEOUT,
    SchedulerError,
    dashboard_line,
    fix,
    one_line,
    parse_local,
    probe,
)
from .discover import AgencyYear
from .freshness import out_dir, remove_stamp, stale_reason
from .progress import ProgressSink
from .remote import (
    Identity,
    Job,
    Returned,
    TransportError,
    local_identity,
    mismatch_message,
    notebook_files,
    pack,
    publish,
    render_job,
    sha256,
)
from .units import (
    FAILED_STATUSES,
    BatchInterrupted,
    Outcome,
    Rendered,
    Task,
    WorkFn,
    crashed_outcome,
    not_run_outcome,
    record,
    task_outcome,
)

if TYPE_CHECKING:
    from distributed import Worker

    from ..render.execution import KernelSession

WORKER_WAIT = 30.0  # seconds to wait for a first worker to join
RETRIES = 1  # times a task that raised (not a failed render) is tried again
# params files (a few KiB, and most are read by two or three agency-years) go with each task
PARAMS_SUFFIXES = frozenset({".yaml", ".yml"})
LOCK_POLL = 0.5  # seconds between tries of a folder another process is rendering
PLUGIN_NAME = "reportkit-warm-kernels"
CLOSING = frozenset({"closing", "closing_gracefully", "closed", "failed"})  # a worker's status
Note = Callable[[str], None]


class WarmKernels(WorkerPlugin):
    """Worker plugin: one warm kernel per worker thread that renders; all shut down on teardown."""

    idempotent = True  # registering again (a later batch) keeps the running plugin and kernels

    def __init__(self) -> None:
        self._sessions: list[KernelSession] = []
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._sessions = []
        self._lock = threading.Lock()

    def attach(self) -> None:
        """Enable the warm session of the calling (task) thread and remember it for teardown."""
        from ..render.execution import enable_worker_session

        session = enable_worker_session()
        with self._lock:
            if not any(s is session for s in self._sessions):
                self._sessions.append(session)

    def close_sessions(self) -> None:
        """Shut every kernel down (a later render in the same thread starts a new one)."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    async def teardown(self, worker: Worker) -> None:
        """Shut the kernels down when the worker closes (or the plugin is removed)."""
        if worker.status.name in CLOSING:
            # a render still running loses its kernel; its result goes nowhere, so papermill's
            # "Kernel died while waiting for execute reply." is no news for anyone
            logging.getLogger("papermill").setLevel(logging.CRITICAL + 1)
        # the kernel managers run their own event loops: not on the worker's running one
        await asyncio.to_thread(self.close_sessions)


def quiet_worker(*args: Any, **kwargs: Any) -> Any:
    """A ``distributed.Worker``, made in a local cluster's worker process, which from then on
    ignores SIGINT (Ctrl-C is this process's business; started with it blocked, see
    :func:`_sigint_blocked`) and logs nothing once it is closing (the scheduler gone first, a
    heartbeat lost). The kernels and tools it starts inherit SIGINT ignored, as the local pool's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    worker = distributed.Worker(*args, **kwargs)

    def running(record: logging.LogRecord) -> bool:
        return worker.status.name not in CLOSING

    for handler in logging.getLogger("distributed").handlers:
        handler.addFilter(running)
    return worker


class QuietNanny(distributed.Nanny):
    """A ``Nanny`` (here, in this process) whose worker process ignores SIGINT."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["worker_class"] = quiet_worker
        super().__init__(*args, **kwargs)


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread, and in the threads and processes started meanwhile (a
    ``LocalCluster``'s event loop thread, which starts — and restarts — its worker processes):
    they are born with Ctrl-C held until :func:`quiet_worker` ignores it. Here it is delivered
    on leaving the block. multiprocessing's resource tracker is started first: starting it
    unblocks SIGINT in the thread that does."""
    resource_tracker.ensure_running()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def _dask_logs_off() -> Iterator[None]:
    """No log records (Dask's shutdown errors, a lost worker's warnings) while the cluster is
    closed: the batch's summary or its ``Interrupted`` line says what the user needs."""
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(before)


def render_on_worker(
    work: WorkFn, job: Job, blobs: dict[str, bytes], warm_kernels: bool
) -> Returned:
    """The Dask task: :func:`reportkit.batch.remote.render_job` in this worker thread's warm
    kernel (when enabled), with the mirror in the worker's local directory."""
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if warm_kernels and isinstance(plugin, WarmKernels):
        plugin.attach()
    return render_job(work, job, blobs, local_dir=str(worker.local_directory))


def file_content(data: bytes) -> bytes:
    """The Dask task holding a file's bytes (see :meth:`DaskRunner._share`)."""
    return data


def worker_identity() -> dict[str, Any]:
    """What a worker runs (asked with ``Client.run`` before a batch): reportkit's
    :class:`~reportkit.batch.remote.Identity` and the versions of the rendering libraries."""
    identity = local_identity()
    return {
        "version": identity.version,
        "code": identity.code,
        "templates": identity.templates,
        "protocol": identity.protocol,
        "packages": package_versions(),
    }


def _client_class() -> Any:
    client: Any = distributed.Client
    return client


def check_workers(client: Any, address: str, note: Note) -> None:
    """Raise :class:`SchedulerError` unless every worker runs this machine's reportkit
    (:class:`~reportkit.batch.remote.Identity`); note the rendering libraries whose versions
    differ (outputs may then differ from a local batch's)."""
    mine = local_identity()
    try:
        answers: dict[str, Any] = client.run(worker_identity)
    except Exception as err:  # a worker whose reportkit lacks this function: another version
        try:
            versions = client.run(_installed_version)
        except Exception:
            versions = {}
        found = ", ".join(sorted({str(v) for v in versions.values()})) or "an unknown version"
        raise SchedulerError(
            address,
            f"the Dask workers at {address} run reportkit {found} ({one_line(err)}), this "
            f"machine {mine.describe()}; install the same reportkit on the workers and restart "
            "them",
        ) from None
    libraries = package_versions()
    differ: set[str] = set()
    for worker, answer in sorted(answers.items()):
        theirs = Identity(
            str(answer.get("version")),
            str(answer.get("code")),
            str(answer.get("templates")),
            int(answer.get("protocol", 0)),
        )
        if theirs != mine:
            others = f" (and {len(answers) - 1} other worker(s))" if len(answers) > 1 else ""
            raise SchedulerError(
                address, mismatch_message(mine, theirs, f"the Dask worker {worker}{others}")
            )
        packages = answer.get("packages") or {}
        differ |= {
            f"{name} {packages.get(name)} (here {version})"
            for name, version in libraries.items()
            if name != "reportkit" and packages.get(name) != version
        }
    if differ:
        note(
            "Note: the workers render with other library versions than this machine: "
            + ", ".join(sorted(differ))
            + " — reports may differ from a local batch's"
        )


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("reportkit")
    except PackageNotFoundError:
        return "not installed"


def publish_and_record(task: Task, returned: Returned) -> Outcome:
    """Write a worker's outputs of ``task`` here and record its outcome, as a local render
    does (the stamp goes first: a publish cut short leaves the agency-year to render again;
    Ctrl-C waits for the renames). A disk that refuses fails this agency-year only, with one
    line. The caller holds the agency-year's lock."""
    directory = out_dir(task.out_root, task.item)
    rendered = returned.rendered
    try:
        remove_stamp(directory)
        with deferred_signals():
            publish(task.out_root, returned.files)
    except (OSError, ReportkitError) as err:
        detail = describe_os_error(err, directory) if isinstance(err, OSError) else str(err)
        who = f"{task.item.agency_id} {task.item.year}"
        rendered = Rendered("failed", f"{who}: {detail}")
    return record(task, rendered, returned.seconds)


class DaskRunner:
    """A connection to a Dask scheduler that renders a batch's tasks on its workers."""

    def __init__(self, client: Any, address: str, cluster: Any = None) -> None:
        self.client = client
        self.address = address
        self.cluster = cluster  # a LocalCluster this runner started (closed with it)

    @classmethod
    def open(cls, address: str, note: Note | None = None) -> DaskRunner:
        """:meth:`local` for ``local[:N]``, else :meth:`connect`."""
        n = parse_local(address)
        if n is not None:
            return cls.local(n, note)
        return cls.connect(address, note=note)

    @classmethod
    def connect(
        cls,
        address: str,
        *,
        worker_wait: float = WORKER_WAIT,
        note: Note | None = None,
    ) -> DaskRunner:
        """Connect to the scheduler at ``address``, wait up to ``worker_wait`` seconds for a
        worker, and check that the workers run this machine's reportkit.

        Raises :class:`SchedulerError` naming the address and the fix when that fails.
        """
        say = note or (lambda text: None)
        identity = probe(address)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # dask's own version-mismatch warning
                client: Any = _client_class()(address, timeout=PROBE_TIMEOUT, set_as_default=False)
        except Exception as err:
            raise SchedulerError(
                address,
                f"cannot connect to the Dask scheduler at {address} ({one_line(err)}); "
                + fix(address),
            ) from None
        runner = cls(client, address)
        try:
            port = (identity.get("services") or {}).get("dashboard")
            host = address.split("://")[-1].rsplit(":", 1)[0]
            say(dashboard_line(f"http://{host}:{port}/status" if port else None))
            if not identity.get("workers"):
                say(f"Waiting up to {worker_wait:.0f} s for a Dask worker to join {address} …")
            try:
                client.wait_for_workers(1, timeout=worker_wait)
            except (TimeoutError, OSError):
                raise SchedulerError(
                    address,
                    f"the Dask scheduler at {address} has no workers after {worker_wait:.0f} s; "
                    f"start some with `dask worker {address}`",
                ) from None
            check_workers(client, address, say)
        except BaseException:
            runner.close()
            raise
        return runner

    @classmethod
    def local(cls, n_workers: int, note: Note | None = None) -> DaskRunner:
        """Start a ``LocalCluster`` of ``n_workers`` single-threaded worker processes on
        127.0.0.1 (closed with the runner) and connect to it; note its dashboard."""
        say = note or (lambda text: None)
        local_cluster: Any = distributed.LocalCluster
        cluster: Any = None
        try:
            with warnings.catch_warnings(), _sigint_blocked():
                warnings.simplefilter("ignore")  # "port 8787 is already in use": another is taken
                cluster = local_cluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    worker_class=QuietNanny,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:8787",
                    silence_logs=logging.ERROR,
                )
            client: Any = _client_class()(cluster, set_as_default=False)
        except BaseException:
            if cluster is not None:
                with _dask_logs_off():
                    cluster.close()
            raise
        address = str(cluster.scheduler_address)
        say(
            f"Dask: a local cluster of {n_workers} worker process(es), one thread each, "
            f"at {address}"
        )
        say(dashboard_line(getattr(cluster, "dashboard_link", None)))
        return cls(client, address, cluster)

    def threads(self) -> int:
        """How many tasks the cluster runs at once (its worker threads), at least 1."""
        nthreads: dict[str, int] = self.client.nthreads()
        return max(1, sum(nthreads.values()))

    def _share(self, tasks: Sequence[Task], notebooks: list[tuple[str, bytes]]) -> Any:
        """Send the notebooks, and each file but params files that several tasks read, to the
        cluster once.

        Each goes as a task that returns its bytes, keyed by their sha256 (``reportkit-file-…``):
        a worker fetches it once from another and keeps it for the batch, and if every worker
        holding it dies the scheduler makes it again from the task (scattered data would be
        lost for good, and every task needing it cancelled).

        Returns (notebook names and hashes, client path → hash of the shared files,
        hash → future of every shared file).
        """
        futures: dict[str, Any] = {}

        def send(data: bytes) -> str:
            digest = sha256(data)
            if digest not in futures:
                key = f"reportkit-file-{digest}"
                futures[digest] = self.client.submit(file_content, data, key=key, pure=False)
            return digest

        named = tuple((name, send(data)) for name, data in notebooks)
        uses = Counter(os.path.abspath(p) for task in tasks for p in task.inputs)
        known: dict[str, str] = {}
        for path, count in uses.items():
            if count < 2 or Path(path).suffix in PARAMS_SUFFIXES:
                continue
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue  # sent (or reported unreadable) with each task
            known[path] = send(data)
        return named, known, futures

    def run(
        self,
        work: WorkFn,
        tasks: Sequence[Task],
        jobs: int | None,
        fail_fast: bool,
        progress: ProgressSink,
        warm_kernels: bool,
        notebooks_dir: str | Path,
    ) -> list[Outcome]:
        """Render ``tasks`` on the cluster, at most ``jobs`` (default: its threads) at a time.

        Tasks are handed over as workers free up (so the progress shows what really runs and
        ``fail_fast`` stops the rest). Each finished one is published here and recorded as a
        local render is; one that ends without a result (its workers died every time it was
        tried, or it kept raising) fails alone, and writes nothing.
        """
        if warm_kernels:
            self.client.register_plugin(WarmKernels(), name=PLUGIN_NAME)
        named, known, shared = self._share(tasks, notebook_files(notebooks_dir))
        pending = deque(tasks)
        running: dict[Any, Task] = {}
        locks: dict[AgencyYear, ExitStack] = {}  # held from submission to record
        busy_since: dict[AgencyYear, float] = {}
        outcomes: list[Outcome] = []
        as_completed: Any = distributed.as_completed
        finished = as_completed(loop=self.client.loop, raise_errors=False)
        stop = False

        def finish(outcome: Outcome) -> None:
            nonlocal stop
            outcomes.append(outcome)
            progress.end(outcome)
            if fail_fast and outcome.status in FAILED_STATUSES:
                stop = True

        def release(task: Task) -> None:
            held = locks.pop(task.item, None)
            if held is not None:
                held.close()

        def take(task: Task) -> bool | None:
            """Lock ``task``'s folder (as a local render does): True when held, False when
            another process holds it (try again later), None when ``task`` is done here."""
            directory = out_dir(task.out_root, task.item)
            stack = ExitStack()
            try:
                stack.enter_context(output_lock(directory, wait=0))
            except OutputsBusy as err:
                first = busy_since.setdefault(task.item, time.monotonic())
                if time.monotonic() - first < task.lock_wait:
                    return False
                progress.begin(task.item)
                finish(task_outcome(task, "failed", str(err)))
                return None
            except OSError as err:
                progress.begin(task.item)
                finish(task_outcome(task, "failed", describe_os_error(err, directory)))
                return None
            locks[task.item] = stack
            progress.begin(task.item)
            if task.reason != "forced" and stale_reason(directory, task.key) is None:
                release(task)
                message = "rendered meanwhile by another process"
                finish(task_outcome(task, "up to date", message))
                return None
            return True

        def submit() -> None:
            limit = max(1, jobs if jobs is not None else self.threads())
            waiting: list[Task] = []
            while pending and not stop and len(running) < limit:
                task = pending.popleft()
                taken = take(task)
                if taken is False:
                    waiting.append(task)
                if not taken:
                    continue
                try:
                    job, blobs = pack(task, notebooks_dir, named, known)
                except TransportError as err:
                    remove_stamp(out_dir(task.out_root, task.item))
                    finish(record(task, Rendered("invalid", str(err)), 0.0))
                    release(task)
                    continue
                needed = {d for _, d in (*job.notebooks, *job.files)}
                blobs.update({d: shared[d] for d in needed if d in shared})
                key = f"reportkit-{task.item.agency_id}-{task.item.year}-{uuid.uuid4().hex}"
                future = self.client.submit(
                    render_on_worker,
                    work,
                    job,
                    blobs,
                    warm_kernels,
                    pure=False,
                    key=key,
                    retries=RETRIES,
                )
                running[future] = task
                finished.add(future)
            pending.extend(waiting)

        try:
            submit()
            while running or (pending and not stop):
                if not running:  # only agency-years another process is rendering are left
                    time.sleep(LOCK_POLL)
                    submit()
                    continue
                future = next(finished)
                task = running.pop(future)
                try:
                    finish(self._outcome(future, task))
                finally:
                    release(task)
                future.release()
                submit()
        except KeyboardInterrupt as err:
            # Queued and running tasks are cancelled; a render already running on a worker
            # thread finishes there, in its mirror, and its outputs are never written here.
            self.client.cancel(list(running), force=True)
            rendered = sum(o.status == "rendered" for o in outcomes)
            raise BatchInterrupted(rendered, len(tasks) - rendered, stopped_by(err)) from None
        finally:
            for future in shared.values():
                future.release()
            for held in locks.values():
                held.close()
        outcomes.extend(not_run_outcome(t, "--fail-fast stopped the batch") for t in pending)
        return outcomes

    def _outcome(self, future: Any, task: Task) -> Outcome:
        """Publish and record a finished task here; a task without a result fails alone."""
        if future.status == "finished":
            try:
                returned = future.result()
            except Exception as err:  # the result could not be fetched (the worker left)
                return crashed_outcome(
                    task, f"on the Dask cluster at {self.address}: " + one_line(err)
                )
            if not isinstance(returned, Returned):
                name = type(returned).__name__
                return crashed_outcome(task, f"the Dask task returned {name}")
            return publish_and_record(task, returned)
        error: BaseException | None
        try:
            error = future.exception(timeout=PROBE_TIMEOUT)
        except Exception as other:  # cancelled, or the scheduler was lost
            error = other
        return crashed_outcome(task, self._failure(error))

    def _failure(self, err: BaseException | None) -> str:
        killed: Any = getattr(distributed, "KilledWorker", None)
        if killed is not None and isinstance(err, killed):
            return (
                f"its Dask worker died each of the {err.allowed_failures + 1} times it was "
                f"tried (the last: {err.last_worker.address}); nothing was written — see that "
                "worker's log (out of memory? a crash in a library?)"
            )
        if isinstance(err, ReportkitError):
            return str(err)
        return f"on the Dask cluster at {self.address}: {one_line(err) if err else 'no result'}"

    def close(self) -> None:
        """Disconnect (and stop the local cluster this runner started), without Dask's logs."""
        with _dask_logs_off():
            with suppress(Exception):  # already gone: nothing left to close
                self.client.close(timeout=PROBE_TIMEOUT)
            if self.cluster is not None:
                with suppress(Exception):
                    self.cluster.close(timeout=30)
