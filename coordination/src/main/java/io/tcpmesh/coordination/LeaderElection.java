package io.tcpmesh.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Leader election over Curator's {@link LeaderLatch} at {@code <root>/leaders/NAME}, fenced by a
 * {@link Lease}.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #isLeader()} is true only while this participant's latch node was first in line and a
 *       lease confirmed within the last half session timeout says the node still belongs to this
 *       client's ZooKeeper session. The lease is renewed every tenth of the session timeout by a
 *       {@code sync} and an {@code exists} of the node, and it counts from the moment that request was
 *       sent; it lapses on its own on the monotonic clock, so a leader cut off from ZooKeeper, or
 *       frozen, stops being leader before ZooKeeper can expire its session and elect another.</li>
 *   <li>A lost connection (SUSPENDED) does not end leadership by itself: a client that reconnects to
 *       any member within the lease keeps its session, its node and its leadership. ZooKeeper's own
 *       Expired event, a node found gone or owned by another session, and closing end it at once.</li>
 *   <li>The listener runs on one thread owned by this election, never two calls at once, and is never
 *       told the same state twice in a row. Its first call, if any, is {@code true}. It is called when
 *       the lease lapses, within moments (a timer is set for each lease's end).</li>
 *   <li>The listener is told what {@link #isLeader()} says when the call runs, not what an event said
 *       earlier; a leader calls {@link #isLeader()} right before each action it takes as leader
 *       (binding a port, answering a message): that check is the fence.</li>
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
    private final ScheduledExecutorService timer;
    private final Lease lease = new Lease();
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private final CuratorListener rawListener = this::rawEvent;
    /** When the confirmation in flight was sent (lease clock), or 0 when none is. */
    private final AtomicLong probeSentAt = new AtomicLong();
    private static final long TIMER_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The send time of the confirmation whose silence made us drop the connection (timer thread only). */
    private long silentProbeDropped;
    /** When the timer last ran, and when it last found it had not run for a while (timer thread only). */
    private long lastTimerRun = System.nanoTime();
    private long awokeAt = lastTimerRun;
    private boolean reported; // only touched on the callback thread

    public LeaderElection(CuratorFramework client, String name, String participantId, Listener listener) {
        this.client = Objects.requireNonNull(client, "client cannot be null");
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.participantId = Objects.requireNonNull(participantId, "participantId cannot be null");
        this.listener = Objects.requireNonNull(listener, "listener cannot be null");
        this.latch = new LeaderLatch(client, LEADERS_PATH + "/" + name, participantId, LeaderLatch.CloseMode.NOTIFY_LEADER);
        this.callbacks = Executors.newSingleThreadExecutor(DaemonThreads.named("leader-" + name));
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lease-" + name));
    }

    /** Joins the election. Never blocks on ZooKeeper. */
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("election " + name + " already started or closed");
        }
        client.getConnectionStateListenable().addListener(connectionListener);
        client.getCuratorListenable().addListener(rawListener);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                confirm();
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
        timer.scheduleWithFixedDelay(this::confirmIfFirst, 0, TIMER_PERIOD_NANOS, TimeUnit.NANOSECONDS);
        callbacks.execute(this::reconcile);
    }

    /**
     * ZooKeeper's own connection events, on its event thread, which Curator's connection-state
     * listeners (shared with curator-x-discovery's re-registration) cannot hold up. Expired ends the
     * lease at once; SyncConnected confirms the node at once, so a leader whose lease lapsed while it
     * reconnected serves again without waiting for the next renewal. Disconnected changes nothing:
     * the lease decides.
     */
    private void rawEvent(CuratorFramework c, CuratorEvent event) {
        if (event.getType() != CuratorEventType.WATCHED || event.getWatchedEvent() == null
                || event.getWatchedEvent().getType() != Watcher.Event.EventType.None || state.get() != State.STARTED) {
            return;
        }
        switch (event.getWatchedEvent().getState()) {
            case Expired -> {
                lease.revoke();
                scheduleReconcile();
            }
            case SyncConnected -> scheduleConfirm();
            default -> scheduleReconcile();
        }
    }

    private void connectionChanged(CuratorFramework c, ConnectionState newState) {
        if (newState == ConnectionState.LOST) {
            lease.revoke();
        } else if (newState.isConnected()) {
            scheduleConfirm();
        }
        scheduleReconcile();
    }

    private void scheduleReconcile() {
        run(callbacks, this::reconcile, 0);
    }

    private void scheduleConfirm() {
        run(timer, this::confirm, 0);
    }

    private void run(ExecutorService executor, Runnable task, long delayNanos) {
        if (state.get() != State.STARTED) {
            return;
        }
        try {
            if (delayNanos > 0) {
                timer.schedule(() -> run(executor, task, 0), delayNanos, TimeUnit.NANOSECONDS);
            } else {
                executor.execute(task);
            }
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** On the timer: renews the lease when it is due, while our node was first in line. */
    private void confirmIfFirst() {
        long now = lease.now();
        if (now - lastTimerRun > 4 * TIMER_PERIOD_NANOS) {
            awokeAt = now; // this process was frozen or starved: silence before now proves nothing
        }
        lastTimerRun = now;
        String path = firstInLine();
        if (path == null) {
            return;
        }
        int timeout = ZooKeeperClients.negotiatedTimeout(client);
        if (timeout <= 0) {
            return;
        }
        long due = Lease.length(timeout).toNanos() - Lease.renewEvery(timeout).toNanos();
        long sent = probeSentAt.get();
        if (lease.holds(path) && lease.remainingNanos() > due) {
            return; // renewed less than one interval ago
        }
        if (sent != 0 && lease.now() - sent < Lease.length(timeout).toNanos()) {
            moveOnIfSilent(sent, timeout);
            return; // one confirmation in flight, not yet overdue
        }
        confirm();
    }

    /**
     * A confirmation unanswered for two renewal intervals while the client still believes it is
     * connected means the server it talks to is cut off or stuck. ZooKeeper's client would notice only
     * after its read timeout (two thirds of the session), after the lease; so the connection is dropped
     * now ({@code Testable.closeSocket}, public in ZooKeeper's client) and the client moves to the
     * next member of the ensemble in the same session. Silence is counted only while this process ran:
     * after a freeze, an answer may be waiting in the socket unread. Liveness only: the lease still
     * extends only on an answer.
     */
    private void moveOnIfSilent(long sent, int timeout) {
        long silentSince = Math.max(sent, awokeAt);
        if (lease.now() - silentSince < 2 * Lease.renewEvery(timeout).toNanos() || silentProbeDropped == sent) {
            return;
        }
        try {
            String servers = client.getZookeeperClient().getCurrentConnectionString();
            if (servers == null || !servers.contains(",") || !client.getZookeeperClient().isConnected()) {
                return;
            }
            silentProbeDropped = sent;
            log.warn("election {}: ZooKeeper server silent for {} ms; moving to another member", name,
                    (lease.now() - sent) / 1_000_000);
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            zk.getTestable().closeSocket();
            // the client's I/O thread notices the closed socket only when its select returns, up to a
            // ping interval (a third of the session) later; any new request wakes it now
            zk.exists("/", false, (rc, path, ctx, stat) -> { }, null);
        } catch (Exception e) {
            log.debug("election {}: could not drop the silent connection: {}", name, e.toString());
        }
    }

    /** Our latch node, if it has been first in line (a node once first stays first while it exists). */
    private String firstInLine() {
        String path = latch.getOurPath();
        return path != null && path.equals(latch.getLastPathIsLeader()) ? path : null;
    }

    /**
     * Sends {@code sync} then {@code exists} for our node. The sync makes the server that answers
     * catch up with the ensemble's leader first, so a member cut off from the quorum cannot confirm
     * anything; the answer extends the lease only if the node is ours, in this client's session.
     */
    private void confirm() {
        String path = firstInLine();
        int timeout = ZooKeeperClients.negotiatedTimeout(client);
        if (path == null || timeout <= 0 || state.get() != State.STARTED) {
            return;
        }
        long sentAt = lease.now();
        probeSentAt.set(sentAt);
        try {
            client.sync().inBackground((c, syncEvent) -> {
                if (syncEvent.getResultCode() != KeeperException.Code.OK.intValue()) {
                    probeSentAt.compareAndSet(sentAt, 0);
                    return;
                }
                c.checkExists().inBackground((c2, event) -> confirmed(path, sentAt, timeout, event)).forPath(path);
            }).forPath(path);
        } catch (Exception e) {
            probeSentAt.compareAndSet(sentAt, 0);
            log.debug("election {}: could not confirm {}: {}", name, path, e.toString());
        }
    }

    private void confirmed(String path, long sentAt, int timeout, CuratorEvent event) throws Exception {
        probeSentAt.compareAndSet(sentAt, 0);
        int rc = event.getResultCode();
        if (rc == KeeperException.Code.OK.intValue()) {
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            Stat stat = event.getStat();
            if (stat != null && stat.getEphemeralOwner() == session && path.equals(latch.getOurPath())) {
                boolean was = lease.holds(path);
                Duration length = Lease.length(timeout);
                lease.extend(path, session, sentAt, length);
                long remaining = lease.remainingNanos();
                if (remaining > 0) {
                    run(callbacks, this::reconcile, remaining + 1_000_000); // the listener hears of the lapse at once
                }
                if (!was) {
                    log.info("election {}: {} holds a lease of {} ms", name, participantId, length.toMillis());
                    scheduleReconcile();
                }
                return;
            }
        }
        if (rc == KeeperException.Code.OK.intValue() || rc == KeeperException.Code.NONODE.intValue()) {
            log.warn("election {}: node {} is no longer this session's; leadership ends", name, path);
            lease.revoke();
            scheduleReconcile();
        }
        // anything else (connection loss, timeout): no news; the lease lapses on its own
    }

    /** Runs on the callback thread: tells the listener the current state if it changed. */
    private void reconcile() {
        boolean now = isLeader();
        if (now != reported) {
            reported = now;
            log.info("election {}: {} {} leader{}", name, participantId, now ? "is now" : "is no longer",
                    now || state.get() != State.STARTED ? "" : lease.remainingNanos() <= 0 ? " (lease lapsed)" : "");
            try {
                listener.leadershipChanged(now);
            } catch (RuntimeException e) {
                log.error("election {}: leadership listener failed", name, e);
            }
        }
    }

    /**
     * True only while this participant's node was first in line and its lease holds. Cheap (two
     * volatile reads and the clock): call it right before every action taken as leader.
     */
    public boolean isLeader() {
        if (state.get() != State.STARTED) {
            return false;
        }
        String path = firstInLine();
        return path != null && lease.holds(path);
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
            timer.shutdownNow();
            callbacks.shutdownNow();
            return;
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        client.getCuratorListenable().removeListener(rawListener);
        timer.shutdownNow();
        lease.revoke();
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
