#!/usr/bin/env python3
"""The tcpmesh fault-injection suite (dist/chaos/run.sh is the entry point; see its --help).

Every scenario runs against a real cluster started by dist/start-cluster.sh, under real load from
dist/bin/load and the real clients, with real faults (kill -9, SIGTERM, SIGSTOP/SIGCONT, ZooKeeper
down). What it saw goes into one row of docs/RELIABILITY.md. Only loopback is touched; every load loop
and fault is bounded in time; everything started is stopped, also on Ctrl-C.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

DIST = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(DIST)
BIN = os.path.join(DIST, "bin")
SESSION_TIMEOUT = 5.0          # the services' default --zk-session-timeout (docs/coordination.md)
LOAD_TIMEOUT = "10s"           # a request with no progress this long is a failed request
QUICK_SET = [1, 2, 3, 4, 5, 6, 8, 9, 12, 13, 14]

SCENARIOS = {
    1: "kill -9 an md5 node under md5 load through the proxy",
    2: "SIGTERM an md5 node under md5 load through the proxy",
    3: "SIGSTOP an md5 node, then SIGCONT, under md5 load through the proxy",
    4: "kill -9 the echo leader",
    5: "SIGSTOP the echo leader past the session timeout, then SIGCONT",
    6: "ZooKeeper (standalone) down under load through the proxy",
    7: "kill -9 one ensemble member, then the ZooKeeper leader (three members)",
    8: "a service frozen past its session timeout (session expiry)",
    9: "kill -9 the numbers server serving a stream",
    10: "kill -9 the storage collector mid-run, restart on the same database",
    11: "slow-loris (a byte every 3 s) on every service port and proxy port",
    12: "connection flood on every port",
    13: "100 MB sent without reading, to echo and through the proxy",
    14: "proxy config reload storm (20 changes in 2 s) under load",
    15: "network partition of an echo leader and of an md5 node (namespaces)",
}


def log(msg):
    print(f"[chaos {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Row:
    """One scenario's line in the report."""

    def __init__(self, num):
        self.num = num
        self.fault = SCENARIOS[num]
        self.load = "-"
        self.after = "-"
        self.failed = "-"
        self.lost = "-"
        self.recovery = "-"
        self.target = "-"
        self.result = "not run"
        self.met = None          # True, False, or None (not run)
        self.notes = []

    def verdict(self, met, how):
        self.met = met
        self.result = ("met" if met else "MISSED") + (f": {how}" if how else "")

    def skip(self, why):
        self.met = None
        self.result = f"not run: {why}"


# ---------------------------------------------------------------- processes and sockets

def run(cmd, timeout=60, check=False, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stdout[-2000:]}")
    return p


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


def listeners(port):
    """pids of the processes listening on TCP port (on any address)."""
    out = run(["ss", "-ltnpH", f"sport = :{port}"]).stdout
    return sorted({int(m) for m in re.findall(r"pid=(\d+)", out)})


def established(pid, local_port=None, remote_ports=None):
    """(local port, remote port) of pid's established TCP connections."""
    out = run(["ss", "-tnpH", "state", "established"]).stdout
    result = []
    for line in out.splitlines():
        if f"pid={pid}," not in line:
            continue
        cols = line.split()
        local, remote = cols[2], cols[3]
        lp, rp = int(local.rsplit(":", 1)[1]), int(remote.rsplit(":", 1)[1])
        if local_port is not None and lp != local_port:
            continue
        if remote_ports is not None and rp not in remote_ports:
            continue
        result.append((lp, rp))
    return result


