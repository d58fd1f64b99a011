package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.LogText;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import io.tcpmesh.storage.store.Store.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/**
 * Whether each agent is still there: heartbeats while it is connected, a grace period while it is not.
 * An agent is gone after {@link #MISSED_TO_GONE} heartbeat periods of either. Database thread only.
 */
final class Liveness {
    static final int MISSED_TO_GONE = 3;
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);

    private final Node node;
    private final Store store;
    private final Runs runs;

    Liveness(Node node, Store store, Runs runs) {
        this.node = node;
        this.store = store;
        this.runs = runs;
    }

    /** The agent speaks on {@code session} from now on. */
    void connected(RunState run, AgentState agent, AgentSession session, long now) {
        agent.session = session;
        agent.disconnectedAt = -1;
        agent.lastHeartbeat = now;
        if (agent.status == Status.GONE) {
            agent.status = Status.RUNNING;
            store.agentStatus(run.id, agent.id, Status.RUNNING, "came back", now);
            store.insertCollectorEvent(run.id, agent.id, "RETURNED", now, null);
        }
    }

    /** START told the agent's heartbeat period. */
    void started(RunState run, AgentState agent, long heartbeatMs, long now) {
        agent.heartbeatMs = heartbeatMs;
        agent.lastHeartbeat = now;
        store.agentHeartbeatInterval(run.id, agent.id, heartbeatMs);
    }

    void heartbeat(RunState run, AgentState agent, Message.Heartbeat hb, long now) {
        agent.lastHeartbeat = now;
        agent.heartbeats++;
        agent.missedWarned = 0;
        String threads = hb.threads().stream()
                .map(t -> LogText.escape(t.name()) + (t.alive() ? (t.progressing() ? " ok" : " stalled") : " dead"))
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

    /** The agent's connection ended; before STOP that starts its grace period. */
    void disconnected(RunState run, AgentState agent, long now) {
        agent.session = null;
        if (agent.running()) {
            agent.disconnectedAt = now;
            store.insertCollectorEvent(run.id, agent.id, "DISCONNECTED", now, "connection lost before STOP");
            log.warn("[{}] run {}: agent {} connection lost before STOP; gone unless it is back within {} ms", node.name(),
                    run.id, agent.id, MISSED_TO_GONE * agent.heartbeatMs);
        }
    }

    /** Checks every running agent of every unfinished run, and finishes the runs that are done. */
    void tick(long now) {
        for (RunState run : runs.unfinished()) {
            for (AgentState agent : run.agents.values()) {
                if (agent.running()) {
                    check(run, agent, now);
                }
            }
            runs.finishIfDone(run, now);
        }
    }

    private void check(RunState run, AgentState agent, long now) {
        long grace = MISSED_TO_GONE * agent.heartbeatMs;
        if (agent.session == null) {
            if (agent.disconnectedAt >= 0 && now - agent.disconnectedAt > grace) {
                gone(run, agent, "connection lost before STOP and not back within " + grace + " ms", now);
            }
            return;
        }
        if (agent.session.stopArrived) {
            return;
        }
        long silent = now - Math.max(agent.lastHeartbeat, agent.session.heartbeatArrived);
        int missed = (int) (silent / agent.heartbeatMs);
        if (missed >= MISSED_TO_GONE) {
            gone(run, agent, MISSED_TO_GONE + " heartbeats missed (none for " + silent + " ms)", now);
        } else if (missed > agent.missedWarned) {
            agent.missedWarned = missed;
            log.warn("[{}] run {}: agent {} missed heartbeat {} of {}", node.name(), run.id, agent.id, missed, MISSED_TO_GONE);
        }
    }

    void gone(RunState run, AgentState agent, String reason, long now) {
        agent.status = Status.GONE;
        store.agentStatus(run.id, agent.id, Status.GONE, reason, now);
        store.insertCollectorEvent(run.id, agent.id, "GONE", now, reason);
        log.warn("[{}] run {}: agent {} is gone: {}", node.name(), run.id, agent.id, reason);
        if (agent.session != null) {
            AgentSession session = agent.session;
            session.failed = true;
            session.connection.send(new Message.Error("gone: " + reason));
            session.connection.closeAfterSending();
            agent.session = null;
        }
    }
}
