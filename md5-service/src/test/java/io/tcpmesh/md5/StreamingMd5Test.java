package io.tcpmesh.md5;

import org.apache.mina.core.buffer.IoBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingMd5Test {
    /** RFC 1321, appendix A.5. */
    private static final Map<String, String> RFC_1321 = Map.of(
            "", "d41d8cd98f00b204e9800998ecf8427e",
            "a", "0cc175b9c0f1b6a831c399e269772661",
            "abc", "900150983cd24fb0d6963f7d28e17f72",
            "message digest", "f96b697d7cb7938d525a2f31aaf161d0",
            "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f",
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a");

    @Test
    void rfc1321TestVectors() {
        RFC_1321.forEach((input, expected) -> {
            StreamingMd5 md5 = new StreamingMd5();
            md5.update(IoBuffer.wrap(input.getBytes(StandardCharsets.US_ASCII)));
            assertThat(answer(md5)).as("MD5(\"%s\")", input).isEqualTo(expected + "\n");
        });
    }

    @Test
    void emptyInputGivesTheEmptyDigest() {
        assertThat(answer(new StreamingMd5())).isEqualTo("d41d8cd98f00b204e9800998ecf8427e\n");
    }

    @Test
    void originalExampleDigest() {
        StreamingMd5 md5 = new StreamingMd5();
        md5.update(IoBuffer.wrap("Hello, MD5 server!".getBytes(StandardCharsets.US_ASCII)));
        assertThat(answer(md5)).isEqualTo("ba6f4fdbbfad6e8613f4f9459db93c7e\n");
    }

    @Test
    void randomInputsSplitAtRandomBoundariesMatchMessageDigest() throws Exception {
        Random random = new Random(1321);
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(200_000)];
            random.nextBytes(data);
            StreamingMd5 md5 = new StreamingMd5();
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, random.nextInt(random.nextBoolean() ? 70 : 70_000) + 1);
                md5.update(slice(data, at, n, random));
                at += n;
            }
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
            assertThat(md5.length()).isEqualTo(data.length);
            assertThat(answer(md5)).as("round %d, %d bytes", round, data.length).isEqualTo(expected + "\n");
        }
    }

    @Test
    void hashesOnlyTheRemainingBytesAndConsumesThem() {
        IoBuffer buffer = IoBuffer.wrap("xxabcyy".getBytes(StandardCharsets.US_ASCII), 2, 3).slice();
        StreamingMd5 md5 = new StreamingMd5();
        md5.update(buffer);
        assertThat(buffer.remaining()).isZero();
        assertThat(answer(md5)).isEqualTo("900150983cd24fb0d6963f7d28e17f72\n");
    }

    /** A view at an offset inside a larger array, or a direct buffer: both paths of update. */
    private static IoBuffer slice(byte[] data, int at, int n, Random random) {
        if (random.nextInt(4) == 0) {
            ByteBuffer direct = ByteBuffer.allocateDirect(n);
            direct.put(data, at, n).flip();
            return IoBuffer.wrap(direct);
        }
        int pad = random.nextInt(16);
        byte[] bigger = new byte[n + 2 * pad];
        System.arraycopy(data, at, bigger, pad, n);
        IoBuffer buffer = IoBuffer.wrap(bigger);
        buffer.position(pad).limit(pad + n);
        return buffer;
    }

    private static String answer(StreamingMd5 md5) {
        return new String(md5.answer(), StandardCharsets.US_ASCII);
    }
}