def wait_for(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def echo_once(port, timeout=0.5, host="127.0.0.1"):
    """True when a new connection to port echoes a line back within timeout."""
    line = f"probe-{time.monotonic_ns()}\n".encode()
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(line)
            got = b""
            while not got.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    return False
                got += chunk
            return got == line
    except OSError:
        return False


class Prober(threading.Thread):
    """Probes a port every `every` seconds with echo_once; also counts the processes listening on it."""

    def __init__(self, port, every=0.05):
        super().__init__(daemon=True)
        self.port, self.every = port, every
        self.samples = []            # (monotonic time, ok)
        self.max_listeners = 0
        self.stopped = threading.Event()

    def run(self):
        n = 0
        while not self.stopped.is_set():
            self.samples.append((time.monotonic(), echo_once(self.port, timeout=0.3)))
            if n % 4 == 0:
                self.max_listeners = max(self.max_listeners, len(listeners(self.port)))
            n += 1
            self.stopped.wait(self.every)

    def stop(self):
        self.stopped.set()
        self.join(5)

    def failures(self, since=0.0):
        return sum(1 for t, ok in self.samples if t >= since and not ok)

    def longest_gap(self):
        """The longest time between two successful probes that had failures between them."""
        gap, last_ok, failed_since = 0.0, None, False
        for t, ok in self.samples:
            if ok:
                if last_ok is not None and failed_since:
                    gap = max(gap, t - last_ok)
                last_ok, failed_since = t, False
            else:
                failed_since = True
        return gap

    def first_ok_after(self, t0):
        for t, ok in self.samples:
            if t >= t0 and ok:
                return t - t0
        return None


# ---------------------------------------------------------------- the cluster

class Cluster:
    def __init__(self, offset, run_dir):
        self.offset, self.run_dir = offset, run_dir
        o = offset
        self.zk_port = 2181 + o
        self.md5_proxy, self.md5 = 7000 + o, [7001 + o, 7002 + o, 7003 + o]
        self.echo_proxy, self.master = 8000 + o, 8888 + o
        self.echo = [9601 + o, 9602 + o, 9603 + o]
        self.numbers_proxy, self.numbers = 7100 + o, [7101 + o, 7102 + o]
        self.collector = 7201 + o
        self.admin = 9000 + o
        self.zk = f"127.0.0.1:{self.zk_port}"
        self.ensemble = False
        self.frozen = set()
        self.started = []            # pids restarted by the suite itself

    @staticmethod
    def supports(option):
        out = run([os.path.join(DIST, "start-cluster.sh"), "--help"]).stdout
        return option in out

    def start(self, ensemble=False):
        args = [os.path.join(DIST, "start-cluster.sh"), "--port-offset", str(self.offset), "--run-dir", self.run_dir]
        if ensemble:
            args += ["--zk-servers", "3"]
        log(f"starting the cluster: {' '.join(args)}")
        p = run(args, timeout=300)
        if p.returncode != 0:
            raise ClusterError(f"start-cluster.sh exited {p.returncode}:\n{p.stdout[-3000:]}")
        self.ensemble = ensemble
        zk_file = os.path.join(self.run_dir, "zk")
        if os.path.exists(zk_file):
            with open(zk_file) as f:
                self.zk = f.read().strip()

    def stop(self):
        for pid in list(self.frozen):
            self.cont(pid)
        if os.path.isdir(os.path.join(self.run_dir, "pids")):
            run([os.path.join(DIST, "stop-cluster.sh"), "--run-dir", self.run_dir, "--deadline", "10"], timeout=120)
        for pid in self.started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    def names(self, prefix=""):
        d = os.path.join(self.run_dir, "pids")
        return sorted(n[:-4] for n in os.listdir(d) if n.endswith(".pid") and n.startswith(prefix))

    def pid(self, name):
        with open(os.path.join(self.run_dir, "pids", name + ".pid")) as f:
            return int(f.read().strip())

    def pids(self):
        return {n: self.pid(n) for n in self.names() if alive(self.pid(n))}

    def argv(self, pid):
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode() for a in f.read().split(b"\0") if a], os.readlink(f"/proc/{pid}/cwd")

    def restart(self, name, argv_cwd):
        """Starts a process again with the command line it had, as start-cluster.sh started it."""
        argv, cwd = argv_cwd
        with open(os.path.join(self.run_dir, "logs", name + ".log"), "ab") as out:
            p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        self.started.append(p.pid)
        threading.Thread(target=p.wait, daemon=True).start()   # reaped at once, so no zombie looks alive
        with open(os.path.join(self.run_dir, "pids", name + ".pid"), "w") as f:
            f.write(f"{p.pid}\n")
        return p.pid

    def freeze(self, pid):
        os.kill(pid, signal.SIGSTOP)
        self.frozen.add(pid)

    def cont(self, pid):
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
        self.frozen.discard(pid)

    def status(self, timeout="5s"):
        """{service: [instance ids]} as ZooKeeper has them."""
        p = run([os.path.join(BIN, "tcpmesh-java"), "io.tcpmesh.coordination.cli.StatusCommand",
                 "--zk", self.zk, "--timeout", timeout], timeout=60,
                env=dict(os.environ, TCPMESH_HEAP="64m"))
        members, service = {}, None
        for line in p.stdout.splitlines():
            m = re.match(r"^(\S+) \((\d+)\)$", line)
            if m:
                service = m.group(1)
                members[service] = []
            elif service and line.startswith("  "):
                members[service].append(line.split()[0])
        return members

    def expected(self):
        return {"md5": 3, "echo": 3, "numbers": 2, "storage-collector": 1, "proxy": 1}

    def registered_as_expected(self):
        s = self.status()
        return all(len(s.get(k, [])) == v for k, v in self.expected().items())

    def wait_registered(self, timeout=60):
        return wait_for(self.registered_as_expected, timeout, step=1.0)

    def zk_get(self, path):
        p = run([os.path.join(DIST, "zkcli.sh"), "--zk", self.zk, "get", path], timeout=60)
        lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
        return json.loads(lines[-1]) if lines else None

    def echo_leader(self):
        pids = listeners(self.master)
        return pids[0] if len(pids) == 1 else None

    def proxy_config(self):
        with open(os.path.join(self.run_dir, "proxy.json")) as f:
            return json.load(f)

    def app(self, name):
        return next(a for a in self.proxy_config()["Apps"] if a["Name"] == name)


class ClusterError(Exception):
    pass


# ---------------------------------------------------------------- load

class Load:
    """dist/bin/load in the background, with its JSON report."""

    def __init__(self, cluster, name, args):
        self.name = name
        self.json = os.path.join(cluster.run_dir, "chaos", f"{name}.json")
        self.out = os.path.join(cluster.run_dir, "chaos", f"{name}.out")
        cmd = [os.path.join(BIN, "load"), "--timeout", LOAD_TIMEOUT, "--drain", "15s", "--json", self.json] + args
        self.describe = "load " + " ".join(args)
        with open(self.out, "w") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                         env=dict(os.environ, TCPMESH_HEAP="256m"))
        self.report = None

    def wait_started(self, timeout=60):
        """Until the load has answered requests for a second (the JVM is up and connected)."""
        def progressed():
            try:
                with open(self.out) as f:
                    return "req/s" in f.read() or not alive(self.proc.pid)
            except OSError:
                return False
        return wait_for(progressed, timeout, step=0.2)

    def wait(self, timeout=300):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(30)
        with open(self.json) as f:
            self.report = json.load(f)
        return self

    @property
    def summary(self):
        return self.report["runs"][0]["summary"]

    def started_epoch(self):
        at = self.report["startedAt"].replace("Z", "+00:00")
        return datetime.datetime.fromisoformat(at[:26] + at[-6:] if "." in at else at).timestamp()

    def after(self, epoch):
        """Requests started after a wall-clock moment (from the per-second timeline; approximate to a second)."""
        start = self.started_epoch()
        total, prev = 0.0, 0.0
        for point in self.report["runs"][0]["timeline"]:
            t = point["atSeconds"]
            if start + prev >= epoch:
                total += point["requestsPerSecond"] * (t - prev)
            prev = t
        return int(round(total))

    def max_after(self, epoch):
        start = self.started_epoch()
        return max([p["max"] for p in self.report["runs"][0]["timeline"] if start + p["atSeconds"] >= epoch] or [0])

    def failed(self):
        s = self.summary
        kinds = ", ".join(f"{k} {v}" for k, v in s["errorsByKind"].items() if v)
        return s["errors"], (f"{s['errors']} ({kinds})" if s["errors"] else "0")

    def line(self):
        s = self.summary
        return f"{s['requests']} ok of {s['attempts']}, p99 {s['p99']:.1f} ms, max {s['max']:.0f} ms"


