"""wrk, the load generator of part 2: a separate process (C, epoll) on the loopback, so the bench's own Python
is not part of what is measured. ``make bench`` installs it (Debian's ``wrk``) when it is missing; without it
(a laptop, the test suite's ``--quick``) the bench falls back to its thread loader and says so."""

from dataclasses import dataclass
import re
import shutil
import subprocess
import tempfile

# wrk reports through Lua at the end: requests, errors of every kind (connect, read, write, timeout, HTTP
# status outside 2xx/3xx), and the latency percentiles in microseconds.
REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    errors: int
    seconds: float
    p50: float  # seconds
    p95: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(port: int, path: str, headers: dict, *, seconds: int, connections: int, threads: int = 2) -> WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(REPORT)
        script.flush()
        command = [wrk_path() or "wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
                   "--timeout", "10s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                                timeout=seconds + 60, check=True).stdout
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk gave no report:\n{output}")
    requests, errors, duration_us, p50, p95 = map(int, match.groups())
    return WrkResult(requests=requests, errors=errors, seconds=duration_us / 1e6, p50=p50 / 1e6, p95=p95 / 1e6)
