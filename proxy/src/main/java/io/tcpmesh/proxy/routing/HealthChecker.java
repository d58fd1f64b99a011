package io.tcpmesh.proxy.routing;

import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.proxy.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Resolves target host names and checks targets out of rotation, on its own threads: DNS lookups and
 * blocking connects never run on a MINA I/O thread. A target that is down is checked after its back-off
 * (1 s, doubling up to 30 s); a check that passes puts it back. Host names are looked up again every 30 s.
 *
 * <p>The check is a TCP connect; for an app with a {@code ResponseTimeout} it is a connect and a half-close
 * that the target's process must react to (a byte, its own FIN or a reset) within that timeout. The kernel
 * completes a connect for a frozen (SIGSTOPped) process from the listen backlog, so a bare connect would put
 * a frozen target back; reacting to a FIN takes the process itself.
 */
public final class HealthChecker implements AutoCloseable {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long RESOLVE_EVERY_MILLIS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final Supplier<Collection<ProxiedApp>> apps;
    private final String logName;
    private final ScheduledExecutorService timer;
    private final ExecutorService checks;
    private final Set<Target> inFlight = ConcurrentHashMap.newKeySet();
    private volatile long lastResolve = System.currentTimeMillis();

    public HealthChecker(Supplier<Collection<ProxiedApp>> apps, String logName) {
        this.apps = apps;
        this.logName = logName;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("proxy-health"));
        this.checks = Executors.newFixedThreadPool(4, DaemonThreads.named("proxy-check"));
    }

    public HealthChecker start() {
        timer.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Resolves every target not yet looked up, waiting at most {@code wait} in all. */
    public void resolvePending(Duration wait) {
        List<Future<?>> pending = new ArrayList<>();
        for (ProxiedApp app : apps.get()) {
            for (Target t : app.targets()) {
                if (!t.resolutionTried() && inFlight.add(t)) {
                    pending.add(checks.submit(() -> {
                        try {
                            resolve(t);
                        } finally {
                            inFlight.remove(t);
                        }
                    }));
                }
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Future<?> f : pending) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                return;
            }
        }
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            boolean refresh = now - lastResolve >= RESOLVE_EVERY_MILLIS;
            if (refresh) {
                lastResolve = now;
            }
            for (ProxiedApp app : apps.get()) {
                AppConfig config = app.config();
                for (Target t : app.targets()) {
                    boolean due = t.checkDue(now) || !t.resolutionTried()
                            || (refresh && t.isUp() && !Target.isLiteral(t.host()));
                    if (due && inFlight.add(t)) {
                        checks.execute(() -> {
                            try {
                                if (t.state() == Target.State.DOWN) {
                                    check(t, config);
                                } else {
                                    resolve(t);
                                }
                            } finally {
                                inFlight.remove(t);
                            }
                        });
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("[{}] health tick failed", logName, e);
        }
    }

    private boolean resolve(Target t) {
        if (Target.isLiteral(t.host())) {
            return t.address() != null;
        }
        try {
            t.resolved(InetAddress.getByName(t.host()));
            return true;
        } catch (UnknownHostException e) {
            t.resolved(null);
            t.markDown("unresolvable host", System.currentTimeMillis());
            return false;
        }
    }

    private void check(Target t, AppConfig config) {
        if (!resolve(t)) {
            t.checkFailed("unresolvable host", System.currentTimeMillis());
            return;
        }
        InetSocketAddress address = t.address();
        try (Socket s = new Socket()) {
            s.connect(address, (int) Math.min(config.connectTimeout().toMillis(), 5000));
            String passed = "TCP check passed";
            if (!config.responseTimeout().isZero()) {
                awaitReaction(s, config.responseTimeout());
                passed = "it answered a half-close";
            }
            t.markUp(System.currentTimeMillis());
            log.info("[{}] target {} is back: {}", logName, t, passed);
        } catch (IOException e) {
            String why = e instanceof NoReaction ? e.getMessage()
                    : DownReason.of(e, Duration.ofMillis(Math.min(config.connectTimeout().toMillis(), 5000)));
            t.checkFailed(why, System.currentTimeMillis());
            log.debug("[{}] target {} still down: {}", logName, t, e.toString());
        }
    }

    /** Half-closes and waits for the peer's process to send a byte, its FIN or a reset. */
    static void awaitReaction(Socket s, Duration timeout) throws IOException {
        s.shutdownOutput();
        s.setSoTimeout((int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
        try {
            s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new NoReaction("no answer to a half-close within " + timeout.toMillis() + " ms");
        } catch (SocketException reset) {
            // a reset is a reaction too: the process is running
        }
    }

    /** The target's process did not react to the probe's half-close in time. */
    private static final class NoReaction extends SocketTimeoutException {
        NoReaction(String message) {
            super(message);
        }
    }


    @Override
    public void close() {
        timer.shutdownNow();
        checks.shutdownNow();
    }
}
