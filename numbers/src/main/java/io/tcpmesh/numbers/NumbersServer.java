package io.tcpmesh.numbers;

import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.bootstrap.TcpService;
import io.tcpmesh.coordination.server.MinaTcpServer;
import io.tcpmesh.numbers.codec.LineCodecFactory;
import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.session.Sessions;
import io.tcpmesh.numbers.store.SessionStore;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The numbers server: a MINA acceptor, one ticker thread that writes every stateful stream's messages
 * (one per core for the stateless streams, whose late values are costly to print), a small worker pool
 * for the session store, and one sweeper thread. No thread per stream.
 */
public final class NumbersServer implements TcpService {
    private static final Logger log = LoggerFactory.getLogger(NumbersServer.class);
    private static final int WORKERS = 4;

    private final Node node;
    private final NumbersConfig config;
    private final SessionStore store;
    private final Sessions sessions;
    private final ScheduledThreadPoolExecutor ticker;
    private final ScheduledThreadPoolExecutor statelessTicker;
    private final ExecutorService workers;
    private final ScheduledExecutorService sweeper;
    private final MinaTcpServer tcp;
    private final NumbersCounters counters = new NumbersCounters();

    public NumbersServer(Node node, InetSocketAddress bindAddress, NumbersConfig config, SessionStore store) {
        this.node = node;
        this.config = config;
        this.store = store;
        this.sessions = new Sessions(store, node::name, config.expiry(), config.interval(), Clock.systemUTC());
        this.ticker = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "numbers-ticker"));
        ticker.setRemoveOnCancelPolicy(true);
        this.statelessTicker = new ScheduledThreadPoolExecutor(Runtime.getRuntime().availableProcessors(), r -> daemon(r, "numbers-stateless"));
        statelessTicker.setRemoveOnCancelPolicy(true);
        this.workers = Executors.newFixedThreadPool(WORKERS, r -> daemon(r, "numbers-store"));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "numbers-sweeper"));
        NumbersServerHandler handler = new NumbersServerHandler(node, config, sessions, ticker, statelessTicker, workers, counters);
        this.tcp = new MinaTcpServer(node, bindAddress, handler);
        tcp.acceptor().getFilterChain().addLast("lines", new ProtocolCodecFilter(new LineCodecFactory(Protocol.MAX_CLIENT_LINE)));
        store.onClaimsLost(() -> handler.claimsLost(tcp.acceptor().getManagedSessions().values()));
    }

    public NumbersCounters counters() {
        return counters;
    }

    /** How many stateful sessions this server streams now. */
    public int streamingSessions() {
        return sessions.streaming();
    }

    org.apache.mina.core.service.IoService acceptor() {
        return tcp.acceptor();
    }

    @Override
    public InetSocketAddress start() throws IOException {
        InetSocketAddress bound = tcp.start();
        node.attribute("store", store.kind());
        node.attribute("interval", Durations.format(config.interval()));
        long sweep = config.sweepPeriod().toMillis();
        sweeper.scheduleWithFixedDelay(() -> counters.expired(sessions.sweep()), sweep, sweep, TimeUnit.MILLISECONDS);
        log.info("[{}] numbers: interval {} ms, expiry {} ms, {} session store{}", node.name(), config.interval().toMillis(),
                config.expiry().toMillis(), store.kind(),
                config.failEvery() > 0 ? ", dropping each connection every " + config.failEvery() + " messages, then offline for "
                        + config.offlineFor().toMillis() + " ms" : "");
        return bound;
    }

    @Override
    public void stopAccepting() {
        tcp.stopAccepting();
    }

    /** Streams are resumable: rather than wait for them, close them now and keep their sessions. */
    @Override
    public int awaitDrained(Duration timeout) throws InterruptedException {
        for (IoSession session : tcp.acceptor().getManagedSessions().values()) {
            session.closeNow();
        }
        return tcp.awaitDrained(timeout);
    }

    @Override
    public void close() {
        tcp.close();
        ticker.shutdownNow();
        statelessTicker.shutdownNow();
        sweeper.shutdownNow();
        // let the releases of the streams just closed reach the store before its client closes
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("[{}] session store writes still pending after 5 s", node.name());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
