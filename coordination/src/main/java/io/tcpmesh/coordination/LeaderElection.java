package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.zookeeper.Watcher;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Leader election over Curator's {@link LeaderLatch} at {@code <root>/leaders/NAME}.
 *
 * <p>Contract:
 * <ul>
 *   <li>The listener runs on one thread owned by this election, never two calls at once, and is never
 *       told the same state twice in a row. Its first call, if any, is {@code true}.</li>
 *   <li>SUSPENDED, LOST and session expiry mean "not leader" at once: {@link #isLeader()} turns false
 *       inside ZooKeeper's event thread, before the listener hears of it.</li>
 *   <li>The listener is told what {@link #isLeader()} says when the call runs, not what an event said
 *       earlier; a leader should still call {@link #isLeader()} right before an action that must not
 *       happen twice (binding a port).</li>
 *   <li>{@link #close()} gives leadership up, tells the listener {@code false} if it was leader, and
 *       returns once the listener has run for the last time.</li>
 * </ul>
 * The election does not own the Curator client.
 */
public final class LeaderElection implements Closeable {
    /** The folder, below the root, that holds every election. */
    public static final String LEADERS_PATH = "/leaders";

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    /** Told of each change of this participant's leadership. */
    @FunctionalInterface
    public interface Listener {
        void leadershipChanged(boolean leader);
    }

    private enum State { LATENT, STARTED, CLOSED }

    private final CuratorFramework client;
    private final String name;
    private final String participantId;
    private final Listener listener;
    private final LeaderLatch latch;
    private final ExecutorService callbacks;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private volatile boolean connected;
    private boolean reported; // only touched on the callback thread

    public LeaderElection(CuratorFramework client, String name, String participantId, Listener listener) {
        this.client = Objects.requireNonNull(client, "client cannot be null");
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.participantId = Objects.requireNonNull(participantId, "participantId cannot be null");
        this.listener = Objects.requireNonNull(listener, "listener cannot be null");
        this.latch = new LeaderLatch(client, LEADERS_PATH + "/" + name, participantId, LeaderLatch.CloseMode.NOTIFY_LEADER);
        this.callbacks = Executors.newSingleThreadExecutor(DaemonThreads.named("leader-" + name));
    }

    /** Joins the election. Never blocks on ZooKeeper. */
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("election " + name + " already started or closed");
        }
        connected = client.getZookeeperClient().isConnected();
        // registered before the latch's own listener, so this runs first on every state change
        client.getConnectionStateListenable().addListener(connectionListener);
        client.getCuratorListenable().addListener(rawListener);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                reconcile();
            }

            @Override
            public void notLeader() {
                reconcile();
            }
        }, callbacks);
        try {
            latch.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start election " + name, e);
        }
        callbacks.execute(this::reconcile);
    }

    /** ZooKeeper's own Disconnected and Expired, on its event thread: tell the listener without waiting for SUSPENDED. */
    private final CuratorListener rawListener = this::rawEvent;

    private void rawEvent(CuratorFramework c, CuratorEvent event) {
        if (event.getType() == CuratorEventType.WATCHED && event.getWatchedEvent() != null
                && event.getWatchedEvent().getType() == Watcher.Event.EventType.None
                && event.getWatchedEvent().getState() != Watcher.Event.KeeperState.SyncConnected
                && !callbacks.isShutdown()) {
            callbacks.execute(this::reconcile);
        }
    }

    private void connectionChanged(CuratorFramework c, ConnectionState newState) {
        switch (newState) {
            case SUSPENDED, LOST -> {
                connected = false;
                callbacks.execute(this::reconcile);
            }
            case CONNECTED, RECONNECTED -> {
                connected = true;
                callbacks.execute(this::reconcile);
            }
            case READ_ONLY -> connected = false;
        }
    }

    /** Runs on the callback thread: tells the listener the current state if it changed. */
    private void reconcile() {
        boolean now = isLeader();
        if (now != reported) {
            reported = now;
            log.info("election {}: {} {} leader", name, participantId, now ? "is now" : "is no longer");
            try {
                listener.leadershipChanged(now);
            } catch (RuntimeException e) {
                log.error("election {}: leadership listener failed", name, e);
            }
        }
    }

    /** True only while this participant holds the latch and its ZooKeeper connection is healthy. */
    public boolean isLeader() {
        // the client's own flag turns false on ZooKeeper's event thread, before Curator's state
        // listeners (ours included) hear of SUSPENDED: they share one thread that others may hold up
        return state.get() == State.STARTED && connected && client.getZookeeperClient().isConnected()
                && latch.hasLeadership();
    }

    /** The current leader's participant id as ZooKeeper says now, if there is one and ZooKeeper answers. */
    public Optional<String> currentLeader() {
        try {
            Participant leader = latch.getLeader();
            return leader.isLeader() ? Optional.of(leader.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public String participantId() {
        return participantId;
    }

    /** Leaves the election; returns after the listener's last call. */
    @Override
    public void close() {
        if (!state.compareAndSet(State.STARTED, State.CLOSED)) {
            state.set(State.CLOSED);
            callbacks.shutdownNow();
            return;
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        client.getCuratorListenable().removeListener(rawListener);
        callbacks.execute(this::reconcile);
        try {
            latch.close();
        } catch (Exception e) {
            log.warn("election {}: closing the latch failed", name, e);
        }
        callbacks.shutdown();
        try {
            if (!callbacks.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("election {}: listener still running after 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the current leader of an election without joining it. */
    public static Optional<String> leaderOf(CuratorFramework client, String name) {
        try {
            // never started, so it takes no part; it only reads the participants
            Participant leader = new LeaderLatch(client, LEADERS_PATH + "/" + name).getLeader();
            return leader.isLeader() ? Optional.of(leader.getId()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
