package io.tcpmesh.proxy.testing;

import io.tcpmesh.coordination.DaemonThreads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain-socket backend for the proxy's tests, one thread per connection, on a free loopback port.
 * ECHO echoes; MD5 reads until the client half-closes and answers the digest in hex and a newline;
 * FLOOD writes {@code floodBytes} as fast as the socket takes them, then closes; SINK counts what it reads
 * until the client half-closes and answers the count in decimal and a newline.
 * The failing ones: FROZEN never accepts (the kernel completes connects from the backlog and nobody reads, as
 * with a SIGSTOPped process); DROP reads until the client half-closes and closes without answering; RESET reads
 * once and resets; PARTIAL reads until the half-close, answers one byte and closes; HANGUP reads once and closes in
 * order (a FIN, no answer), as a server ending a request it will not serve (md5's minimum rate).
 */
public final class TestBackend implements AutoCloseable {
    public enum Mode { ECHO, MD5, FLOOD, SINK, FROZEN, DROP, RESET, PARTIAL, HANGUP }

    private volatile Mode mode;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private volatile long floodBytes = 32L << 20;
    private volatile boolean closed;

    public TestBackend(Mode mode) throws IOException {
        this(mode, 0);
    }

    public TestBackend(Mode mode, int port) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        if (mode != Mode.FROZEN) {
            DaemonThreads.start("backend-" + mode + "-" + port(), this::acceptLoop);
        }
    }

    /** What connections accepted from now on get (not FROZEN: the accept loop runs or not from the start). */
    public TestBackend mode(Mode next) {
        mode = next;
        return this;
    }

    public TestBackend floodBytes(long n) {
        floodBytes = n;
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String target() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    /** Bytes written by FLOOD so far. */
    public long written() {
        return written.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                DaemonThreads.start("backend-conn", () -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Mode m = mode;
            switch (m) {
                case ECHO -> {
                    byte[] buf = new byte[16384];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                    }
                }
                case MD5 -> {
                    MessageDigest md5 = MessageDigest.getInstance("MD5");
                    byte[] buf = new byte[16384];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md5.update(buf, 0, n);
                    }
                    out.write((HexFormat.of().formatHex(md5.digest()) + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                case SINK -> {
                    byte[] buf = new byte[65536];
                    long n = 0;
                    for (int r; (r = in.read(buf)) > 0; ) {
                        n += r;
                    }
                    out.write((n + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                case DROP, PARTIAL -> {
                    in.transferTo(OutputStream.nullOutputStream());
                    if (m == Mode.PARTIAL) {
                        out.write('x');
                    }
                }
                case RESET -> {
                    in.read(new byte[16384]);
                    s.setSoLinger(true, 0);
                    return;
                }
                case HANGUP -> {
                    in.read(new byte[16384]);
                    return; // closed in order with nothing read after the first bytes
                }
                case FROZEN -> throw new IllegalStateException("a frozen backend accepts nothing");
                case FLOOD -> {
                    byte[] buf = new byte[65536];
                    long left = floodBytes;
                    while (left > 0) {
                        int n = (int) Math.min(buf.length, left);
                        out.write(buf, 0, n);
                        written.addAndGet(n);
                        left -= n;
                    }
                }
            }
            out.flush();
            s.shutdownOutput();
            // wait for the peer's close, so nothing is reset under it
            while (in.read() >= 0) {
                // discard
            }
        } catch (Exception e) {
            // peer gone or backend closed
        } finally {
            open.remove(s);
        }
    }

    /** Stops accepting and resets every open connection, as a crash would. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
