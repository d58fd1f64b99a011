package io.tcpmesh.proxy.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One selector thread driving a share of the connections. It runs until the run's deadline or request budget,
 * then stops starting requests, waits up to the drain time for those in flight, and counts the rest as dropped.
 * All state is confined to the worker's thread.
 */
final class LoadWorker implements Runnable {
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(5);

    private final LoadConfig config;
    private final LoadStats stats;
    private final RequestBudget budget;
    private final long start;
    private final long deadline;
    private final long timeoutNanos;
    private final Pacer pacer;
    private final Selector selector;
    private final List<LoadConnection> connections = new ArrayList<>();
    private final ArrayDeque<OneShotConnection> freeSlots = new ArrayDeque<>();
    private final LongQueue backlog = new LongQueue();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer writeBuffer = ByteBuffer.allocate(64 * 1024);
    private int nextEcho;
    private volatile boolean running = true;
    private final List<EchoConnection> openEcho = new ArrayList<>();

    LoadWorker(LoadConfig config, List<LoadTarget> targets, LoadStats stats, RequestBudget budget, long start,
               RateShape shape) throws IOException {
        this.config = config;
        this.stats = stats;
        this.budget = budget;
        this.start = start;
        this.deadline = start + config.duration().toNanos();
        this.timeoutNanos = config.timeout().toNanos();
        this.pacer = shape == null ? null : new Pacer(shape);
        this.selector = Selector.open();
        for (LoadTarget target : targets) {
            connections.add(config.mode() == Mode.ECHO ? new EchoConnection(this, target)
                    : new OneShotConnection(this, target, config.mode() == Mode.MD5));
        }
    }

    @Override
    public void run() {
        try {
            long now = System.nanoTime();
            for (LoadConnection c : connections) {
                if (c instanceof EchoConnection) {
                    open(c, now);
                } else {
                    freeSlots.add((OneShotConnection) c);
                }
            }
            loop();
            long drainUntil = System.nanoTime() + config.drain().toNanos();
            drain(drainUntil);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            abandon();
        }
    }

    private void loop() throws IOException {
        long lastTick = 0;
        while (running) {
            long now = System.nanoTime();
            if (now >= deadline || budget.exhausted()) {
                running = false;
                break;
            }
            if (pacer != null) {
                takeDue(now);
            }
            startFreeSlots(now);
            if (now - lastTick >= TICK) {
                tick(now);
                lastTick = now;
            }
            waitForEvents(now);
            handleSelected();
        }
    }

    private void drain(long until) throws IOException {
        backlogDropped();
        while (outstanding() > 0) {
            long now = System.nanoTime();
            if (now >= until) {
                return;
            }
            tick(now);
            selector.select(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(until - now), 5)));
            handleSelected();
        }
    }

    /** Every due time of the pacer becomes a request: sent on an echo connection or waiting for a free slot. */
    private void takeDue(long now) {
        while (start + pacer.peek() <= now) {
            long due = start + pacer.next();
            if (!tryStart()) {
                break;
            }
            backlog.add(due);
        }
        if (config.mode() == Mode.ECHO) {
            openEcho.removeIf(c -> !c.isOpen());
            while (!backlog.isEmpty() && !openEcho.isEmpty()) {
                openEcho.get(nextEcho++ % openEcho.size()).send(backlog.poll());
            }
            nextEcho %= Math.max(1, openEcho.size());
        }
    }

    private void startFreeSlots(long now) {
        for (int n = freeSlots.size(); n > 0; n--) {
            long intended;
            if (pacer != null) {
                if (backlog.isEmpty()) {
                    return;
                }
                intended = backlog.poll();
            } else {
                if (!tryStart()) {
                    return;
                }
                intended = now;
            }
            freeSlots.poll().start(intended, now);
        }
    }

    private void tick(long now) {
        for (LoadConnection c : connections) {
            c.tick(now);
        }
        openEcho.removeIf(c -> !c.isOpen());
    }

    private void waitForEvents(long now) throws IOException {
        long until = Math.min(deadline, now + TICK);
        if (pacer != null) {
            until = Math.min(until, start + pacer.peek());
        }
        long wait = until - now;
        if (wait >= 2_000_000) {
            selector.select(wait / 1_000_000 - 1);
        } else if (selector.selectNow() == 0 && wait > 0) {
            LockSupport.parkNanos(Math.min(wait, 100_000));
        }
    }

    private void handleSelected() {
        long now = System.nanoTime();
        var keys = selector.selectedKeys();
        for (SelectionKey key : keys) {
            if (key.isValid()) {
                ((LoadConnection) key.attachment()).onSelected(key, now);
            }
        }
        keys.clear();
    }

    private int outstanding() {
        int n = 0;
        for (LoadConnection c : connections) {
            n += c.outstanding();
        }
        return n;
    }

    private void backlogDropped() {
        while (!backlog.isEmpty()) {
            backlog.poll();
            stats.error(ErrorKind.DROPPED);
        }
    }

    private void abandon() {
        backlogDropped();
        for (LoadConnection c : connections) {
            for (int i = c.outstanding(); i > 0; i--) {
                stats.error(ErrorKind.DROPPED);
            }
            c.closeChannel();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing at the end of the run
        }
    }

    // --- called by the connections, on this thread ---

    void open(LoadConnection c, long now) {
        try {
            c.open(now);
        } catch (IOException e) {
            c.failed(ErrorKind.of(e), now);
        }
    }

    void connectionOpened(EchoConnection c) {
        openEcho.add(c);
    }

    void slotFree(OneShotConnection c) {
        freeSlots.add(c);
    }

    /** Takes one request from the budget if the run is still starting requests. */
    boolean tryStart() {
        if (!running || !budget.take()) {
            return false;
        }
        stats.attempt();
        return true;
    }

    boolean running() {
        return running;
    }


    /** Asks the worker to stop starting requests (Ctrl-C); it drains and ends. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    boolean openLoop() {
        return pacer != null;
    }

    Selector selector() {
        return selector;
    }

    Payload payload() {
        return config.payload();
    }

    /** Where a connection to this target records: the run's figures, and the target's own when there are several. */
    LoadStats statsFor(LoadTarget target) {
        return config.targets().size() > 1 ? stats.forTarget(target) : stats;
    }

    LoadStats stats() {
        return stats;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** A TLS engine for a new connection to {@code target}, or null for plaintext. */
    javax.net.ssl.SSLEngine tlsEngine(LoadTarget target) {
        return config.tls().map(t -> t.engine(target.host(), target.port())).orElse(null);
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    ByteBuffer writeBuffer() {
        return writeBuffer;
    }
}
