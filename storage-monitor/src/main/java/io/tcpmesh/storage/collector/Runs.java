package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.store.Store;
import io.tcpmesh.storage.store.Store.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The run lifecycle: which run an agent joins (the open one, or one it names), runs taken up from the
 * database, and when a run is finished. Database thread only.
 */
final class Runs {
    private static final Logger log = LoggerFactory.getLogger(Runs.class);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("'run-'yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Node node;
    private final Store store;
    private final int expect;
    private final Consumer<String> finished;
    static final String COLLECTOR_STOPPED = "COLLECTOR_STOPPED";
    static final String COLLECTOR_RESUMED = "COLLECTOR_RESUMED";

    private final Map<String, RunState> runs = new LinkedHashMap<>();
    /** Runs taken up from the database at start, until the collector serves. */
    private final List<RunState> takenUp = new ArrayList<>();
    private RunState current;

    /**
     * @param expect   agents a new run waits for
     * @param finished told the id of each run that finishes
     */
    Runs(Node node, Store store, int expect, Consumer<String> finished) {
        this.node = node;
        this.store = store;
        this.expect = expect;
        this.finished = finished;
    }

    /** Takes up the run a previous collector left open, if any; its running agents count as disconnected since {@code now}. */
    void resumeOpenRun(long now) {
        store.latestOpenRun().ifPresent(id -> {
            current = load(id, now);
            takenUp.add(current);
            log.info("[{}] run {} taken up from the database: {} agent(s), waiting for them to reconnect", node.name(), id,
                    current.agents.size());
        });
    }

    /**
     * The collector is serving from now on: the agents of the runs taken up from the database get their
     * grace period from now, and each such run records how long the collector was away.
     */
    void serving(long now) {
        for (RunState run : takenUp) {
            for (AgentState agent : run.agents.values()) {
                if (agent.running() && agent.session == null) {
                    agent.disconnectedAt = now;
                    agent.lastHeartbeat = now;
                }
            }
            recordAway(run, now);
        }
        takenUp.clear();
    }

    private void recordAway(RunState run, long now) {
        Optional<Store.EventRow> last = store.lastEvent(run.id);
        boolean clean = last.map(e -> e.type().equals(COLLECTOR_STOPPED)).orElse(false);
        long since = last.map(Store.EventRow::receivedAt).orElseGet(() -> store.run(run.id).map(Store.RunRow::openedAt).orElse(now));
        store.insertCollectorEvent(run.id, null, COLLECTOR_RESUMED, now,
                "{\"awaySince\":" + since + ",\"clean\":" + clean + "}");
        log.info("[{}] run {}: the collector was away for {} ms ({})", node.name(), run.id, now - since,
                clean ? "stopped cleanly" : "ended without a clean stop; counted from the run's last event");
    }

    /** The collector stops: each unfinished run records it, so the next collector knows how long it was away. */
    void stopping(long now) {
        for (RunState run : unfinished()) {
            store.insertCollectorEvent(run.id, null, COLLECTOR_STOPPED, now, null);
        }
    }

    /** Whether the named run is finished (by this collector or an earlier one). */
    boolean finished(String id) {
        RunState run = runs.get(id);
        return run != null ? run.finished : store.runClosed(id);
    }

    /** The run a HELLO joins: the one it names (created on first use), or the open run (opened when there is none). */
    RunState join(String named, int expect, long now) {
        return named != null ? named(named, expect, now) : current(expect, now);
    }

    RunState get(String id) {
        return runs.get(id);
    }

    /** Runs this collector knows, open and finished. */
    int count() {
        return runs.size();
    }

    /** How many agents of every run are in each state. */
    Map<Status, Integer> agentsByStatus() {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        runs.values().forEach(r -> r.agents.values().forEach(a -> counts.merge(a.status, 1, Integer::sum)));
        return counts;
    }

    List<RunState> unfinished() {
        return runs.values().stream().filter(r -> !r.finished).toList();
    }

    /** Finishes a run once it has its agents and none of them is running. */
    void finishIfDone(RunState run, long now) {
        if (run.finished || run.agents.size() < Math.max(1, run.expected)) {
            return;
        }
        if (run.agents.values().stream().anyMatch(AgentState::running)) {
            return;
        }
        run.finished = true;
        store.closeRun(run.id, now);
        if (current == run) {
            current = null;
        }
        long stopped = run.agents.values().stream().filter(a -> a.status == Status.STOPPED).count();
        log.info("[{}] run {} finished: {} agent(s) stopped, {} gone", node.name(), run.id, stopped, run.agents.size() - stopped);
        finished.accept(run.id);
    }

    private RunState current(int expect, long now) {
        if (current == null || current.finished) {
            String id = RUN_ID.format(Instant.ofEpochMilli(now));
            String unique = id;
            for (int n = 2; store.runExists(unique) || runs.containsKey(unique); n++) {
                unique = id + "-" + n;
            }
            current = named(unique, expect, now);
        }
        return current;
    }

    private RunState named(String id, int helloExpect, long now) {
        RunState run = runs.get(id);
        if (run != null) {
            return run;
        }
        if (store.runExists(id)) {
            return load(id, now);
        }
        int expected = Math.max(expect, helloExpect);
        run = new RunState(id, expected);
        runs.put(id, run);
        store.openRun(id, now, expected);
        log.info("[{}] run {} opened{}", node.name(), id, expected > 0 ? ", expecting " + expected + " agent(s)" : "");
        return run;
    }

    /** A run from the database: its agents still running get three heartbeat periods to reconnect. */
    private RunState load(String id, long now) {
        RunState run = new RunState(id, store.run(id).map(Store.RunRow::expected).orElse(expect));
        List<AgentState> agents = new ArrayList<>();
        for (Store.AgentRow row : store.agents(id)) {
            AgentState agent = new AgentState(row.agentId(), now);
            agent.status = row.status();
            agent.heartbeatMs = row.heartbeatMs() > 0 ? row.heartbeatMs() : AgentState.DEFAULT_HEARTBEAT_MS;
            agent.disconnectedAt = row.status() == Status.RUNNING ? now : -1;
            agents.add(agent);
        }
        agents.forEach(a -> run.agents.put(a.id, a));
        runs.put(id, run);
        return run;
    }
}
