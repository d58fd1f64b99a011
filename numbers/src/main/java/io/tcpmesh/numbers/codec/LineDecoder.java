package io.tcpmesh.numbers.codec;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.CumulativeProtocolDecoder;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.apache.mina.filter.codec.ProtocolDecoderOutput;

import java.nio.charset.StandardCharsets;

/**
 * Decodes US-ASCII lines ended by LF into Strings without their end. A CR is allowed only right before
 * the LF (and dropped). Every other byte outside printable ASCII (0x20..0x7e) is refused as soon as it
 * arrives, and so is a line that reaches the limit without its LF: the decoder never waits for the end
 * of a line it is going to refuse.
 */
public final class LineDecoder extends CumulativeProtocolDecoder {
    private final int maxLine;

    /** @param maxLine the longest line, its LF (and CR) included */
    public LineDecoder(int maxLine) {
        this.maxLine = maxLine;
    }

    @Override
    protected boolean doDecode(IoSession session, IoBuffer in, ProtocolDecoderOutput out) throws Exception {
        int start = in.position();
        int limit = in.limit();
        for (int i = start; i < limit; i++) {
            byte b = in.get(i);
            if (b == '\n') {
                out.write(line(in, start, i));
                return true;
            }
            if (i - start + 1 >= maxLine) {
                throw new ProtocolDecoderException("line longer than " + maxLine + " bytes");
            }
            if (b == '\r' && i + 1 < limit && in.get(i + 1) != '\n') {
                throw new ProtocolDecoderException("line holds a CR (0x0d) that is not followed by LF");
            }
            if (b != '\r' && (b < 0x20 || b > 0x7e)) {
                throw new ProtocolDecoderException("line holds a byte that is not printable ASCII: 0x" + String.format("%02x", b & 0xff));
            }
        }
        return false;
    }

    /** The line from {@code start} to the LF at {@code lf}, without its CR, LF; the buffer moves past it. */
    private static String line(IoBuffer in, int start, int lf) {
        int end = lf > start && in.get(lf - 1) == '\r' ? lf - 1 : lf;
        byte[] bytes = new byte[end - start];
        in.get(bytes);
        in.position(lf + 1);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
