package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.report.ReportFiles;
import io.tcpmesh.storage.store.Store;
import io.tcpmesh.storage.store.Store.Status;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The collector's state and database. Everything here runs on one thread, the database thread: MINA's
 * I/O threads only hand messages over ({@link #received}, {@link #closed}, {@link #failed}), so a slow
 * disk never stalls a NioProcessor, messages of one session are stored in order, and the run state
 * needs no locks.
 */
public final class Collector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Collector.class);
    private static final String STATE = Collector.class.getName() + ".state";
    private static final String PENDING = Collector.class.getName() + ".pending";
    private static final int SUSPEND_ABOVE = 2000;
    private static final int RESUME_BELOW = 200;
    private static final long DEFAULT_HEARTBEAT_MS = 5000;
    private static final int MISSED_TO_GONE = 3;
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("'run-'yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Node node;
    private final CollectorConfig config;
    private final ScheduledExecutorService thread;
    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final CopyOnWriteArrayList<Consumer<String>> finishedListeners = new CopyOnWriteArrayList<>();
    private final CollectorCounters counters = new CollectorCounters();
    private Store store;
    private RunState current;

    private static final class RunState {
        final String id;
        final int expected;
        final Map<String, AgentState> agents = new LinkedHashMap<>();
        boolean finished;

        RunState(String id, int expected) {
            this.id = id;
            this.expected = expected;
        }
    }

    private static final class AgentState {
        final String id;
        Status status = Status.RUNNING;
        long heartbeatMs = DEFAULT_HEARTBEAT_MS;
        long lastHeartbeat;
        long heartbeats;
        int missedWarned;
        IoSession session;
        long disconnectedAt = -1;

        AgentState(String id, long now) {
            this.id = id;
            this.lastHeartbeat = now;
        }
    }

    /** What the database thread knows about one connection. */
    private static final class SessionState {
        String agent;
        String run;
        boolean failed;
    }

    public Collector(Node node, CollectorConfig config) {
        this.node = node;
        this.config = config;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-db");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the database, takes up the run left open by a previous collector, and starts the checks. */
    public Collector start() {
        call(() -> {
            store = Store.open(config.db());
            store.latestOpenRun().ifPresent(this::resume);
        });
        thread.scheduleWithFixedDelay(this::tickSafely, config.tick().toMillis(), config.tick().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public CollectorCounters counters() {
        return counters;
    }

    public void onRunFinished(Consumer<String> listener) {
        finishedListeners.add(listener);
    }

    // ---- called on I/O threads

    public void received(IoSession session, Message message) {
        AtomicInteger pending = pending(session);
        if (pending.incrementAndGet() > SUSPEND_ABOVE) {
            session.suspendRead();
        }
        submit(() -> {
            try {
                onMessage(session, message);
            } catch (RuntimeException e) {
                log.error("[{}] session {}: cannot handle {}", node.name(), session.getId(), message.type(), e);
                reject(session, state(session), "collector failed on " + message.type() + ": " + e.getMessage());
            } finally {
                if (pending.decrementAndGet() < RESUME_BELOW && session.isReadSuspended()) {
                    session.resumeRead();
                }
            }
        });
    }

    public void closed(IoSession session) {
        submit(() -> onClosed(session));
    }

    public void failed(IoSession session, String error) {
        session.suspendRead();
        submit(() -> reject(session, state(session), error));
    }

    /** Runs a task on the database thread, unless the collector is closed. */
    private void submit(Runnable task) {
        try {
            thread.execute(() -> {
                if (store != null) {
                    task.run();
                }
            });
        } catch (RejectedExecutionException closed) {
            log.debug("[{}] collector closed: task dropped", node.name());
        }
    }

    private static AtomicInteger pending(IoSession session) {
        AtomicInteger p = (AtomicInteger) session.getAttribute(PENDING);
        if (p == null) {
            AtomicInteger fresh = new AtomicInteger();
            p = (AtomicInteger) session.setAttributeIfAbsent(PENDING, fresh);
            p = p == null ? fresh : p;
        }
        return p;
    }

    // ---- database thread

    private static SessionState state(IoSession session) {
        SessionState s = (SessionState) session.getAttribute(STATE);
        if (s == null) {
            s = new SessionState();
            session.setAttribute(STATE, s);
        }
        return s;
    }

    private void onMessage(IoSession session, Message message) {
        SessionState s = state(session);
        if (s.failed) {
            return;
        }
        long now = System.currentTimeMillis();
        if (message instanceof Message.Hello hello) {
            hello(session, s, hello, now);
        } else if (message instanceof Message.Sequenced m) {
            if (s.agent == null) {
                reject(session, s, m.type() + " before HELLO");
                return;
            }
            sequenced(session, s, m, now);
        } else {
            reject(session, s, "agents do not send " + message.type());
        }
    }

    private void hello(IoSession session, SessionState s, Message.Hello hello, long now) {
        if (s.agent != null) {
            reject(session, s, "second HELLO on one connection");
            return;
        }
        if (hello.agent() == null || !hello.agent().matches("[A-Za-z0-9._-]{1,100}")) {
            reject(session, s, "bad agent id '" + hello.agent() + "': letters, digits, '.', '_' and '-', at most 100");
            return;
        }
        if (hello.run() != null && !hello.run().matches("[A-Za-z0-9._-]{1,100}")) {
            reject(session, s, "bad run id '" + hello.run() + "'");
            return;
        }
        RunState run = hello.run() != null ? runNamed(hello.run(), now) : currentRun(now);
        s.agent = hello.agent();
        s.run = run.id;
        AgentState agent = run.agents.get(hello.agent());
        if (agent == null) {
            agent = new AgentState(hello.agent(), now);
            run.agents.put(agent.id, agent);
            store.joinAgent(run.id, agent.id, hello.host(), hello.pid(), now);
            log.info("[{}] run {}: agent {} joined from {} (pid {}), {} agent(s) now", node.name(), run.id, agent.id,
                    session.getRemoteAddress(), hello.pid(), run.agents.size());
        } else {
            log.info("[{}] run {}: agent {} reconnected from {}", node.name(), run.id, agent.id, session.getRemoteAddress());
            if (agent.session != null && agent.session != session) {
                agent.session.closeNow();
            }
            if (agent.status == Status.GONE) {
                agent.status = Status.RUNNING;
                store.agentStatus(run.id, agent.id, Status.RUNNING, "came back", now);
                store.insertCollectorEvent(run.id, agent.id, "RETURNED", now, null);
            }
            store.insertCollectorEvent(run.id, agent.id, "RECONNECTED", now, String.valueOf(session.getRemoteAddress()));
        }
        agent.session = session;
        agent.disconnectedAt = -1;
        agent.lastHeartbeat = now;
        session.write(new Message.Welcome(run.id, node.name()));
    }

    private void sequenced(IoSession session, SessionState s, Message.Sequenced m, long now) {
        RunState run = runs.get(s.run);
        AgentState agent = run.agents.get(s.agent);
        boolean fresh = store.insertMessage(run.id, agent.id, m, now);
        counters.message(fresh);
        session.write(new Message.Ack(m.seq()));
        if (!fresh) {
            return;
        }
        if (m instanceof Message.Start start) {
            agent.heartbeatMs = start.heartbeatMs();
            agent.lastHeartbeat = now;
            store.agentHeartbeatInterval(run.id, agent.id, start.heartbeatMs());
            log.info("[{}] run {}: agent {} START: {} writer(s), chunk {} B, file {} B, runtime {} ms, dir {}", node.name(),
                    run.id, agent.id, start.writers(), start.chunkSize(), start.fileSize(), start.runtimeMs(), start.dir());
        } else if (m instanceof Message.Rollover r) {
            log.info("[{}] run {}: agent {} writer {} rolled over {} ({} B in {} ms)", node.name(),
                    run.id, agent.id, r.writer(), r.file(), r.bytes(), r.elapsedMs());
        } else if (m instanceof Message.Heartbeat hb) {
            heartbeat(run, agent, hb, now);
        } else if (m instanceof Message.Monitor mon) {
            log.debug("[{}] run {}: agent {} sample: {} B in {} ms, cpu {} ms, heap {} B", node.name(),
                    run.id, agent.id, mon.bytes(), mon.intervalMs(), mon.cpuMs(), mon.heapUsed());
        } else if (m instanceof Message.Stop stop) {
            agent.status = Status.STOPPED;
            store.agentStatus(run.id, agent.id, Status.STOPPED, stop.reason(), now);
            log.info("[{}] run {}: agent {} STOP ({}): {} B, {} file(s), {} rollover(s) in {} ms", node.name(), run.id,
                    agent.id, stop.reason(), stop.bytes(), stop.files(), stop.rollovers(), stop.elapsedMs());
            finishIfDone(run, now);
        }
    }

    private void heartbeat(RunState run, AgentState agent, Message.Heartbeat hb, long now) {
        agent.lastHeartbeat = now;
        agent.heartbeats++;
        agent.missedWarned = 0;
        String threads = hb.threads().stream()
                .map(t -> t.name() + (t.alive() ? (t.progressing() ? " ok" : " stalled") : " dead"))
                .collect(Collectors.joining(", "));
        boolean healthy = hb.threads().stream().allMatch(t -> t.alive() && t.progressing());
        if (healthy) {
            log.info("[{}] run {}: agent {} heartbeat {}: {}", node.name(), run.id, agent.id, agent.heartbeats, threads);
        } else {
            log.warn("[{}] run {}: agent {} heartbeat {}: {}", node.name(), run.id, agent.id, agent.heartbeats, threads);
        }
        if (agent.status == Status.GONE) {
            agent.status = Status.RUNNING;
            store.agentStatus(run.id, agent.id, Status.RUNNING, "heartbeats resumed", now);
        }
    }

    private void onClosed(IoSession session) {
        SessionState s = state(session);
        if (s.agent == null) {
            return;
        }
        RunState run = runs.get(s.run);
        AgentState agent = run.agents.get(s.agent);
        if (agent.session != session) {
            return;
        }
        agent.session = null;
        if (agent.status == Status.RUNNING) {
            long now = System.currentTimeMillis();
            agent.disconnectedAt = now;
            store.insertCollectorEvent(run.id, agent.id, "DISCONNECTED", now, "connection lost before STOP");
            log.warn("[{}] run {}: agent {} connection lost before STOP; gone unless it is back within {} ms", node.name(),
                    run.id, agent.id, MISSED_TO_GONE * agent.heartbeatMs);
        }
    }

    private void reject(IoSession session, SessionState s, String error) {
        if (s.failed) {
            return;
        }
        s.failed = true;
        counters.protocolError();
        long now = System.currentTimeMillis();
        String who = s.agent != null ? s.agent : String.valueOf(session.getRemoteAddress());
        store.insertCollectorEvent(s.run, s.agent != null ? s.agent : who, "ERROR", now, error);
        log.warn("[{}] session {} from {} ({}): {}; closing it", node.name(), session.getId(), session.getRemoteAddress(), who, error);
        session.write(new Message.Error(error));
        session.closeOnFlush();
        RunState run = s.run == null ? null : runs.get(s.run);
        AgentState agent = run == null ? null : run.agents.get(s.agent);
        if (agent != null && agent.session == session && agent.status == Status.RUNNING) {
            agent.session = null;
            gone(run, agent, "session closed on a protocol error: " + error, now);
        }
    }

    private void tickSafely() {
        if (store == null) {
            return;
        }
        try {
            tick(System.currentTimeMillis());
            counters.census(runs.size(), runs.values().stream().flatMap(r -> r.agents.values().stream())
                    .collect(Collectors.groupingBy(a -> a.status, Collectors.summingInt(a -> 1))));
        } catch (RuntimeException e) {
            log.error("[{}] heartbeat check failed", node.name(), e);
        }
    }

    private void tick(long now) {
        for (RunState run : runs.values()) {
            if (run.finished) {
                continue;
            }
            for (AgentState agent : run.agents.values()) {
                if (agent.status == Status.RUNNING) {
                    check(run, agent, now);
                }
            }
            finishIfDone(run, now);
        }
    }

    private void check(RunState run, AgentState agent, long now) {
        if (agent.session == null) {
            // disconnected: it has three heartbeat periods to come back
            if (agent.disconnectedAt >= 0 && now - agent.disconnectedAt > MISSED_TO_GONE * agent.heartbeatMs) {
                gone(run, agent, "connection lost before STOP and not back within " + MISSED_TO_GONE * agent.heartbeatMs + " ms", now);
            }
            return;
        }
        long silent = now - agent.lastHeartbeat;
        int missed = (int) (silent / agent.heartbeatMs);
        if (missed >= MISSED_TO_GONE) {
            gone(run, agent, MISSED_TO_GONE + " heartbeats missed (none for " + silent + " ms)", now);
        } else if (missed > agent.missedWarned) {
            agent.missedWarned = missed;
            log.warn("[{}] run {}: agent {} missed heartbeat {} of {}", node.name(), run.id, agent.id, missed, MISSED_TO_GONE);
        }
    }

    private void gone(RunState run, AgentState agent, String reason, long now) {
        agent.status = Status.GONE;
        store.agentStatus(run.id, agent.id, Status.GONE, reason, now);
        store.insertCollectorEvent(run.id, agent.id, "GONE", now, reason);
        log.warn("[{}] run {}: agent {} is gone: {}", node.name(), run.id, agent.id, reason);
        if (agent.session != null) {
            agent.session.closeNow();
        }
    }

    private void finishIfDone(RunState run, long now) {
        if (run.finished || run.agents.size() < Math.max(1, run.expected)) {
            return;
        }
        if (run.agents.values().stream().anyMatch(a -> a.status == Status.RUNNING)) {
            return;
        }
        run.finished = true;
        store.closeRun(run.id, now);
        if (current == run) {
            current = null;
        }
        long stopped = run.agents.values().stream().filter(a -> a.status == Status.STOPPED).count();
        log.info("[{}] run {} finished: {} agent(s) stopped, {} gone", node.name(), run.id, stopped, run.agents.size() - stopped);
        try {
            ReportFiles files = ReportFiles.write(store, run.id, config.reports());
            log.info("[{}] run {}: report written to {}, {} and {}", node.name(), run.id, files.text(), files.json(), files.html());
            System.out.print(files.textContent());
        } catch (Exception e) {
            log.error("[{}] run {}: cannot write the report into {}", node.name(), run.id, config.reports(), e);
        }
        for (Consumer<String> l : finishedListeners) {
            l.accept(run.id);
        }
    }

    private RunState currentRun(long now) {
        if (current == null || current.finished) {
            String id = RUN_ID.format(Instant.ofEpochMilli(now));
            String unique = id;
            for (int n = 2; store.runExists(unique) || runs.containsKey(unique); n++) {
                unique = id + "-" + n;
            }
            current = runNamed(unique, now);
        }
        return current;
    }

    private RunState runNamed(String id, long now) {
        RunState run = runs.get(id);
        if (run == null) {
            if (store.runExists(id)) {
                return load(id, now);
            }
            run = new RunState(id, config.expect());
            runs.put(id, run);
            store.openRun(id, now, config.expect());
            log.info("[{}] run {} opened{}", node.name(), id, config.expect() > 0 ? ", expecting " + config.expect() + " agent(s)" : "");
        }
        return run;
    }

    private void resume(String runId) {
        current = load(runId, System.currentTimeMillis());
        log.info("[{}] run {} taken up from the database: {} agent(s), waiting for them to reconnect", node.name(), runId,
                current.agents.size());
    }

    /** A run from the database: its agents still running get three heartbeat periods to reconnect. */
    private RunState load(String runId, long now) {
        RunState run = new RunState(runId, store.run(runId).map(Store.RunRow::expected).orElse(config.expect()));
        for (Store.AgentRow row : store.agents(runId)) {
            AgentState agent = new AgentState(row.agentId(), now);
            agent.status = row.status();
            agent.heartbeatMs = row.heartbeatMs() > 0 ? row.heartbeatMs() : DEFAULT_HEARTBEAT_MS;
            agent.disconnectedAt = row.status() == Status.RUNNING ? now : -1;
            run.agents.put(agent.id, agent);
        }
        runs.put(runId, run);
        return run;
    }

    private void call(Runnable task) {
        try {
            thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Finishes what the I/O threads handed over, then closes the database. */
    @Override
    public void close() {
        if (thread.isShutdown()) {
            return;
        }
        try {
            call(() -> {
                if (store != null) {
                    store.close();
                    store = null;
                }
            });
        } finally {
            thread.shutdownNow();
        }
    }
}
