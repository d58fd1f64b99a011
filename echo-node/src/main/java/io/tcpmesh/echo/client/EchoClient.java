package io.tcpmesh.echo.client;

import io.tcpmesh.coordination.Backoff;
import io.tcpmesh.coordination.DaemonThreads;
import io.tcpmesh.coordination.tls.TlsClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * Sends lines to the echo master port and prints what comes back; when the connection drops it
 * reconnects to wherever the master port now is, with exponential backoff and jitter, says so on
 * standard error, and sends again the lines whose echo had not come back.
 *
 * <p>Threads: the caller's thread reads the input and writes; one receiver thread per connection
 * prints and, when its connection ends, reconnects at once (so a fail-over is followed even while
 * the input is quiet). Connecting and writing happen under one lock, so a line is never sent twice on
 * one connection.
 */
public final class EchoClient implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final Supplier<Optional<InetSocketAddress>> target;
    private final Backoff backoff;
    private final PrintStream out;
    private final PrintStream err;
    private final ConcurrentLinkedDeque<String> outstanding = new ConcurrentLinkedDeque<>();
    private final Object lock = new Object();
    private Socket socket; // guarded by lock
    private boolean everConnected; // guarded by lock
    private volatile boolean closed;
    private final Optional<TlsClient> tls;

    public EchoClient(Supplier<Optional<InetSocketAddress>> target, Backoff backoff, PrintStream out, PrintStream err) {
        this(target, backoff, Optional.empty(), out, err);
    }

    /** With TLS to the master port when {@code tls} is present. */
    public EchoClient(Supplier<Optional<InetSocketAddress>> target, Backoff backoff, Optional<TlsClient> tls,
                      PrintStream out, PrintStream err) {
        this.tls = tls;
        this.target = target;
        this.backoff = backoff;
        this.out = out;
        this.err = err;
    }

    /** Reads lines until end of input, then waits up to {@code linger} for the last echoes; returns the exit code. */
    public int run(InputStream input, Duration linger) throws IOException, InterruptedException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null && !closed) {
            send(line);
        }
        long deadline = System.nanoTime() + linger.toNanos();
        while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int left = outstanding.size();
        close();
        if (left > 0) {
            err.println("echo-client: " + left + " line(s) not echoed within " + linger.toMillis() + " ms");
            return 1;
        }
        return 0;
    }

    private void send(String line) throws InterruptedException {
        synchronized (lock) {
            connected();
            // added once connected: a new connection sends every outstanding line itself
            outstanding.add(line);
            try {
                write(socket, line);
                return;
            } catch (IOException e) {
                dropped(socket, e.toString());
            }
            // the reconnection sends every outstanding line, this one included
            connected();
        }
    }

    private static void write(Socket s, String line) throws IOException {
        OutputStream os = s.getOutputStream();
        os.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    /** Returns with a live connection (or when closed); call holding the lock. */
    private void connected() throws InterruptedException {
        int attempt = 0;
        while (socket == null && !closed) {
            Optional<InetSocketAddress> where = target.get();
            String failure;
            if (where.isEmpty()) {
                failure = "no leader known yet";
            } else {
                InetSocketAddress address = new InetSocketAddress(where.get().getHostString(), where.get().getPort());
                try {
                    open(address, attempt);
                    return;
                } catch (IOException e) {
                    failure = "connecting to " + describe(address) + " failed: " + e.getMessage();
                }
            }
            long delay = backoff.delayMillis(attempt++);
            err.println("echo-client: " + failure + "; attempt " + attempt + ", next in " + delay + " ms");
            err.flush();
            Thread.sleep(delay);
        }
    }

    private void open(InetSocketAddress address, int failedAttempts) throws IOException {
        Socket plain = new Socket();
        Socket s = plain;
        try {
            plain.setTcpNoDelay(true);
            plain.connect(address, CONNECT_TIMEOUT_MILLIS);
            if (tls.isPresent()) {
                s = tls.get().wrap(plain, address.getHostString(), address.getPort());
            }
            for (String line : outstanding) {
                write(s, line);
            }
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        socket = s;
        err.println("echo-client: " + (everConnected ? "reconnected" : "connected") + " to " + describe(address)
                + (failedAttempts > 0 ? " after " + failedAttempts + " failed attempt(s)" : "")
                + (everConnected && !outstanding.isEmpty() ? ", sent " + outstanding.size() + " unanswered line(s) again" : ""));
        err.flush();
        everConnected = true;
        Socket opened = s;
        DaemonThreads.start("echo-client-receiver", () -> receive(opened, address));
    }

    private void receive(Socket s, InetSocketAddress address) {
        String why = "closed by the server";
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
                outstanding.removeFirstOccurrence(line);
            }
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (closed) {
            return;
        }
        synchronized (lock) {
            if (socket == s) {
                dropped(s, why);
                try {
                    connected();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void dropped(Socket s, String why) {
        err.println("echo-client: connection to " + describe((InetSocketAddress) s.getRemoteSocketAddress()) + " lost (" + why
                + "); reconnecting with backoff");
        err.flush();
        closeQuietly(s);
        socket = null;
    }

    private static String describe(InetSocketAddress a) {
        return a == null ? "?" : a.getHostString() + ":" + a.getPort();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** How many lines were sent and not yet echoed. */
    public int outstanding() {
        return outstanding.size();
    }

    @Override
    public void close() {
        closed = true;
        Socket s;
        synchronized (lock) {
            s = socket;
            socket = null;
        }
        if (s != null) {
            closeQuietly(s);
        }
    }
}
