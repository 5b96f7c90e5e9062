#!/usr/bin/env python3
"""Runs the interop tests: real third-party clients against scylla-sim.

Every test starts its own scylla-sim (the binary cargo built) on a free block of
loopback addresses (--unique-addresses), waits for its `ready` line, runs the client
program with SIM_HOSTS (node addresses, comma separated) and SIM_PORT in its
environment, then stops the sim with SIGTERM and checks that it exited cleanly.
A failing test prints the client's output and the sim's stderr.

usage: run.py --sim target/debug/scylla-sim [--python PY] [--jobs N] [TEST ...]
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

READY_TIMEOUT = 30
TEST_TIMEOUT = 300
STOP_TIMEOUT = 15

# Topology every test runs against: 3 nodes in two datacenters, 2 shards each.
SIM_ARGS = ["--datacenters", "dc1:2,dc2:1", "--shards", "2"]


def tests(python):
    go_env = {
        "GO111MODULE": "off",
        "GOPATH": os.path.join(HERE, "go") + ":/usr/share/gocode",
        "GOFLAGS": "",
        # The build cache under target/, so that no HOME is needed and cargo clean
        # clears it.
        "GOCACHE": os.environ.get("GOCACHE") or os.path.join(ROOT, "target", "interop-go-cache"),
    }
    return {
        "python-driver": dict(
            cmd=[python, "-u", "test_driver.py"], cwd=os.path.join(HERE, "python")
        ),
        "python-tokens": dict(
            cmd=[python, "-u", "test_tokens.py"], cwd=os.path.join(HERE, "python")
        ),
        "cqlsh": dict(
            cmd=[python, "-u", "test_cqlsh.py"],
            cwd=os.path.join(HERE, "python"),
            env={"CQLSH": os.path.join(os.path.dirname(python), "cqlsh")},
        ),
        "nodejs-driver": dict(
            cmd=["node", "--test", "test.js"], cwd=os.path.join(HERE, "node")
        ),
        "gocql": dict(
            cmd=["go", "test", "-count=1", "-v", "interop"],
            cwd=os.path.join(HERE, "go", "src", "interop"),
            env=go_env,
        ),
    }


class Sim:
    """One scylla-sim process."""

    def __init__(self, binary, name):
        self.name = name
        self.stderr = tempfile.TemporaryFile(mode="w+b")
        self.proc = subprocess.Popen(
            [binary, "--unique-addresses"] + SIM_ARGS,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            stdin=subprocess.DEVNULL,
        )
        self.hosts = []
        self.port = None
        self.banner = []

    def wait_ready(self):
        lines = []
        done = threading.Event()

        def read():
            for raw in self.proc.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                lines.append(line)
                if line == "ready":
                    break
            done.set()

        threading.Thread(target=read, daemon=True).start()
        finished = done.wait(READY_TIMEOUT)
        if finished and (not lines or lines[-1] != "ready"):
            raise RuntimeError(
                "scylla-sim exited with status %r before printing `ready`; stdout: %r"
                % (self.proc.wait(STOP_TIMEOUT), lines)
            )
        if not finished:
            raise RuntimeError(
                "scylla-sim did not print `ready` within %ds; stdout so far: %r"
                % (READY_TIMEOUT, lines)
            )
        self.banner = lines
        for line in lines:
            if line.startswith("node "):
                host, port = line.split()[2].rsplit(":", 1)
                self.hosts.append(host)
                self.port = port
        if len(self.hosts) != 3:
            raise RuntimeError("expected 3 nodes, scylla-sim printed %r" % lines)

    def stop(self):
        """SIGTERM, then the exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")


def start_sim(binary, name, attempts=3):
    """A ready sim. --unique-addresses picks a random free block; should another
    process take it between the check and the bind, the sim exits with status 1 and
    a new one is started."""
    for attempt in range(attempts):
        sim = Sim(binary, name)
        try:
            sim.wait_ready()
            return sim, None
        except RuntimeError as e:
            status = sim.stop()
            if status != 1 or attempt + 1 == attempts:
                return sim, str(e)
    return sim, "unreachable"


def run_one(binary, name, spec):
    started = time.monotonic()
    sim, failure = start_sim(binary, name)
    output = ""
    try:
        if failure is not None:
            raise RuntimeError(failure)
        env = dict(os.environ)
        env.update(spec.get("env", {}))
        env["SIM_HOSTS"] = ",".join(sim.hosts)
        env["SIM_PORT"] = sim.port
        try:
            done = subprocess.run(
                spec["cmd"],
                cwd=spec["cwd"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TEST_TIMEOUT,
            )
            output = done.stdout.decode(errors="replace")
            if done.returncode != 0:
                failure = "client exited with status %d" % done.returncode
        except subprocess.TimeoutExpired as e:
            output = (e.stdout or b"").decode(errors="replace")
            failure = "client did not finish within %ds" % TEST_TIMEOUT
        except OSError as e:
            failure = "cannot run %s: %s" % (spec["cmd"][0], e)
    except RuntimeError as e:
        failure = str(e)
    finally:
        status = sim.stop()
    if failure is None and status != 0:
        failure = "scylla-sim did not stop cleanly on SIGTERM (status %r)" % status
    if failure is None and sim.proc.returncode is not None and "panicked" in sim.stderr_text():
        failure = "scylla-sim panicked"
    return dict(
        name=name,
        failure=failure,
        output=output,
        sim_stderr=sim.stderr_text(),
        hosts=sim.hosts,
        seconds=time.monotonic() - started,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sim", required=True, help="path of the scylla-sim binary")
    parser.add_argument("--python", default=sys.executable, help="venv python with the drivers")
    parser.add_argument("--jobs", type=int, default=2, help="tests run at once")
    parser.add_argument("--verbose", action="store_true", help="print passing tests' output too")
    parser.add_argument("names", nargs="*", help="tests to run (default: all)")
    args = parser.parse_args()

    all_tests = tests(os.path.abspath(args.python))
    names = args.names or list(all_tests)
    unknown = [n for n in names if n not in all_tests]
    if unknown:
        parser.error("unknown test(s) %s; known: %s" % (unknown, ", ".join(all_tests)))
    binary = os.path.abspath(args.sim)
    if not os.access(binary, os.X_OK):
        parser.error("%s is not an executable scylla-sim" % binary)
    for name in names:
        tool = all_tests[name]["cmd"][0]
        if shutil.which(tool) is None and not os.access(tool, os.X_OK):
            parser.error("test %s needs `%s`, which is not installed" % (name, tool))

    results = []
    lock = threading.Lock()

    def report(result):
        with lock:
            results.append(result)
            status = "FAILED" if result["failure"] else "ok"
            print(
                "interop %-14s %-6s (%.1fs, sim on %s)"
                % (result["name"], status, result["seconds"], ",".join(result["hosts"]) or "-"),
                flush=True,
            )
            if result["failure"] or args.verbose:
                if result["failure"]:
                    print("---- %s: %s" % (result["name"], result["failure"]))
                print("---- %s: client output" % result["name"])
                print(result["output"].rstrip())
                print("---- %s: scylla-sim stderr" % result["name"])
                print(result["sim_stderr"].rstrip() or "(empty)")
                print("---- end of %s" % result["name"], flush=True)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_one, binary, n, all_tests[n]) for n in names]
        for f in futures:
            report(f.result())

    failed = sum(1 for r in results if r["failure"])
    passed = len(results) - failed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