def md5_load(c, seconds, name, rate=200):
    return Load(c, name, ["--mode", "md5", "-c", "8", "--rate", str(rate), "-d", f"{seconds}s", f"127.0.0.1:{c.md5_proxy}"])


def echo_load(c, seconds, name, port=None, rate=200):
    return Load(c, name, ["--mode", "echo", "-c", "10", "--rate", str(rate), "-d", f"{seconds}s",
                          f"127.0.0.1:{port or c.echo_proxy}"])


# ---------------------------------------------------------------- the scenarios

class Suite:
    def __init__(self, cluster, quick):
        self.c, self.quick = cluster, quick

    def s(self, full, quick):
        return quick if self.quick else full

    def restore(self, name, argv_cwd, row):
        pid = self.c.restart(name, argv_cwd)
        if not self.c.wait_registered(90):
            row.notes.append(f"{name} did not register again within 90 s after its restart")
        return pid

    # 1, 2: an md5 node killed or stopped under load
    def md5_node_fault(self, row, sig, label):
        c = self.c
        load = md5_load(c, self.s(14, 10), f"s{row.num}")
        load.wait_started()
        time.sleep(2)
        name = f"md5-{c.md5[1]}"
        pid = c.pid(name)
        argv = c.argv(pid)
        fault_at = time.time()
        os.kill(pid, sig)
        wait_for(lambda: not alive(pid), 30)
        load.wait()
        n, failed = load.failed()
        row.load = load.describe
        row.after = f"≈{load.after(fault_at)}"
        row.failed = failed
        row.target = "0 failed requests"
        row.notes.append(f"{label} {name} (pid {pid}) {fault_at - load.started_epoch():.1f} s into the load; {load.line()}")
        row.verdict(n == 0, "" if n == 0 else f"{n} failed")
        self.restore(name, argv, row)

    def scenario_1(self, row):
        self.md5_node_fault(row, signal.SIGKILL, "kill -9")

    def scenario_2(self, row):
        self.md5_node_fault(row, signal.SIGTERM, "SIGTERM")

    def scenario_3(self, row):
        c = self.c
        freeze = self.s(15, 10)
        app = c.app("md5")
        response_timeout = app.get("ResponseTimeout")
        bound = (parse_duration(response_timeout) + 1.0) if response_timeout else None
        load = md5_load(c, freeze + 12, "s3")
        load.wait_started()
        time.sleep(2)
        name = f"md5-{c.md5[1]}"
        pid = c.pid(name)
        fault_at = time.time()
        c.freeze(pid)
        time.sleep(freeze)
        c.cont(pid)
        load.wait()
        n, failed = load.failed()
        worst = load.max_after(fault_at) / 1000.0
        row.load = load.describe
        row.after = f"≈{load.after(fault_at)}"
        row.failed = failed
        row.recovery = f"slowest request after the freeze {worst:.2f} s"
        row.target = "0 failed; p99 of affected requests ≤ ResponseTimeout + 1 s"
        row.notes.append(f"SIGSTOP {name} for {freeze} s; proxy md5 app: ResponseTimeout={response_timeout}, "
                         f"RetryOnNoResponse={app.get('RetryOnNoResponse')}; {load.line()}; the bound is checked "
                         f"against the slowest request after the freeze, which is stricter than the p99 of the affected ones")
        if bound is None:
            row.verdict(False, f"{n} failed; the md5 app has no ResponseTimeout")
        else:
            ok = n == 0 and worst <= bound
            row.verdict(ok, "" if ok else f"{n} failed, slowest {worst:.2f} s against {bound:.2f} s")

    # 4: the echo leader killed
    def scenario_4(self, row):
        c = self.c
        leader = wait_for(c.echo_leader, 30)
        name = next(n for n, p in c.pids().items() if p == leader)
        argv = c.argv(leader)
        prober = Prober(c.master)
        prober.start()
        wait_for(lambda: any(ok for _, ok in prober.samples), 10)
        killed_at = time.monotonic()
        os.kill(leader, signal.SIGKILL)
        back = wait_for(lambda: prober.first_ok_after(killed_at + 0.01), SESSION_TIMEOUT + 15, step=0.05)
        time.sleep(1)
        prober.stop()
        new_leader = c.echo_leader()
        gap = prober.longest_gap()
        bound = SESSION_TIMEOUT + 1.0
        row.load = "a new master-port connection every 50 ms"
        row.after = str(sum(1 for t, _ in prober.samples if t >= killed_at))
        row.failed = f"{prober.failures(killed_at)} probes (the gap)"
        row.recovery = f"master port back after {gap:.2f} s" if back is not None else "not back"
        row.target = f"master port back ≤ session timeout + 1 s ({bound:.0f} s); never two listening"
        row.notes.append(f"kill -9 {name} (pid {leader}); new leader pid {new_leader}; at most "
                         f"{prober.max_listeners} process(es) listening on the master port at any sample")
        ok = back is not None and gap <= bound and prober.max_listeners <= 1
        row.verdict(ok, "" if ok else f"gap {gap:.2f} s, {prober.max_listeners} listeners")
        self.restore(name, argv, row)

    # 5: the echo leader frozen past its session timeout
    def scenario_5(self, row):
        c = self.c
        leader = wait_for(c.echo_leader, 30)
        name = next(n for n, p in c.pids().items() if p == leader)
        open_session = socket.create_connection(("127.0.0.1", c.master), timeout=2)
        open_session.sendall(b"before\n")
        assert recv_line(open_session, 2) == b"before\n", "the leader did not echo before the freeze"
        freeze = SESSION_TIMEOUT + self.s(5, 3)
        c.freeze(leader)
        frozen_at = time.monotonic()
        time.sleep(SESSION_TIMEOUT + 2)
        queued = socket.create_connection(("127.0.0.1", c.master), timeout=2)   # the frozen leader's backlog
        queued.sendall(b"queued\n")
        open_session.sendall(b"during\n")
        time.sleep(max(0.0, freeze - (time.monotonic() - frozen_at)))
        resumed_at = time.monotonic()
        c.cont(leader)
        successor = Successor(c.master, leader)
        successor.start()
        echoed = read_for(open_session, 3.0) + read_for(queued, 0.1)
        successor.join(12)
        open_session.close()
        queued.close()
        first = successor.serving_at - resumed_at if successor.serving_at else None
        row.load = "one open master-port session, one connection queued during the freeze, probes after"
        row.after = "2 lines sent to the frozen leader"
        row.failed = f"{len(echoed)} bytes echoed by the deposed leader" if echoed else "nothing echoed by the deposed leader"
        row.recovery = f"successor serving {first:.2f} s after the resume" if first is not None else "no successor within 10 s"
        row.target = "nothing echoed by the deposed leader; successor ≤ 1 s after the resume"
        row.notes.append(f"SIGSTOP {name} (pid {leader}) for {freeze:.0f} s; echoed back: {echoed[:80]!r}; "
                         f"now listening: {listeners(c.master)}")
        ok = not echoed and first is not None and first <= 1.0
        row.verdict(ok, "" if ok else ("deposed leader echoed" if echoed else "successor late"))

    # 6: standalone ZooKeeper down under load
    def scenario_6(self, row):
        c = self.c
        if c.ensemble:
            return row.skip("the cluster runs an ensemble")
        down = self.s(20, 10)
        md5 = md5_load(c, down + 14, "s6-md5")
        echo = echo_load(c, down + 14, "s6-echo")
        md5.wait_started()
        echo.wait_started()
        time.sleep(2)
        zk_pid = c.pid("zookeeper")
        argv = c.argv(zk_pid)
        fault_at = time.time()
        os.kill(zk_pid, signal.SIGKILL)
        time.sleep(down)
        restarted = time.monotonic()
        c.restart("zookeeper", argv)
        registered = c.wait_registered(60)
        recovery = time.monotonic() - restarted
        md5.wait()
        echo.wait()
        status = c.status()
        n1, f1 = md5.failed()
        n2, f2 = echo.failed()
        row.load = f"{md5.describe}; {echo.describe}"
        row.after = f"≈{md5.after(fault_at)} md5, ≈{echo.after(fault_at)} echo"
        row.failed = f"md5 {f1}; echo {f2}"
        row.lost = "registrations: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(status.items()))
        row.recovery = f"every service registered {recovery:.1f} s after ZooKeeper restarted" if registered else "not all registered"
        row.target = "0 failed proxied requests; every service re-registered exactly once"
        ok = n1 == 0 and n2 == 0 and bool(registered)
        row.verdict(ok, "" if ok else f"{n1 + n2} failed" + ("" if registered else ", registrations wrong"))

    # 7: ensemble members killed
    def scenario_7(self, row):
        c = self.c
        if not c.ensemble:
            return row.skip("needs start-cluster.sh --zk-servers 3")
        members = {n: c.pid(n) for n in c.names("zookeeper")}
        client_ports = [int(p.rsplit(":", 1)[1]) for p in c.zk.split(",")]
        leader = wait_for(c.echo_leader, 30)
        md5 = md5_load(c, 30, "s7-md5")
        echo = echo_load(c, 30, "s7-echo")
        md5.wait_started()
        echo.wait_started()
        prober = Prober(c.master)
        prober.start()
        time.sleep(2)
        conn = established(leader, remote_ports=client_ports)
        first = next((n for n, p in members.items() if conn and conn[0][1] in tcp_listen_ports(p)), None)
        killed = []
        if first:
            argv = c.argv(members[first])
            os.kill(members[first], signal.SIGKILL)
            killed.append(first)
            time.sleep(8)
            # back before the second kill: killing two of three at once would leave no quorum
            members[first] = c.restart(first, argv)
            wait_for(lambda: tcp_listen_ports(members[first]), 30, step=0.5)
        time.sleep(8)
        zk_leader = next((n for n, p in members.items() if n not in killed and alive(p) and len(tcp_listen_ports(p)) >= 3), None)
        if zk_leader:
            os.kill(members[zk_leader], signal.SIGKILL)
            killed.append(zk_leader)
        time.sleep(8)
        prober.stop()
        md5.wait()
        echo.wait()
        n1, f1 = md5.failed()
        n2, f2 = echo.failed()
        same_leader = c.echo_leader() == leader
        row.load = f"{md5.describe}; {echo.describe}; master-port probes every 50 ms"
        row.failed = f"md5 {f1}; echo {f2}; master-port probes failed {prober.failures()}"
        row.recovery = f"echo leader {'kept' if same_leader else 'changed'}; longest master-port gap {prober.longest_gap():.2f} s"
        row.target = "0 failed; no master-port gap"
        row.notes.append(f"killed {', '.join(killed)} (first the member the echo leader used, restarted 8 s later, then the "
                         f"ZooKeeper leader)")
        ok = n1 == 0 and n2 == 0 and prober.failures() == 0 and len(killed) == 2
        row.verdict(ok, "" if ok else "see failed")

    # 8: a frozen service's session expires
    def scenario_8(self, row):
        c = self.c
        name = f"md5-{c.md5[2]}"
        path = f"/tcpmesh/services/md5/{name}"
        before = c.zk_get(path)
        pid = c.pid(name)
        c.freeze(pid)
        time.sleep(SESSION_TIMEOUT + 3)
        gone = c.zk_get(path) is None
        resumed = time.monotonic()
        c.cont(pid)
        after = wait_for(lambda: c.zk_get(path), 30, step=0.5)
        back = time.monotonic() - resumed
        count = len(c.status().get("md5", []))
        same = before == after
        row.load = "none"
        row.failed = "-"
        row.lost = f"md5 instances after: {count}; data {'identical' if same else 'changed'}"
        row.recovery = f"re-registered {back:.1f} s after SIGCONT" if after else "not re-registered"
        row.target = "re-registered once, same data"
        row.notes.append(f"SIGSTOP {name} for {SESSION_TIMEOUT + 3:.0f} s; its node was "
                         f"{'gone' if gone else 'still there'} during the freeze")
        if not same and before and after:
            diff = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            row.notes.append(f"fields that changed: {diff}")
        ok = bool(after) and count == 3 and same
        row.verdict(ok, "" if ok else "see lost/duplicated")

    # 9: the numbers server serving a stream killed
    def scenario_9(self, row):
        c = self.c
        count = self.s(15, 10)
        client_id = f"chaos-9-{os.getpid()}-{int(time.time())}"
        out = os.path.join(c.run_dir, "chaos", "s9-client.out")
        with open(out, "w") as f:
            client = subprocess.Popen([os.path.join(BIN, "numbers-client"), "--port", str(c.numbers_proxy),
                                       "--count", str(count), "--client-id", client_id, "--print"],
                                      stdout=f, stderr=subprocess.STDOUT)
        serving = wait_for(lambda: next((p for p in c.numbers if established_on(p)), None), 30)
        time.sleep(3)
        name = f"numbers-{serving}"
        pid = c.pid(name)
        argv = c.argv(pid)
        os.kill(pid, signal.SIGKILL)
        try:
            code = client.wait(count + 60)
        except subprocess.TimeoutExpired:
            client.kill()
            code = "timeout"
        with open(out) as f:
            text = f.read()
        got = re.findall(r"^(\d+) \d+$", text, re.M)
        row.load = f"numbers-client --count {count} through the proxy (1 message/s)"
        row.failed = f"client exit {code}"
        row.lost = f"{len(got)} messages printed, {len(set(got))} distinct, of {count}"
        row.target = "stream resumes elsewhere; checksum matches; no gap, no duplicate"
        row.notes.append(f"kill -9 {name} (pid {pid}) 3 s into the stream")
        ok = code == 0 and len(got) == count and len(set(got)) == count
        row.verdict(ok, "" if ok else f"exit {code}")
        self.restore(name, argv, row)

    # 10: the collector killed mid-run
    def scenario_10(self, row):
        c = self.c
        runtime = self.s(12, 8)
        run_name = f"chaos-10-{int(time.time())}"
        agents = []
        for a in ("a", "b"):
            d = os.path.join(c.run_dir, "chaos", f"agent-{a}")
            os.makedirs(d, exist_ok=True)
            out = open(os.path.join(c.run_dir, "chaos", f"s10-agent-{a}.out"), "w")
            agents.append((a, out, subprocess.Popen(
                [os.path.join(BIN, "storage-agent"), "--dir", d, "--runtime", f"{runtime}s", "--chunk-size", "64K",
                 "--file-size", "1M", "--max-rate", "8M", "--heartbeat", "1s", "--monitor", "1s", "--min-free", "100M",
                 "--zk", c.zk, "--run", run_name, "--id", f"chaos-{a}"], stdout=out, stderr=subprocess.STDOUT)))
        time.sleep(4)
        name = f"storage-collector-{c.collector}"
        pid = c.pid(name)
        argv = c.argv(pid)
        os.kill(pid, signal.SIGKILL)
        time.sleep(2)
        c.restart(name, argv)
        codes = {}
        for a, out, p in agents:
            try:
                codes[a] = p.wait(runtime + 90)
            except subprocess.TimeoutExpired:
                p.kill()
                codes[a] = "timeout"
            out.close()
        db = argv[0][argv[0].index("--db") + 1] if "--db" in argv[0] else None
        report = run([os.path.join(BIN, "storage-collector"), "report", run_name, "--json", "--db", db], timeout=60).stdout
        text = run([os.path.join(BIN, "storage-collector"), "report", run_name, "--db", db], timeout=60).stdout
        rep = json.loads(report[report.index("{"):]) if "{" in report else {"agents": []}
        mismatches = []
        for a, _, _ in agents:
            with open(os.path.join(c.run_dir, "chaos", f"s10-agent-{a}.out")) as f:
                m = re.search(r"(\d+) rollovers, (\d+) chunks", f.read())
            stored = next((x for x in rep["agents"] if x["agent"] == f"chaos-{a}"), None)
            if not m or not stored or (int(m.group(1)), int(m.group(2))) != (stored["rollovers"], stored["chunks"]) \
                    or stored["status"] != "STOPPED":
                mismatches.append(f"chaos-{a}: agent said {m.groups() if m else '?'}, stored "
                                  f"{(stored['rollovers'], stored['chunks'], stored['status']) if stored else 'nothing'}")
        outage = bool(re.search(r"collector.{0,40}(away|down|outage|unavailable)", text, re.I))
        row.load = f"2 storage agents, {runtime} s runs, heartbeat 1 s"
        row.failed = f"agent exits {codes}"
        row.lost = "every message stored once" if not mismatches else "; ".join(mismatches)
        row.recovery = "collector restarted 2 s after the kill"
        row.target = "every agent message stored exactly once; report right, naming the outage"
        row.notes.append(f"report names the collector's outage: {'yes' if outage else 'no'}")
        ok = not mismatches and all(v == 0 for v in codes.values()) and outage
        row.verdict(ok, "" if ok else ("outage not in the report" if not mismatches and outage is False else "see lost"))

    # 11: slow-loris on every port
    def scenario_11(self, row):
        c = self.c
        per_port = self.s(500, 100)
        hold = self.s(70, 40)
        ports = {  # port: (first bytes to trickle, documented bound in seconds or None when trickling is legitimate)
            c.md5[0]: (b"x" * 64, 35), c.md5_proxy: (b"x" * 64, 36),
            c.numbers[0]: (b"HELLO 1 stateful slow 5 0\n", 11), c.numbers_proxy: (b"HELLO 1 stateful slow 5 0\n", 12),
            c.collector: (b"\x00\x00\x00\x20{\"v\":1,\"type\":\"HELLO\"", 11),
            c.echo[0]: (b"x" * 64, None), c.echo_proxy: (b"x" * 64, None),
        }
        base_fds = {n: fd_count(p) for n, p in c.pids().items()}
        base = md5_load(c, 6, "s11-baseline").wait()
        loris = SlowLoris(ports, per_port, every=3.0)
        loris.start()
        during = md5_load(c, 8, "s11-during")
        during.wait_started()
        during.wait()
        loris.hold(hold)
        loris.stop()
        fds_ok = wait_for(lambda: all(fd_count(p) <= base_fds.get(n, 0) + 8 for n, p in c.pids().items()), 20, step=0.5)
        after_fds = {n: fd_count(p) for n, p in c.pids().items()}
        p99_base, p99_during = base.summary["p99"], during.summary["p99"]
        misses = []
        for port, (_, bound) in ports.items():
            closed, times = loris.closed(port)
            row.notes.append(f"port {port}: {closed}/{per_port} closed by the server"
                             + (f", median after {sorted(times)[len(times) // 2]:.1f} s" if times else "")
                             + (f" (bound {bound} s)" if bound else " (legitimate traffic for echo: no bound)"))
            if bound and (closed < per_port or max(times) > bound):
                misses.append(f"port {port}")
        n, failed = during.failed()
        row.load = f"{per_port} connections per port on {len(ports)} ports; md5 load beside"
        row.failed = f"other client: {failed}"
        row.lost = "descriptors back to baseline" if fds_ok else "descriptors above baseline: " + ", ".join(
            f"{k} {base_fds.get(k)}→{v}" for k, v in after_fds.items() if v > base_fds.get(k, 0) + 8)
        row.recovery = f"other client's p99 {p99_during:.1f} ms against {p99_base:.1f} ms alone"
        row.target = "each closed within its documented bound; other clients' p99 ≤ 2× baseline; descriptors back"
        ok = not misses and n == 0 and p99_during <= 2 * max(p99_base, 1.0) and bool(fds_ok)
        row.verdict(ok, "" if ok else "; ".join(misses + ([] if fds_ok else ["descriptors"]) +
                                                 ([] if p99_during <= 2 * max(p99_base, 1.0) else ["p99"])))

    # 12: connection flood
    def scenario_12(self, row):
        c = self.c
        count = self.s(5000, 1000)
        ports = [c.md5_proxy, c.echo_proxy, c.numbers_proxy, c.master, c.collector] + \
            ([] if self.quick else [c.md5[0], c.echo[0], c.numbers[0]])
        base_fds = {n: fd_count(p) for n, p in c.pids().items()}
        md5 = md5_load(c, 10 + len(ports) * 3, "s12-md5")
        echo = echo_load(c, 10 + len(ports) * 3, "s12-echo")
        md5.wait_started()
        echo.wait_started()
        opened = {}
        for port in ports:
            opened[port] = flood(port, count)
        md5.wait()
        echo.wait()
        fds_ok = wait_for(lambda: all(fd_count(p) <= base_fds.get(n, 0) + 8 for n, p in c.pids().items()), 30, step=0.5)
        n1, f1 = md5.failed()
        n2, f2 = echo.failed()
        row.load = f"{count} connects per port on {len(ports)} ports; {md5.describe}; {echo.describe}"
        row.failed = f"well-behaved md5 {f1}; echo {f2}"
        row.lost = "descriptors back to baseline" if fds_ok else "descriptors above baseline"
        row.notes.append("connections opened per port: " + ", ".join(f"{p}: {n}" for p, n in opened.items()))
        row.target = "0 errors for a concurrent well-behaved client; descriptors back to baseline"
        ok = n1 == 0 and n2 == 0 and bool(fds_ok)
        row.verdict(ok, "" if ok else "see failed/lost")

    # 13: a client that sends without reading
    def scenario_13(self, row):
        c = self.c
        total = 100 << 20
        proxy_pid = c.pid("proxy")
        results = []
        ok_all = True
        for label, port in (("echo node", c.echo[0]), ("through the proxy", c.echo_proxy)):
            watched = {"proxy": proxy_pid} if port == c.echo_proxy else {}
            watched.update({f"echo-{p}": c.pid(f"echo-{p}") for p in c.echo})
            before = {n: rss_bytes(p) for n, p in watched.items()}
            backends_before = len(established(proxy_pid, remote_ports=c.echo))
            peak = dict(before)
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setblocking(False)
            sent, stalled_since, block = 0, time.monotonic(), b"z" * 65536
            deadline = time.monotonic() + 30
            while sent < total and time.monotonic() < deadline and time.monotonic() - stalled_since < 3:
                try:
                    sent += s.send(block)
                    stalled_since = time.monotonic()
                except BlockingIOError:
                    time.sleep(0.01)
                for n, p in watched.items():
                    peak[n] = max(peak[n], rss_bytes(p))
            time.sleep(1)
            for n, p in watched.items():
                peak[n] = max(peak[n], rss_bytes(p))
            closed_at = time.monotonic()
            s.close()
            released = wait_for(lambda: len(established(proxy_pid, remote_ports=c.echo)) <= backends_before, 10, step=0.05)
            released_after = time.monotonic() - closed_at
            growth = max(peak[n] - before[n] for n in watched)
            results.append(f"{label}: {sent >> 20} MiB accepted before the server stopped reading, RSS growth "
                           f"{growth >> 20} MiB" + ((f", backend closed {released_after:.2f} s after the client went" if released
                                                      else ", backend still open 10 s after the client went")
                                                     if port == c.echo_proxy else ""))
            ok_all &= growth < (64 << 20) and (port != c.echo_proxy or (released and released_after <= 1.0))
        row.load = "one client sending up to 100 MB without reading"
        row.lost = "; ".join(results)
        row.target = "RSS growth < 64 MB; backend connection closed ≤ 1 s after the client goes"
        row.verdict(ok_all, "" if ok_all else "see lost/duplicated")

    # 14: reload storm
    def scenario_14(self, row):
        c = self.c
        path = os.path.join(c.run_dir, "proxy.json")
        with open(path) as f:
            original = f.read()
        proxy_pid = c.pid("proxy")
        md5 = md5_load(c, 12, "s14-md5")
        echo = echo_load(c, 12, "s14-echo")
        md5.wait_started()
        echo.wait_started()
        time.sleep(2)
        config = json.loads(original)
        for i in range(20):
            for app in config["Apps"]:
                app["IdleTimeout"] = f"{10 + i % 2}m"
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(config, f, indent=2)
            os.replace(tmp, path)
            os.kill(proxy_pid, signal.SIGHUP)
            time.sleep(0.1)
        with open(path + ".tmp", "w") as f:
            f.write(original)
        os.replace(path + ".tmp", path)
        os.kill(proxy_pid, signal.SIGHUP)
        md5.wait()
        echo.wait()
        n1, f1 = md5.failed()
        n2, f2 = echo.failed()
        row.load = f"{md5.describe}; {echo.describe} (echo: 10 connections open throughout)"
        row.failed = f"md5 {f1}; echo {f2}"
        row.target = "0 failed; open connections survive"
        row.notes.append(f"20 rewrites of {path} with a SIGHUP each, 100 ms apart; proxy alive after: {alive(proxy_pid)}")
        ok = n1 == 0 and n2 == 0 and alive(proxy_pid)
        row.verdict(ok, "" if ok else f"{n1 + n2} failed")

    # 15: partitions, on the namespace cluster (dist/netns-cluster.sh), measured by dist/bench/netns/run.sh
    def scenario_15(self, row):
        script = os.path.join(DIST, "netns-cluster.sh")
        bench = os.path.join(DIST, "bench", "netns", "run.sh")
        if os.geteuid() != 0:
            return row.skip("needs root for network namespaces")
        if not (os.path.exists(script) and os.path.exists(bench)):
            return row.skip("needs dist/netns-cluster.sh and dist/bench/netns/run.sh")
        if run(["ip", "netns", "list"]).returncode != 0:
            return row.skip("ip netns is not available")
        hold = self.s(15, 10)
        try:
            up = run([script, "up"], timeout=300)
            if up.returncode != 0:
                return row.verdict(False, "netns-cluster.sh up failed: " + up.stdout[-300:].replace("\n", " "))
            out = run([bench, "--hold", str(hold), "--sections", "1 2"], timeout=600).stdout
        finally:
            run([script, "down"], timeout=120)
        load = re.search(r"- load: requests (\d+) ok of (\d+) started", out)
        ok_md5 = bool(load) and load.group(1) == load.group(2)
        served = re.search(r"served the master port (-?\d+) ms after the cut: (-?\d+) ms after the old leader stopped", out)
        released = re.search(r"released the master port (-?\d+) ms after the cut", out)
        overlap_free = bool(served) and int(served.group(2)) > 0
        row.load = f"md5 load (8 in flight) through the proxy in the client namespace; master-port probe; {hold} s partitions"
        row.failed = (f"md5 {int(load.group(2)) - int(load.group(1))} of {load.group(2)}" if load else "md5 load: no result")
        row.lost = ("no overlap of leaders: the successor served "
                    f"{served.group(2)} ms after the old leader stopped" if overlap_free else "leader overlap or no measurement")
        row.recovery = (f"old leader released {released.group(1)} ms after the cut, successor served {served.group(1)} ms after it"
                        if released and served else "-")
        row.target = "no overlap of leaders; 0 failed md5 requests"
        row.notes.append(" ".join(l.strip() for l in out.splitlines() if l.startswith(("- ", "## "))))
        ok = ok_md5 and overlap_free
        row.verdict(ok, "" if ok else "see failed/lost")


