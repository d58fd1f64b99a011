package io.tcpmesh.numbers.codec;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.CumulativeProtocolDecoder;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.apache.mina.filter.codec.ProtocolDecoderOutput;

import java.nio.charset.StandardCharsets;

/**
 * Decodes US-ASCII lines ended by LF (an optional CR before it is dropped) into Strings without their
 * end. A line longer than the limit, or holding a byte outside printable ASCII, is an error.
 */
public final class LineDecoder extends CumulativeProtocolDecoder {
    private final int maxLine;

    public LineDecoder(int maxLine) {
        this.maxLine = maxLine;
    }

    @Override
    protected boolean doDecode(IoSession session, IoBuffer in, ProtocolDecoderOutput out) throws Exception {
        int start = in.position();
        int limit = in.limit();
        for (int i = start; i < limit; i++) {
            if (i - start + 1 > maxLine) {
                throw new ProtocolDecoderException("line longer than " + maxLine + " bytes");
            }
            byte b = in.get(i);
            if (b == '\n') {
                int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                byte[] bytes = new byte[end - start];
                in.get(bytes);
                in.position(i + 1);
                out.write(text(bytes));
                return true;
            }
        }
        return false;
    }

    private static String text(byte[] bytes) throws ProtocolDecoderException {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                throw new ProtocolDecoderException("line holds a byte that is not printable ASCII: 0x" + Integer.toHexString(b & 0xff));
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
