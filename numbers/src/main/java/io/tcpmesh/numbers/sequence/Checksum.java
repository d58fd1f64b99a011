package io.tcpmesh.numbers.sequence;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The stateful stream's checksum: CRC-32 (IEEE 802.3, as {@link CRC32} and zlib compute it) over the
 * decimal values in order, each followed by one line feed, written as 8 lowercase hex digits.
 * For the values 1, 2, 3 it is the CRC-32 of the bytes {@code "1\n2\n3\n"}.
 */
public final class Checksum {
    private final CRC32 crc = new CRC32();

    public Checksum add(String decimalValue) {
        crc.update(decimalValue.getBytes(StandardCharsets.US_ASCII));
        crc.update('\n');
        return this;
    }

    public String hex() {
        return String.format("%08x", crc.getValue());
    }
}
