package io.tcpmesh.proxy.load;

import io.tcpmesh.coordination.DaemonThreads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A small blocking test server (a thread per connection) that counts what it saw. */
final class CountingServer implements AutoCloseable {
    enum Kind { ECHO, CORRUPTING_ECHO, MD5, WRONG_MD5 }

    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    private final Kind kind;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("test-server"));

    private CountingServer(Kind kind) throws IOException {
        this.kind = kind;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    static CountingServer start(Kind kind) throws IOException {
        return new CountingServer(kind);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            socket.setTcpNoDelay(true);
            if (kind == Kind.MD5 || kind == Kind.WRONG_MD5) {
                digest(in, out);
            } else {
                echo(in, out);
            }
        } catch (Exception e) {
            // the client went away: the counters say what was seen
        }
    }

    private void echo(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[16 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            bytesRead.addAndGet(n);
            if (kind == Kind.CORRUPTING_ECHO && bytesWritten.get() > 1000) {
                buf[0] ^= 1;
            }
            out.write(buf, 0, n);
            bytesWritten.addAndGet(n);
        }
    }

    private void digest(InputStream in, OutputStream out) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[16 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            bytesRead.addAndGet(n);
            md.update(buf, 0, n);
        }
        String hex = kind == Kind.WRONG_MD5 ? "0".repeat(32) : HexFormat.of().formatHex(md.digest());
        byte[] reply = (hex + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(reply);
        out.flush();
        bytesWritten.addAndGet(reply.length);
        answered.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
