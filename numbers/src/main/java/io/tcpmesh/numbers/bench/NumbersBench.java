package io.tcpmesh.numbers.bench;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.LineCodecFactory;
import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.codec.ServerMessage;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFilter;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark client: holds many stateful streams open on one server from one process (one MINA
 * connector, two I/O threads) and counts what arrives. Prints {@code READY} once every stream is
 * accepted, then measures for {@code --hold}.
 */
@Command(name = "numbers-bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Holds --streams stateful numbers streams open on one server and measures the messages received.")
public final class NumbersBench implements Callable<Integer> {
    @Option(names = "--host", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", required = true, description = "Server port.")
    int port;

    @Option(names = "--streams", description = "Streams to hold (default: ${DEFAULT-VALUE}).")
    int streams = 10_000;

    @Option(names = "--count", description = "Messages per stream (default: ${DEFAULT-VALUE}).")
    int count = Protocol.MAX_COUNT;

    @Option(names = "--hold", converter = Durations.class, description = "How long to measure once every stream is open (default: 30s).")
    Duration hold = Duration.ofSeconds(30);

    @Option(names = "--ramp-timeout", converter = Durations.class, description = "Longest wait for every stream to open (default: 120s).")
    Duration rampTimeout = Duration.ofSeconds(120);

    private final LongAdder messages = new LongAdder();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();

    public static void main(String[] args) {
        ServiceLauncher.main(new NumbersBench(), args);
    }

    @Override
    public Integer call() throws Exception {
        NioSocketConnector connector = new NioSocketConnector(2);
        connector.getFilterChain().addLast("lines", new ProtocolCodecFilter(new LineCodecFactory(Protocol.MAX_SERVER_LINE)));
        connector.setConnectTimeoutMillis(10_000);
        connector.setHandler(new Handler());
        String run = Long.toString(System.currentTimeMillis(), 36);
        Semaphore inFlight = new Semaphore(200);
        InetSocketAddress address = new InetSocketAddress(host, port);
        long started = System.nanoTime();
        try {
            for (int i = 0; i < streams; i++) {
                inFlight.acquire();
                String id = "bench-" + run + "-" + i;
                ConnectFuture future = connector.connect(address);
                future.addListener(f -> {
                    ConnectFuture cf = (ConnectFuture) f;
                    if (cf.isConnected()) {
                        cf.getSession().write(Hello.stateful(id, count, 0));
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
            System.out.println("READY");
            System.out.flush();
            long before = messages.sum();
            long t0 = System.nanoTime();
            Thread.sleep(hold.toMillis());
            double seconds = (System.nanoTime() - t0) / 1e9;
            long received = messages.sum() - before;
            System.out.printf("window %.1f s: %d messages, %.0f messages/s, %.3f per stream per second; %d streams open, %d closed%n",
                    seconds, received, received / seconds, received / seconds / Math.max(1, accepted.get()),
                    connector.getManagedSessionCount(), closed.get());
            System.out.println("DONE");
            return accepted.get() == streams ? 0 : 1;
        } finally {
            connector.getManagedSessions().values().forEach(IoSession::closeNow);
            connector.dispose(true);
        }
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
            } else if (reply instanceof ServerMessage.Ok) {
                accepted.incrementAndGet();
            } else if (reply instanceof ServerMessage.Err err) {
                refused.incrementAndGet();
                firstError.compareAndSet(null, err.line());
            }
        }

        @Override
        public void sessionClosed(IoSession session) {
            closed.incrementAndGet();
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            firstError.compareAndSet(null, cause.toString());
            session.closeNow();
        }
    }
}