class Successor(threading.Thread):
    """Waits until a process other than the deposed leader listens on the port and echoes a new connection."""

    def __init__(self, port, deposed):
        super().__init__(daemon=True)
        self.port, self.deposed = port, deposed
        self.serving_at = None

    def run(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pids = listeners(self.port)
            if pids and self.deposed not in pids and echo_once(self.port, timeout=0.3):
                self.serving_at = time.monotonic()
                return
            time.sleep(0.02)


def recv_line(s, timeout):
    s.settimeout(timeout)
    got = b""
    try:
        while not got.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    return got


def read_for(s, seconds):
    s.settimeout(0.05)
    got, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        except socket.timeout:
            continue
        except OSError:
            break
    return got


def established_on(port):
    out = run(["ss", "-tnH", "state", "established", f"sport = :{port}"]).stdout
    return bool(out.strip())


def tcp_listen_ports(pid):
    out = run(["ss", "-ltnpH"]).stdout
    return {int(l.split()[3].rsplit(":", 1)[1]) for l in out.splitlines() if f"pid={pid}," in l}


def parse_duration(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", str(text).strip())
    if not m:
        return 0.0
    return float(m.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[m.group(2)]


def flood(port, count):
    """Opens count connections to port as fast as it can, holds them a second, closes them; how many opened."""
    socks, opened = [], 0
    deadline = time.monotonic() + 20
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        socks.append(s)
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_WRITE)
    pending = len(socks)
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(0.5):
            sel.unregister(key.fileobj)
            pending -= 1
            if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                opened += 1
    time.sleep(1)
    for s in socks:
        s.close()
    sel.close()
    return opened


class SlowLoris(threading.Thread):
    """Connections that send their first bytes one at a time, a byte every `every` seconds."""

    def __init__(self, ports, per_port, every):
        super().__init__(daemon=True)
        self.ports, self.per_port, self.every = ports, per_port, every
        self.conns = []           # [socket, port, bytes, sent, opened_at, closed_after]
        self.sel = selectors.DefaultSelector()
        self.done = threading.Event()

    def run(self):
        for port, (data, _) in self.ports.items():
            for _ in range(self.per_port):
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=5)
                except OSError:
                    continue
                s.setblocking(False)
                entry = [s, port, data, 0, time.monotonic(), None]
                self.conns.append(entry)
                self.sel.register(s, selectors.EVENT_READ, entry)
        next_send = time.monotonic()
        while not self.done.is_set():
            for key, _ in self.sel.select(0.2):
                entry = key.data
                try:
                    chunk = entry[0].recv(4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    self.closed_now(entry)
            if time.monotonic() >= next_send:
                next_send += self.every
                for entry in self.conns:
                    if entry[5] is None:
                        try:
                            entry[0].send(entry[2][entry[3] % len(entry[2]):][:1])
                            entry[3] += 1
                        except OSError:
                            self.closed_now(entry)

    def closed_now(self, entry):
        if entry[5] is None:
            entry[5] = time.monotonic() - entry[4]
            try:
                self.sel.unregister(entry[0])
            except (KeyError, ValueError):
                pass

    def hold(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(e[5] is not None for e in self.conns if self.ports[e[1]][1]):
                break
            time.sleep(0.5)

    def stop(self):
        self.done.set()
        self.join(5)
        for e in self.conns:
            e[0].close()

    def closed(self, port):
        times = [e[5] for e in self.conns if e[1] == port and e[5] is not None]
        return len(times), times


# ---------------------------------------------------------------- the report

def machine():
    java = run(["java", "-version"]).stdout.splitlines()
    mem = ""
    with open("/proc/meminfo") as f:
        mem = f.readline().split()[1]
    rev = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip()
    dirty = run(["git", "-C", ROOT, "status", "--porcelain"]).stdout.strip()
    load = open("/proc/loadavg").read().split()[:3]
    return [f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores, "
            f"{int(mem) // 1024 // 1024} GiB, load average {' '.join(load)} at the start",
            java[0] if java else "java: ?",
            f"tcpmesh {rev}{' with uncommitted changes' if dirty else ''}"]


def write_report(path, rows, args_line, started, info, cluster):
    met = sum(1 for r in rows if r.met)
    missed = sum(1 for r in rows if r.met is False)
    lines = [
        "# tcpmesh reliability: measured faults",
        "",
        f"Made by `dist/chaos/run.sh {args_line}` on {started:%Y-%m-%d %H:%M} UTC "
        f"({met} met, {missed} missed, {len(rows) - met - missed} not run).",
        "",
        "Each row started a real fault in a real cluster (start-cluster.sh on port offset "
        f"{cluster.offset}, ZooKeeper {'ensemble' if cluster.ensemble else 'standalone'}) under real load "
        "(`dist/bin/load`, numbers-client, storage-agent). A request that fails in any way (refused, reset, "
        f"no answer within {LOAD_TIMEOUT}, wrong reply, unanswered at the end) counts as failed. "
        "\"Started after the fault\" is read off the load tester's per-second timeline, so it is exact to "
        "about a second; the failures are counted over the whole run, before the fault too.",
        "",
        "Machine: " + "; ".join(info),
        "",
        "| # | fault | load | started after the fault | failed (by kind) | data lost or duplicated | recovery | target | result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [str(r.num), r.fault, r.load, r.after, r.failed, r.lost, r.recovery, r.target, r.result]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    lines += ["", "## Notes per scenario", ""]
    for r in rows:
        if r.notes:
            lines.append(f"- **{r.num}.** " + " ".join(n.replace("\n", " ") for n in r.notes))
    lines += ["", "Rerun one row: `dist/chaos/run.sh --only N`; `--quick` runs a subset with shorter faults in "
              "about 5 minutes and exits 1 when a target is missed.", ""]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines))


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(prog="dist/chaos/run.sh", add_help=True,
                                description="tcpmesh fault-injection suite (see dist/chaos/run.sh --help text)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default=None)
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "RELIABILITY.md"))
    p.add_argument("--port-offset", type=int, default=15000)
    p.add_argument("--run-dir", default=None)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--list", action="store_true")
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        sys.exit(2 if e.code else 0)
    if a.only:
        try:
            a.only = [int(x) for x in a.only.replace(" ", "").split(",") if x]
        except ValueError:
            p.exit(2, f"chaos: --only takes scenario numbers 1-15, not '{a.only}'\n")
        bad = [n for n in a.only if n not in SCENARIOS]
        if bad:
            p.exit(2, f"chaos: no scenario {bad[0]} (1-15; --list names them)\n")
    if not 0 <= a.port_offset <= 23000:
        p.exit(2, "chaos: --port-offset must be 0..23000 (every port stays below 32768)\n")
    return a


def main(argv):
    args = parse_args(argv)
    if args.list:
        for n, text in SCENARIOS.items():
            print(f"{n:3}  {text}{'' if n in QUICK_SET else '   (not in --quick)'}")
        return 0
    wanted = args.only or (QUICK_SET if args.quick else list(SCENARIOS))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    run_dir = args.run_dir or tempfile.mkdtemp(prefix="tcpmesh-chaos-")
    os.makedirs(os.path.join(run_dir, "chaos"), exist_ok=True)
    cluster = Cluster(args.port_offset, run_dir)
    started = datetime.datetime.utcnow()
    info = machine()
    rows = {n: Row(n) for n in wanted}

    def interrupted(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, interrupted)
    code = 0
    try:
        suite = Suite(cluster, args.quick)
        standalone = [n for n in wanted if n not in (7, 15)]
        if standalone:
            cluster.start()
            for n in standalone:
                run_one(suite, rows[n])
            cluster.stop()
        if 7 in wanted:
            if Cluster.supports("--zk-servers"):
                cluster.start(ensemble=True)
                run_one(suite, rows[7])
                cluster.stop()
            else:
                rows[7].skip("needs start-cluster.sh --zk-servers 3")
        if 15 in wanted:
            run_one(suite, rows[15])
    except ClusterError as e:
        log(str(e))
        code = 3
    except KeyboardInterrupt:
        log("interrupted: stopping everything the suite started")
        code = 130
    finally:
        cluster.stop()
        write_report(args.out, list(rows.values()), " ".join(argv), started, info, cluster)
        log(f"report: {args.out}")
        if not args.keep and not args.run_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
    if code:
        return code
    for r in rows.values():
        log(f"{r.num:2}  {r.result}")
    return 1 if any(r.met is False for r in rows.values()) else 0


def run_one(suite, row):
    log(f"scenario {row.num}: {row.fault}")
    began = time.monotonic()
    try:
        getattr(suite, f"scenario_{row.num}")(row)
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a scenario that breaks is a missed row, and the suite goes on
        row.verdict(False, f"the scenario failed: {type(e).__name__}: {e}")
        log(f"scenario {row.num} failed: {e!r}")
        for pid in list(suite.c.frozen):
            suite.c.cont(pid)
    log(f"scenario {row.num}: {row.result} ({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
