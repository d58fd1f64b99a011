package io.tcpmesh.storage.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every body that breaks docs/storage-protocol.md is refused, naming what is wrong; nothing is coerced. */
class StrictFramesTest {
    private static final String HEARTBEAT = "{\"v\":1,\"type\":\"HEARTBEAT\",%s\"at\":5,\"threads\":[],\"droppedSamples\":0}";
    private static final String START = "{\"v\":1,\"type\":\"START\",\"seq\":1,\"at\":1,\"chunkSize\":1024,\"fileSize\":4096,"
            + "\"writers\":1,\"runtimeMs\":60000,\"heartbeatMs\":%s,\"monitorMs\":%s,\"dir\":\"/d\",\"calibratedBytesPerSecond\":1.5e6}";

    private static Message read(String json) throws FrameException {
        return MessageCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(String json, String reason) {
        assertThatThrownBy(() -> read(json)).isInstanceOf(FrameException.class).hasMessageContaining(reason);
    }

    private static byte[] withBytes(String before, int[] raw, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void aWellFormedHeartbeatIsRead() throws Exception {
        assertThat(read(String.format(HEARTBEAT, "\"seq\":3,"))).isEqualTo(new Message.Heartbeat(3, 5, java.util.List.of(), 0));
    }

    @Test
    void aNumberedMessageWithoutSeqIsRefused() {
        refused(String.format(HEARTBEAT, ""), "bad HEARTBEAT message: missing seq");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "1.0", "1e2", "\"1\"", "null", "true", "{}", "99999999999999999999"})
    void aSeqThatIsNotAnIntegerOfAtLeastOneIsRefused(String seq) {
        refused(String.format(HEARTBEAT, "\"seq\":" + seq + ","), "seq");
    }

    @Test
    void requiredFieldsAreCheckedWithTheirJsonTypes() {
        refused("{\"v\":1,\"type\":\"HEARTBEAT\",\"seq\":1,\"at\":5,\"threads\":\"none\",\"droppedSamples\":0}", "threads must be an array");
        refused("{\"v\":1,\"type\":\"HEARTBEAT\",\"seq\":1,\"at\":5,\"threads\":[{\"name\":\"w\",\"alive\":\"yes\",\"progressing\":true}],"
                + "\"droppedSamples\":0}", "threads[0].alive must be true or false");
        refused("{\"v\":1,\"type\":\"HELLO\",\"agent\":7,\"host\":\"h\",\"pid\":1}", "agent must be a string");
        refused("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"pid\":1}", "missing host");
        refused("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"host\":\"h\",\"pid\":\"1\"}", "pid must be an integer");
        refused("{\"v\":1,\"type\":\"ROLLOVER\",\"seq\":2,\"at\":1,\"writer\":0,\"fileIndex\":1,\"file\":\"f\",\"bytes\":1.5,"
                + "\"chunks\":1,\"elapsedMs\":1}", "bytes must be an integer");
        refused("{\"v\":1,\"type\":\"STOP\",\"seq\":2,\"at\":1,\"reason\":\"x\",\"elapsedMs\":1,\"bytes\":1,\"files\":1,\"rollovers\":0,"
                + "\"chunks\":1,\"chunkMicros\":{\"count\":1},\"totalCpuMs\":0,\"droppedSamples\":0}", "missing chunkMicros.min");
        refused("{\"v\":\"1\",\"type\":\"ACK\",\"seq\":1}", "unsupported protocol version");
        refused("{\"v\":1.5,\"type\":\"ACK\",\"seq\":1}", "unsupported protocol version");
        refused("{\"v\":1,\"type\":[\"ACK\"],\"seq\":1}", "type must be a string");
    }

    @Test
    void helloMayLeaveTheRunOutOrNull() throws Exception {
        assertThat(read("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"host\":\"h\",\"pid\":1}"))
                .isEqualTo(new Message.Hello("a", null, "h", 1));
        assertThat(read("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"run\":null,\"host\":\"h\",\"pid\":1}"))
                .isEqualTo(new Message.Hello("a", null, "h", 1));
        refused("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"run\":5,\"host\":\"h\",\"pid\":1}", "run must be a string");
        assertThat(read("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"host\":\"h\",\"pid\":1,\"expect\":3}"))
                .isEqualTo(new Message.Hello("a", null, "h", 1, 3));
        refused("{\"v\":1,\"type\":\"HELLO\",\"agent\":\"a\",\"host\":\"h\",\"pid\":1,\"expect\":-1}", "expect must be an integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "9", "3600001", "1.5"})
    void heartbeatAndMonitorPeriodsMustBePositiveAndBounded(String ms) {
        refused(String.format(START, ms, "1000"), "heartbeatMs must be an integer from 10 to 3600000");
        refused(String.format(START, "1000", ms), "monitorMs must be an integer from 10 to 3600000");
    }

    @Test
    void periodsAtTheBoundsAreAccepted() throws Exception {
        assertThat(read(String.format(START, "10", "3600000"))).isInstanceOf(Message.Start.class);
    }

    @Test
    void twoJsonValuesInOneFrameAreRefused() {
        refused("{\"v\":1,\"type\":\"ACK\",\"seq\":1}{\"v\":1,\"type\":\"ACK\",\"seq\":2}", "malformed JSON");
        refused("{\"v\":1,\"type\":\"ACK\",\"seq\":1} 7", "malformed JSON");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        refused("{\"v\":1,\"type\":\"ACK\",\"seq\":1,\"seq\":2}", "malformed JSON");
    }

    @Test
    void overlongUtf8IsRefusedNotDecodedToASlash() {
        byte[] body = withBytes("{\"v\":1,\"type\":\"ERROR\",\"message\":\"a", new int[] {0xC0, 0xAF}, "b\"}");
        assertThatThrownBy(() -> MessageCodec.fromJson(body)).isInstanceOf(FrameException.class).hasMessageContaining("not valid UTF-8");
        byte[] threeByteOverlong = withBytes("{\"v\":1,\"type\":\"ERROR\",\"message\":\"", new int[] {0xE0, 0x80, 0xAF}, "\"}");
        assertThatThrownBy(() -> MessageCodec.fromJson(threeByteOverlong)).isInstanceOf(FrameException.class);
    }

    @Test
    void encodedSurrogatesAndCodePointsAboveTheLastAreRefused() {
        byte[] surrogate = withBytes("{\"v\":1,\"type\":\"ERROR\",\"message\":\"", new int[] {0xED, 0xA0, 0x80}, "\"}");
        byte[] aboveMax = withBytes("{\"v\":1,\"type\":\"ERROR\",\"message\":\"", new int[] {0xF4, 0x90, 0x80, 0x80}, "\"}");
        byte[] truncated = withBytes("{\"v\":1,\"type\":\"ERROR\",\"message\":\"", new int[] {0xE2, 0x82}, "\"}");
        byte[] bareContinuation = withBytes("{\"v\":1,\"type\":\"ERROR\",\"message\":\"", new int[] {0x80}, "\"}");
        for (byte[] body : new byte[][] {surrogate, aboveMax, truncated, bareContinuation}) {
            assertThatThrownBy(() -> MessageCodec.fromJson(body)).isInstanceOf(FrameException.class)
                    .hasMessageContaining("not valid UTF-8");
        }
        refused("{\"v\":1,\"type\":\"ERROR\",\"message\":\"\\ud800\"}", "surrogate");
    }

    @Test
    void validMultiByteTextIsRead() throws Exception {
        byte[] body = "{\"v\":1,\"type\":\"ERROR\",\"message\":\"caf\u00e9 \u20ac \ud83d\ude00 \\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(MessageCodec.fromJson(body)).isEqualTo(new Message.Error("caf\u00e9 \u20ac \ud83d\ude00 \ud83d\ude00"));
    }
}
