"""Measures evaluate_frame (rows/s) on 200,000 rows against a server, beside the C# console client (`scoring
evaluate --columnar`, the .NET SDK's columnar BatchEvaluate) on the same rows, and where the Python side spends its
time. Not a test: run it by hand, once, and read the table.

    /usr/bin/python3 bench.py [--rows 200000] [--server http://127.0.0.1:5080] [--cli path/to/scoring.dll]

Without --server it starts the built server (SCORING_SERVER_DLL, as the tests) on a fresh database and also reports
the server's CPU time per run. The rows are samples/jiangning-5000.csv repeated with fresh ids.
"""

import argparse
import os
import subprocess
import tempfile
import time

import pandas as pd

import scoring_client
from scoring_client.frames import ParsedFrame

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SAMPLE = os.path.join(REPO, "samples", "jiangning-5000.csv")
DEFAULT_CLI = os.path.join(REPO, "clients", "Scoring.Cli", "bin", "Debug", "net10.0", "scoring.dll")


def frame_of(rows):
    """`rows` rows: the 5,000-row sample repeated, each copy's ids suffixed with its copy number."""
    sample = pd.read_csv(SAMPLE)
    copies = []
    for k in range(-(-rows // len(sample))):
        copy = sample.copy()
        copy["parcel_id"] = copy["parcel_id"].astype(str) + f"-{k}"
        copies.append(copy)
    return pd.concat(copies, ignore_index=True).head(rows)


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (/proc/pid/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall and this process's CPU seconds of a block, and the server's CPU when its pid is known."""

    def __init__(self, server_pid=None):
        self.server_pid = server_pid

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.server = cpu_seconds(self.server_pid) if self.server_pid else None
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.server = cpu_seconds(self.server_pid) - self.server if self.server_pid else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--server", help="address of a running server; default: start the built one")
    parser.add_argument("--cli", default=DEFAULT_CLI, help="the built console client's dll")
    args = parser.parse_args()

    server = None
    if args.server is None:
        from tests.server import ServerProcess
        server = ServerProcess()
        address, pid = server.address, server.pid
    else:
        address, pid = args.server, None
    try:
        run(args, address, pid)
    finally:
        if server:
            server.stop()


def run(args, address, pid):
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; server {address}")
    frame = frame_of(args.rows)
    client = scoring_client.connect(address)
    client.evaluate_frame(frame.head(5000))  # warm both ends
    model = client.model()
    rows = []

    with Timer() as t:
        parsed = ParsedFrame(frame, model)
    rows.append(("read the frame into columns (ParsedFrame)", t))
    sendable = [i for i, e in enumerate(parsed.errors) if not e]
    with Timer() as t:
        chunks = [parsed.columns(sendable[i:i + 1000]) for i in range(0, len(sendable), 1000)]
    rows.append(("build the ParcelRow messages (1,000 a chunk)", t))
    with Timer() as t:
        size = sum(len(c.SerializeToString()) for c in chunks)
    rows.append((f"serialise them ({size / len(sendable):.0f} bytes a row)", t))
    with Timer(pid) as t:
        result = client.evaluate_frame(frame)
    rows.append(("evaluate_frame, end to end (window 4)", t))
    python = t
    refused = int(result["error"].notna().sum())

    cli = None
    if args.cli and os.path.isfile(args.cli):
        with tempfile.TemporaryDirectory() as folder:
            csv = os.path.join(folder, "rows.csv")
            frame.to_csv(csv, index=False)
            with Timer(pid) as t:
                done = subprocess.run(["dotnet", args.cli, "evaluate", csv, "--output", os.path.join(folder, "out.csv"),
                                       "--columnar", "--server", address], capture_output=True, text=True)
            if done.returncode not in (0, 1):  # 1: some rows refused, as the sample's are
                raise RuntimeError(f"scoring evaluate failed ({done.returncode}): {done.stderr[-2000:]}")
            cli = t
            rows.append(("`scoring evaluate --columnar` (C# SDK), same rows as CSV", t))

    print(f"{len(frame):,} rows, {refused:,} refused by the server or the client")
    print(f"| step | wall s | client CPU s | server CPU s | rows/s |")
    print(f"|---|---|---|---|---|")
    for name, t in rows:
        server_cpu = f"{t.server:.2f}" if t.server is not None else ""
        client_cpu = f"{t.cpu:.2f}" if t is not cli else "(other process)"
        print(f"| {name} | {t.wall:.2f} | {client_cpu} | {server_cpu} | {len(frame) / t.wall:,.0f} |")
    if cli:
        print(f"evaluate_frame: {len(frame) / python.wall:,.0f} rows/s; the console client: "
              f"{len(frame) / cli.wall:,.0f} rows/s ({python.wall / cli.wall:.2f} x the time)")


if __name__ == "__main__":
    main()
