package io.tcpmesh.proxy.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;

/**
 * A slot that makes one connection per request. In md5 mode: connect, send the message, half-close, read the
 * digest line until the server closes, compare with the local MD5. In connect mode: connect and close.
 */
final class OneShotConnection extends LoadConnection {
    private static final int DIGEST_LINE = 33;

    private final boolean md5;
    private final byte[] reply = new byte[DIGEST_LINE + 1];
    private int replied;
    private long sendTime = -1;
    private long written;
    private long lastProgress;

    OneShotConnection(LoadWorker worker, LoadTarget target, boolean md5) {
        super(worker, target);
        this.md5 = md5;
    }

    boolean idle() {
        return sendTime < 0;
    }

    /** Starts one request whose latency counts from {@code intended}. */
    void start(long intended, long now) {
        sendTime = intended;
        replied = 0;
        written = 0;
        worker.open(this, now);
    }

    @Override
    void connecting(long now) {
        lastProgress = now;
    }

    @Override
    void connected(long now) throws IOException {
        lastProgress = now;
        if (!md5) {
            finish(now, null);
            return;
        }
        interest(SelectionKey.OP_WRITE);
        writable(now);
    }

    @Override
    void writable(long now) throws IOException {
        ByteBuffer out = worker.writeBuffer();
        long size = worker.payload().length();
        while (written < size) {
            out.clear();
            worker.payload().fill(out, written, size);
            out.flip();
            int n = wire.write(out);
            written += n;
            stats.sent(n);
            if (n > 0) {
                lastProgress = now;
            }
            if (out.hasRemaining()) {
                return;
            }
        }
        wire.shutdownOutput();
        interest(SelectionKey.OP_READ);
    }

    @Override
    void readable(long now) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(reply, replied, reply.length - replied);
        int n = wire.read(in);
        if (n < 0) {
            if (replied == 0) {
                failed(ErrorKind.RESET, now);
            } else {
                finish(now, new String(reply, 0, replied, StandardCharsets.US_ASCII));
            }
            return;
        }
        stats.received(n);
        lastProgress = now;
        replied += n;
        if (replied > DIGEST_LINE || (replied == DIGEST_LINE && reply[DIGEST_LINE - 1] == '\n')) {
            finish(now, new String(reply, 0, replied, StandardCharsets.US_ASCII));
        }
    }

    private void finish(long now, String answer) {
        if (answer == null || answer.equals(worker.payload().md5() + "\n")) {
            stats.ok(now - sendTime);
        } else {
            stats.error(ErrorKind.WRONG_REPLY);
        }
        done();
    }

    @Override
    void failed(ErrorKind kind, long now) {
        if (sendTime >= 0) {
            stats.error(kind);
        }
        done();
    }

    private void done() {
        sendTime = -1;
        closeChannel();
        worker.slotFree(this);
    }

    @Override
    void tick(long now) {
        if (sendTime >= 0 && now - lastProgress > worker.timeoutNanos()) {
            failed(ErrorKind.TIMEOUT, now);
        }
    }

    @Override
    int outstanding() {
        return sendTime >= 0 ? 1 : 0;
    }
}
