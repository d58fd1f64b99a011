package io.tcpmesh.proxy.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A kept-open connection to an echo server. Messages are pipelined: each queued message adds its send time
 * (intended time in an open loop) to {@code sendTimes}; when the last byte of a message comes back its latency
 * is recorded, or a wrong reply if any byte differed.
 */
final class EchoConnection extends LoadConnection {
    private static final long RECONNECT_DELAY = 50_000_000L;

    private final LongQueue sendTimes = new LongQueue();
    private long written;
    private long toWrite;
    private long read;
    private boolean currentWrong;
    private long lastProgress;
    private long reconnectAt = -1;
    private boolean open;
    private long connectStarted;

    EchoConnection(LoadWorker worker, LoadTarget target) {
        super(worker, target);
    }

    boolean isOpen() {
        return open;
    }

    @Override
    void connecting(long now) {
        connectStarted = now;
    }

    @Override
    void connected(long now) {
        open = true;
        lastProgress = now;
        interest(SelectionKey.OP_READ);
        if (!worker.openLoop() && worker.tryStart()) {
            send(now);
        }
        worker.connectionOpened(this);
    }

    /** Queues one more message whose latency counts from {@code sendTime}. */
    void send(long sendTime) {
        if (sendTimes.isEmpty()) {
            lastProgress = System.nanoTime();
        }
        sendTimes.add(sendTime);
        toWrite += worker.payload().length();
        interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    @Override
    void writable(long now) throws IOException {
        ByteBuffer out = worker.writeBuffer();
        while (written < toWrite) {
            out.clear();
            worker.payload().fill(out, written, toWrite);
            out.flip();
            int n = wire.write(out);
            written += n;
            stats.sent(n);
            if (out.hasRemaining()) {
                return;
            }
        }
        interest(SelectionKey.OP_READ);
    }

    @Override
    void readable(long now) throws IOException {
        ByteBuffer in = worker.readBuffer();
        in.clear();
        int n = wire.read(in);
        if (n < 0) {
            failed(ErrorKind.RESET, now);
            return;
        }
        stats.received(n);
        lastProgress = now;
        byte[] bytes = in.array();
        int off = 0;
        long size = worker.payload().length();
        while (off < n) {
            if (sendTimes.isEmpty()) {
                // bytes nobody asked for: the peer is not an echo server
                stats.error(ErrorKind.WRONG_REPLY);
                stats.attempt();
                failed(ErrorKind.WRONG_REPLY, now);
                return;
            }
            long leftInMessage = size - read % size;
            int chunk = (int) Math.min(n - off, leftInMessage);
            if (!currentWrong && worker.payload().mismatch(bytes, off, chunk, read) >= 0) {
                currentWrong = true;
            }
            read += chunk;
            off += chunk;
            if (read % size == 0) {
                completed(sendTimes.poll(), now);
            }
        }
    }

    private void completed(long sendTime, long now) {
        if (currentWrong) {
            stats.error(ErrorKind.WRONG_REPLY);
            currentWrong = false;
        } else {
            stats.ok(now - sendTime);
        }
        if (!worker.openLoop() && worker.tryStart()) {
            send(now);
        }
    }

    @Override
    void failed(ErrorKind kind, long now) {
        if (!open) {
            // the connection itself failed: that is one failed attempt
            stats.attempt();
            stats.error(kind);
        }
        for (int i = sendTimes.size(); i > 0; i--) {
            stats.error(kind);
        }
        sendTimes.clear();
        written = toWrite = read = 0;
        currentWrong = false;
        open = false;
        closeChannel();
        reconnectAt = now + RECONNECT_DELAY;
    }

    @Override
    void tick(long now) {
        if (open && !sendTimes.isEmpty() && now - lastProgress > worker.timeoutNanos()) {
            failed(ErrorKind.TIMEOUT, now);
        }
        if (!open && channel != null && now - connectStarted > worker.timeoutNanos()) {
            failed(ErrorKind.TIMEOUT, now);
        }
        if (channel == null && reconnectAt >= 0 && now >= reconnectAt && worker.running()) {
            reconnectAt = -1;
            worker.open(this, now);
        }
    }

    @Override
    int outstanding() {
        return sendTimes.size();
    }
}
