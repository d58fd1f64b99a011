package io.tcpmesh.storage.agent;

import io.tcpmesh.storage.protocol.FrameException;
import io.tcpmesh.storage.protocol.FrameStreams;
import io.tcpmesh.storage.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's connection to the collector, on its own thread: connects (again and again, with
 * backoff), says HELLO, sends what the {@link Outbox} holds, and hands ACKs back to it. The run
 * carries on whether or not the collector is there.
 */
final class CollectorLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectorLink.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1000;

    private final AgentConfig config;
    private final CollectorLocator locator;
    private final Outbox outbox;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile String run;
    private volatile Socket socket;
    private volatile boolean connected;
    private volatile boolean broken;
    private volatile long connections;
    private final String host = localHost();

    CollectorLink(AgentConfig config, CollectorLocator locator, Outbox outbox) {
        this.config = config;
        this.locator = locator;
        this.outbox = outbox;
        this.run = config.run();
        this.thread = new Thread(this::loop, "link");
        thread.setDaemon(true);
    }

    CollectorLink start() {
        thread.start();
        return this;
    }

    Thread thread() {
        return thread;
    }

    boolean connected() {
        return connected;
    }

    /** Connections made so far (a reconnection counts). */
    long connections() {
        return connections;
    }

    /** The run the collector put this agent in, once it said. */
    String run() {
        return run;
    }

    private void loop() {
        long backoff = MIN_BACKOFF_MS;
        while (closing.getCount() > 0) {
            InetSocketAddress target = locator.next();
            if (target != null) {
                try {
                    session(target);
                    backoff = MIN_BACKOFF_MS;
                } catch (IOException | FrameException e) {
                    if (closing.getCount() > 0) {
                        log.warn("[{}] collector {}: {}; {} message(s) kept, retrying in {} ms", config.id(), target, e.getMessage(),
                                outbox.size(), backoff);
                        locator.failed(target);
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    connected = false;
                    closeSocket();
                }
            }
            try {
                if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private void session(InetSocketAddress target) throws IOException, FrameException, InterruptedException {
        Socket s = new Socket();
        socket = s;
        broken = false;
        s.connect(target, (int) CONNECT_TIMEOUT.toMillis());
        s.setTcpNoDelay(true);
        OutputStream out = new BufferedOutputStream(s.getOutputStream());
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        FrameStreams.write(out, new Message.Hello(config.id(), run, host, ProcessHandle.current().pid(), config.expect()));
        out.flush();
        s.setSoTimeout(5000);
        Message first = FrameStreams.read(in);
        if (!(first instanceof Message.Welcome welcome)) {
            throw new IOException("collector answered " + first.type() + " instead of WELCOME: " + first);
        }
        s.setSoTimeout(0);
        run = welcome.run();
        connections++;
        connected = true;
        outbox.rewind();
        log.info("[{}] connected to collector {} at {}, run {}; {} message(s) to (re)send", config.id(), welcome.collector(),
                target, run, outbox.size());
        Thread reader = new Thread(() -> read(in), "link-reader");
        reader.setDaemon(true);
        reader.start();
        while (!broken && closing.getCount() > 0) {
            Message.Sequenced m = outbox.next(Duration.ofMillis(100));
            if (m != null) {
                FrameStreams.write(out, m);
                out.flush();
            }
        }
        if (broken) {
            throw new IOException("connection lost");
        }
    }

    private void read(DataInputStream in) {
        try {
            while (true) {
                Message m = FrameStreams.read(in);
                if (m instanceof Message.Ack ack) {
                    outbox.ack(ack.seq());
                } else if (m instanceof Message.Error error) {
                    log.error("[{}] collector refused: {}", config.id(), error.message());
                } else {
                    log.warn("[{}] unexpected {} from the collector", config.id(), m.type());
                }
            }
        } catch (EOFException e) {
            log.debug("[{}] collector closed the connection", config.id());
        } catch (IOException | FrameException e) {
            log.debug("[{}] reading from the collector: {}", config.id(), e.toString());
        } finally {
            broken = true;
            closeSocket();
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Drops the connection at once, with a reset, and sends nothing more: a killed agent. */
    void abort() {
        closing.countDown();
        Socket s = socket;
        if (s != null) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        closeSocket();
        thread.interrupt();
    }

    @Override
    public void close() {
        closing.countDown();
        closeSocket();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
