package io.tcpmesh.numbers.bench;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.ZooKeeperClients;
import io.tcpmesh.coordination.ZooKeeperConfig;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.LineCodecFactory;
import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.codec.ServerMessage;
import org.apache.curator.framework.CuratorFramework;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFilter;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark client: holds many stateful streams open from one process (one MINA connector, two I/O
 * threads), spread over one or more servers and local addresses, and counts what arrives. Prints
 * {@code READY} once every stream is accepted, then measures for {@code --hold}; then, with
 * {@code --resume N}, drops N streams and resumes each on the next server, timing it. With {@code --zk},
 * counts the ZooKeeper transactions the opening and the resumes cost.
 */
@Command(name = "numbers-bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Holds --streams stateful numbers streams open over the --port servers and measures messages, ZooKeeper writes and resumes.")
public final class NumbersBench implements Callable<Integer> {
    private static final AttributeKey ID = new AttributeKey(NumbersBench.class, "id");
    private static final AttributeKey RECEIVED = new AttributeKey(NumbersBench.class, "received");
    private static final AttributeKey FIRST_REPLY = new AttributeKey(NumbersBench.class, "firstReply");

    @Option(names = "--host", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", required = true, split = ",", description = "Server port(s); streams go round-robin over them.")
    List<Integer> ports;

    @Option(names = "--local-addresses", description = "Connect from 127.0.0.1 .. 127.0.0.N, round-robin, for more than one address's ephemeral ports (default: ${DEFAULT-VALUE}).")
    int localAddresses = 1;

    @Option(names = "--streams", description = "Streams to hold (default: ${DEFAULT-VALUE}).")
    int streams = 10_000;

    @Option(names = "--count", description = "Messages per stream (default: ${DEFAULT-VALUE}).")
    int count = Protocol.MAX_COUNT;

    @Option(names = "--hold", converter = Durations.class, description = "How long to measure once every stream is open (default: 30s).")
    Duration hold = Duration.ofSeconds(30);

    @Option(names = "--ramp-timeout", converter = Durations.class, description = "Longest wait for every stream to open (default: 120s).")
    Duration rampTimeout = Duration.ofSeconds(120);

    @Option(names = "--resume", description = "After the hold, drop this many streams and resume each on the next server (default: ${DEFAULT-VALUE}).")
    int resumes;

    @Option(names = "--park", description = "Instead of holding streams: start this many sessions, each closed at its OK, so the servers keep them"
            + " disconnected (stored, resumable) for their expiry; at most 2,000 connections at a time (default: ${DEFAULT-VALUE}).")
    int park;

    @Option(names = "--id-prefix", description = "Prefix of the client ids, so two bench processes do not share ids (default: bench-TIME).")
    String idPrefix;

    @Option(names = "--zk", description = "The servers' ZooKeeper, to count the transactions (zxids) the streams cost.")
    String zk;

    @Option(names = "--zk-root", description = "ZooKeeper root of the servers (default: ${DEFAULT-VALUE}).")
    String zkRoot = ZooKeeperConfig.DEFAULT_ROOT;

    private final LongAdder messages = new LongAdder();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final LongAdder closedAtOk = new LongAdder();
    private NioSocketConnector connector;
    private CuratorFramework client;

    public static void main(String[] args) {
        ServiceLauncher.main(new NumbersBench(), args);
    }

    @Override
    public Integer call() throws Exception {
        connector = new NioSocketConnector(2);
        connector.getFilterChain().addLast("lines", new ProtocolCodecFilter(new LineCodecFactory(Protocol.MAX_SERVER_LINE)));
        connector.setConnectTimeoutMillis(10_000);
        connector.setHandler(new Handler());
        client = zk == null ? null : ZooKeeperClients.start(ZooKeeperConfig.of(zk, zkRoot));
        if (idPrefix == null) {
            idPrefix = "bench-" + Long.toString(System.currentTimeMillis(), 36);
        }
        try {
            if (park > 0) {
                park();
                return refused.get() == 0 ? 0 : 1;
            }
            long zxid0 = zxid();
            List<IoSession> opened = open();
            long zxid1 = zxid();
            if (client != null) {
                System.out.printf("zookeeper: %d transactions to open %d streams: %.2f per stream%n", zxid1 - zxid0, accepted.get(),
                        (zxid1 - zxid0 - 1) / (double) Math.max(1, accepted.get()));
            }
            System.out.println("READY");
            System.out.flush();
            measure();
            if (resumes > 0) {
                resume(opened.subList(0, Math.min(resumes, opened.size())));
            }
            System.out.println("DONE");
            return accepted.get() >= streams ? 0 : 1;
        } finally {
            connector.getManagedSessions().values().forEach(IoSession::closeNow);
            connector.dispose(true);
            if (client != null) {
                client.close();
            }
        }
    }

    private List<IoSession> open() throws InterruptedException {
        Semaphore inFlight = new Semaphore(200);
        List<IoSession> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            inFlight.acquire();
            String id = idPrefix + "-" + i;
            ConnectFuture future = connector.connect(server(i), new InetSocketAddress("127.0.0." + (1 + i % localAddresses), 0));
            future.addListener(f -> {
                ConnectFuture cf = (ConnectFuture) f;
                if (cf.isConnected()) {
                    hello(cf.getSession(), id, 0);
                    opened.add(cf.getSession());
                } else {
                    firstError.compareAndSet(null, "connect: " + cf.getException());
                    refused.incrementAndGet();
                }
                inFlight.release();
            });
        }
        long deadline = System.nanoTime() + rampTimeout.toNanos();
        while (accepted.get() + refused.get() < streams && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double ramp = (System.nanoTime() - started) / 1e9;
        System.out.printf("opened %d of %d streams in %.1f s (%d refused%s)%n", accepted.get(), streams, ramp, refused.get(),
                firstError.get() == null ? "" : ", first: " + firstError.get());
        return opened;
    }

    /** Starts --park sessions and closes each at its OK: the servers keep them, disconnected. */
    private void park() throws Exception {
        Semaphore inFlight = new Semaphore(2_000);
        long zxid0 = zxid();
        long started = System.nanoTime();
        for (int i = 0; i < park; i++) {
            inFlight.acquire();
            String id = idPrefix + "-" + i;
            ConnectFuture future = connector.connect(server(i), new InetSocketAddress("127.0.0." + (1 + i % localAddresses), 0));
            future.addListener(f -> {
                ConnectFuture cf = (ConnectFuture) f;
                if (cf.isConnected()) {
                    cf.getSession().setAttribute(Semaphore.class, inFlight);
                    hello(cf.getSession(), id, 0);
                } else {
                    firstError.compareAndSet(null, "connect: " + cf.getException());
                    refused.incrementAndGet();
                    inFlight.release();
                }
            });
        }
        inFlight.acquire(2_000);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("parked %d of %d sessions in %.1f s: %.0f sessions/s (%d refused%s)%n", closedAtOk.sum(), park, seconds,
                closedAtOk.sum() / seconds, refused.get(), firstError.get() == null ? "" : ", first: " + firstError.get());
        if (client != null) {
            long zxid1 = settledZxid();
            System.out.printf("zookeeper: %d transactions to start and release %d sessions: %.2f per session%n", zxid1 - zxid0,
                    closedAtOk.sum(), (zxid1 - zxid0 - 1) / (double) Math.max(1, closedAtOk.sum()));
        }
    }

    /** The zxid once the servers' releases have landed: unchanged over two seconds, apart from our own marks. */
    private long settledZxid() throws Exception {
        long last = zxid();
        while (true) {
            Thread.sleep(2_000);
            long now = zxid();
            if (now == last + 1) {
                return last;
            }
            last = now;
        }
    }

    private InetSocketAddress server(int i) {
        return new InetSocketAddress(host, ports.get(i % ports.size()));
    }

    private void hello(IoSession session, String id, int next) {
        session.setAttribute(ID, id);
        session.setAttribute(RECEIVED, new AtomicInteger(next));
        session.setAttribute(FIRST_REPLY, new CompletableFuture<ServerMessage>());
        session.write(Hello.stateful(id, count, next));
    }

    private void measure() throws InterruptedException {
        long before = messages.sum();
        long t0 = System.nanoTime();
        Thread.sleep(hold.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long received = messages.sum() - before;
        System.out.printf("window %.1f s: %d messages, %.0f messages/s, %.3f per stream per second; %d streams open, %d closed%n",
                seconds, received, received / seconds, received / seconds / Math.max(1, accepted.get()),
                connector.getManagedSessionCount(), closed.get());
    }

    /** Drops each stream and resumes it on the next server at once, retrying 'busy' every 5 ms; times close to OK. */
    private void resume(List<IoSession> sessions) throws Exception {
        long zxid0 = zxid();
        long[] micros = new long[sessions.size()];
        long[] last = new long[sessions.size()];
        int busy = 0;
        int failed = 0;
        for (int k = 0; k < sessions.size(); k++) {
            IoSession old = sessions.get(k);
            String id = (String) old.getAttribute(ID);
            int next = ((AtomicInteger) old.getAttribute(RECEIVED)).get();
            int port = ports.get((ports.indexOf(((InetSocketAddress) old.getRemoteAddress()).getPort()) + 1) % ports.size());
            long t0 = System.nanoTime();
            old.closeNow().awaitUninterruptibly();
            while (true) {
                long attempt = System.nanoTime();
                ConnectFuture cf = connector.connect(new InetSocketAddress(host, port), old.getLocalAddress() instanceof InetSocketAddress a
                        ? new InetSocketAddress(a.getAddress(), 0) : null).awaitUninterruptibly();
                IoSession session = cf.getSession();
                hello(session, id, next);
                @SuppressWarnings("unchecked")
                CompletableFuture<ServerMessage> first = (CompletableFuture<ServerMessage>) session.getAttribute(FIRST_REPLY);
                ServerMessage reply;
                try {
                    reply = first.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    failed++;
                    firstError.compareAndSet(null, "no answer to a resume within 60 s");
                    session.closeNow();
                    break;
                }
                if (reply instanceof ServerMessage.Err err && err.retryable()) {
                    busy++;
                    session.closeNow().awaitUninterruptibly();
                    Thread.sleep(5);
                    continue;
                }
                if (!(reply instanceof ServerMessage.Ok)) {
                    failed++;
                    firstError.compareAndSet(null, reply.line());
                }
                last[k] = (System.nanoTime() - attempt) / 1_000;
                break;
            }
            micros[k] = (System.nanoTime() - t0) / 1_000;
        }
        long zxid1 = zxid();
        System.out.printf("resume: %d streams dropped and resumed on the next server, one at a time, 'busy' retried every 5 ms (%d times), %d failed%s%n",
                micros.length, busy, failed, failed == 0 ? "" : " (first: " + firstError.get() + ")");
        System.out.printf("resume: from the close to the OK (until the old server has seen the close, from its writes): %s%n", percentiles(micros));
        System.out.printf("resume: the accepted HELLO, connect to OK (store read + claim): %s%n", percentiles(last));
        if (client != null) {
            System.out.printf("zookeeper: %d transactions for %d resumes: %.2f per resume (release + claim)%n", zxid1 - zxid0,
                    micros.length, (zxid1 - zxid0 - 1) / (double) micros.length);
        }
    }

    private static String percentiles(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.9)] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3, sorted[sorted.length - 1] / 1e3);
    }

    /** The ZooKeeper transaction id now (a write of our own, counted out by the callers), or 0 without --zk. */
    private long zxid() throws Exception {
        if (client == null) {
            return 0;
        }
        String path = client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/numbers-bench/mark-");
        Stat stat = client.checkExists().forPath(path);
        return stat.getCzxid();
    }

    private final class Handler extends IoHandlerAdapter {
        @Override
        public void messageReceived(IoSession session, Object message) {
            ServerMessage reply;
            try {
                reply = ServerMessage.parse((String) message);
            } catch (ProtocolException e) {
                firstError.compareAndSet(null, e.getMessage());
                session.closeNow();
                return;
            }
            if (reply instanceof ServerMessage.Message) {
                messages.increment();
                ((AtomicInteger) session.getAttribute(RECEIVED)).incrementAndGet();
                return;
            }
            @SuppressWarnings("unchecked")
            CompletableFuture<ServerMessage> first = (CompletableFuture<ServerMessage>) session.getAttribute(FIRST_REPLY);
            boolean isFirst = first.complete(reply);
            Semaphore parking = (Semaphore) session.getAttribute(Semaphore.class);
            if (parking != null) {
                if (reply instanceof ServerMessage.Ok) {
                    closedAtOk.increment();
                } else {
                    refused.incrementAndGet();
                    firstError.compareAndSet(null, reply.line());
                }
                session.closeNow();
                return;
            }
            if (reply instanceof ServerMessage.Ok && isFirst) {
                accepted.incrementAndGet();
            } else if (reply instanceof ServerMessage.Err err) {
                refused.incrementAndGet();
                firstError.compareAndSet(null, err.line());
            }
        }

        @Override
        public void sessionClosed(IoSession session) {
            closed.incrementAndGet();
            Semaphore parking = (Semaphore) session.getAttribute(Semaphore.class);
            if (parking != null) {
                parking.release();
            }
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            firstError.compareAndSet(null, cause.toString());
            session.closeNow();
        }
    }
}
