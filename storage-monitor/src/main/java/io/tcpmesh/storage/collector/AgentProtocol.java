package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.LogText;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import io.tcpmesh.storage.store.Store.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The collector's side of one connection: HELLO first and once, then numbered messages, each stored and
 * acknowledged; anything else is a protocol error that closes that connection only. Database thread only.
 */
final class AgentProtocol {
    private static final Logger log = LoggerFactory.getLogger(AgentProtocol.class);

    private final Node node;
    private final Store store;
    private final Runs runs;
    private final Liveness liveness;
    private final HelloCheck helloCheck;
    private final CollectorCounters counters;

    AgentProtocol(Node node, Store store, Runs runs, Liveness liveness, HelloCheck helloCheck, CollectorCounters counters) {
        this.node = node;
        this.store = store;
        this.runs = runs;
        this.liveness = liveness;
        this.helloCheck = helloCheck;
        this.counters = counters;
    }

    void received(AgentSession s, Message message, long now) {
        if (s.failed) {
            return;
        }
        if (message instanceof Message.Hello hello) {
            hello(s, hello, now);
        } else if (message instanceof Message.Sequenced m) {
            if (!s.joined()) {
                reject(s, m.type() + " before HELLO", now);
                return;
            }
            sequenced(s, m, now);
        } else {
            reject(s, "agents do not send " + message.type(), now);
        }
    }

    private void hello(AgentSession s, Message.Hello hello, long now) {
        if (s.joined()) {
            reject(s, "second HELLO on one connection", now);
            return;
        }
        Optional<String> refusal = helloCheck.refusal(hello, s.connection);
        if (refusal.isPresent()) {
            reject(s, refusal.get(), now);
            return;
        }
        if (hello.run() != null && runs.finished(hello.run())) {
            reject(s, "run " + hello.run() + " is finished", now);
            return;
        }
        RunState run = runs.join(hello.run(), hello.expect(), now);
        AgentState agent = run.agent(hello.agent());
        if (agent != null && agent.session != null && !agent.session.sameProcess(hello)) {
            AgentSession connected = agent.session;
            s.agent = hello.agent();
            s.run = run.id;
            reject(s, "agent id " + agent.id + " is already connected from " + LogText.escape(connected.host)
                    + " (pid " + connected.pid + ")", now);
            return;
        }
        s.agent = hello.agent();
        s.run = run.id;
        s.host = hello.host();
        s.pid = hello.pid();
        if (agent == null) {
            agent = new AgentState(hello.agent(), now);
            run.agents.put(agent.id, agent);
            store.joinAgent(run.id, agent.id, hello.host(), hello.pid(), now);
            log.info("[{}] run {}: agent {} joined from {} ({}, pid {}), {} agent(s) now", node.name(), run.id, agent.id,
                    s.connection.remote(), LogText.quote(hello.host()), hello.pid(), run.agents.size());
            liveness.connected(run, agent, s, now);
        } else {
            log.info("[{}] run {}: agent {} reconnected from {}", node.name(), run.id, agent.id, s.connection.remote());
            if (agent.session != null && agent.session != s) {
                replaced(agent.session);
            }
            liveness.connected(run, agent, s, now);
            store.insertCollectorEvent(run.id, agent.id, "RECONNECTED", now, s.connection.remote());
        }
        s.connection.send(new Message.Welcome(run.id, node.name()));
    }

    /** The same agent process connected again (its old connection may be half-open): the old one is done. */
    private static void replaced(AgentSession old) {
        old.failed = true;
        old.connection.send(new Message.Error("replaced by a new connection of the same agent"));
        old.connection.closeAfterSending();
    }

    private void sequenced(AgentSession s, Message.Sequenced m, long now) {
        RunState run = runs.get(s.run);
        AgentState agent = run.agent(s.agent);
        Store.Stored stored = store.insertMessage(run.id, agent.id, m, now);
        if (stored == Store.Stored.CONFLICT) {
            reject(s, "seq " + m.seq() + " is already stored with a different body", now);
            return;
        }
        counters.message(stored == Store.Stored.NEW);
        s.connection.send(new Message.Ack(m.seq()));
        if (stored == Store.Stored.DUPLICATE) {
            return;
        }
        if (m instanceof Message.Start start) {
            liveness.started(run, agent, start.heartbeatMs(), now);
            log.info("[{}] run {}: agent {} START: {} writer(s), chunk {} B, file {} B, runtime {} ms, dir {}", node.name(),
                    run.id, agent.id, start.writers(), start.chunkSize(), start.fileSize(), start.runtimeMs(), LogText.quote(start.dir()));
        } else if (m instanceof Message.Rollover r) {
            log.info("[{}] run {}: agent {} writer {} rolled over {} ({} B in {} ms)", node.name(),
                    run.id, agent.id, r.writer(), LogText.quote(r.file()), r.bytes(), r.elapsedMs());
        } else if (m instanceof Message.Heartbeat hb) {
            liveness.heartbeat(run, agent, hb, now);
        } else if (m instanceof Message.Monitor mon) {
            log.debug("[{}] run {}: agent {} sample: {} B in {} ms, cpu {} ms, heap {} B", node.name(),
                    run.id, agent.id, mon.bytes(), mon.intervalMs(), mon.cpuMs(), mon.heapUsed());
        } else if (m instanceof Message.Stop stop) {
            agent.status = Status.STOPPED;
            store.agentStatus(run.id, agent.id, Status.STOPPED, stop.reason(), now);
            log.info("[{}] run {}: agent {} STOP ({}): {} B, {} file(s), {} rollover(s) in {} ms", node.name(), run.id,
                    agent.id, LogText.quote(stop.reason()), stop.bytes(), stop.files(), stop.rollovers(), stop.elapsedMs());
            runs.finishIfDone(run, now);
        }
    }

    /** The connection ended. */
    void closed(AgentSession s, long now) {
        if (!s.joined()) {
            return;
        }
        RunState run = runs.get(s.run);
        AgentState agent = run.agent(s.agent);
        if (agent.session == s) {
            liveness.disconnected(run, agent, now);
        }
    }

    /** A protocol error: recorded, answered with ERROR, and that connection closed; its agent is gone. */
    void reject(AgentSession s, String error, long now) {
        if (s.failed) {
            return;
        }
        s.failed = true;
        counters.protocolError();
        String who = s.who();
        store.insertCollectorEvent(s.run, who, "ERROR", now, error);
        log.warn("[{}] session {} from {} ({}): {}; closing it", node.name(), s.connection.id(), s.connection.remote(),
                LogText.escape(who), LogText.escape(error));
        s.connection.send(new Message.Error(error));
        s.connection.closeAfterSending();
        RunState run = s.run == null ? null : runs.get(s.run);
        AgentState agent = run == null ? null : run.agent(s.agent);
        if (agent != null && agent.session == s && agent.running()) {
            agent.session = null;
            liveness.gone(run, agent, "session closed on a protocol error: " + error, now);
        }
    }
}
