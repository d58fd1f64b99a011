package io.tcpmesh.proxy.load;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadTest {

    private static byte[] stream(Payload p, long from, int n) {
        ByteBuffer buf = ByteBuffer.allocate(n);
        assertThat(p.fill(buf, from, from + n)).isEqualTo(n);
        return buf.array();
    }

    @Test
    void largeMessagesRepeatTheBlockAndTheDigestCoversTheWholeMessage() throws Exception {
        long size = Payload.MAX_BLOCK * 3L + 17;
        Payload p = Payload.ofSize(size);
        byte[] whole = stream(p, 0, (int) size);
        assertThat(p.md5()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(whole)));
        assertThat(whole[Payload.MAX_BLOCK]).isEqualTo(whole[0]);
    }

    @Test
    void theStreamContinuesWithTheNextMessage() {
        Payload p = Payload.of("hello world");
        assertThat(new String(stream(p, 6, 10))).isEqualTo("worldhello");
        assertThat(p.byteAt(11)).isEqualTo((byte) 'h');
    }

    @Test
    void mismatchFindsTheFirstWrongByteAcrossMessageBoundaries() {
        Payload p = Payload.of("abc");
        byte[] good = "cabcab".getBytes();
        assertThat(p.mismatch(good, 0, good.length, 2)).isEqualTo(-1);
        byte[] bad = "cabXab".getBytes();
        assertThat(p.mismatch(bad, 0, bad.length, 2)).isEqualTo(3);
        assertThat(p.mismatch(bad, 4, 2, 6)).isEqualTo(-1);
    }

    @Test
    void theWellKnownDigest() {
        assertThat(Payload.of("Hello, MD5 server!").md5()).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e");
    }

    @Test
    void emptyMessagesAreRefused() {
        assertThatThrownBy(() -> Payload.ofSize(0)).hasMessageContaining("--size");
    }
}
