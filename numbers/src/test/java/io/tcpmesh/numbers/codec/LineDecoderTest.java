package io.tcpmesh.numbers.codec;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.DefaultTransportMetadata;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.apache.mina.filter.codec.ProtocolCodecSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineDecoderTest {
    private final LineDecoder decoder = new LineDecoder(16);
    private final ProtocolCodecSession session = new ProtocolCodecSession();

    LineDecoderTest() {
        // a stream transport, as a socket is: the decoder keeps partial lines between reads
        session.setTransportMetadata(new DefaultTransportMetadata("test", "stream", false, true,
                InetSocketAddress.class, SocketSessionConfig.class, Object.class));
    }

    private List<Object> feed(String... chunks) throws Exception {
        for (String chunk : chunks) {
            decoder.decode(session, IoBuffer.wrap(chunk.getBytes(StandardCharsets.ISO_8859_1)), session.getDecoderOutput());
        }
        List<Object> lines = new ArrayList<>();
        for (Object o = session.getDecoderOutputQueue().poll(); o != null; o = session.getDecoderOutputQueue().poll()) {
            lines.add(o);
        }
        return lines;
    }

    @Test
    void joinsSplitLines() throws Exception {
        assertThat(feed("HEL", "LO 1", " x\n")).containsExactly("HELLO 1 x");
    }

    @Test
    void splitsJoinedLinesAndDropsCarriageReturns() throws Exception {
        assertThat(feed("a\r\nb\nc")).containsExactly("a", "b");
        assertThat(feed("\n")).containsExactly("c");
    }

    @Test
    void refusesALineLongerThanTheLimitBeforeItEnds() {
        assertThatThrownBy(() -> feed("0123456789abcdefg")).isInstanceOf(ProtocolDecoderException.class)
                .hasMessageContaining("longer than 16");
    }

    @Test
    void acceptsALineOfExactlyTheLimit() throws Exception {
        assertThat(feed("0123456789abcde\n")).containsExactly("0123456789abcde");
    }

    @Test
    void refusesBytesThatAreNotPrintableAscii() {
        assertThatThrownBy(() -> feed("HELLO\u00e9\n")).isInstanceOf(ProtocolDecoderException.class)
                .hasMessageContaining("0xe9");
    }

    @Test
    void refusesAControlByteAsSoonAsItArrivesWithoutWaitingForTheLineFeed() {
        for (String bad : new String[] {"HE\u0000", "\u0001", "HELLO\t", "a\u007f", "a\u0080", "\u00ff", "a\rb", "a\r\r"}) {
            assertThatThrownBy(() -> feed(bad)).as(bad).isInstanceOf(ProtocolDecoderException.class).hasMessageContaining("0x");
        }
    }

    @Test
    void waitsForTheByteAfterACarriageReturn() throws Exception {
        assertThat(feed("ab\r")).isEmpty();
        assertThat(feed("\n")).containsExactly("ab");
    }

    @Test
    void refusesSixteenBytesWithoutALineFeedAtOnce() {
        assertThatThrownBy(() -> feed("0123456789abcdef")).isInstanceOf(ProtocolDecoderException.class)
                .hasMessageContaining("longer than 16");
    }
}
