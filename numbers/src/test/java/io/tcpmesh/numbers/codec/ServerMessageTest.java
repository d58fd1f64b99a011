package io.tcpmesh.numbers.codec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerMessageTest {
    @Test
    void parsesWhatTheServerPrints() throws Exception {
        for (ServerMessage m : new ServerMessage[] {
                ServerMessage.Ok.of(Hello.stateful("c1", 10, 3), 0), ServerMessage.Ok.of(Hello.stateless("c1", 10, 0, 0), 7),
                new ServerMessage.Message(0, "4257918727"), new ServerMessage.End(3, "64c78476"),
                ServerMessage.Err.of(ErrorCode.BUSY, "session c1 is being streamed on another connection, retry later")}) {
            assertThat(ServerMessage.parse(m.line())).isEqualTo(m);
        }
        assertThat(ServerMessage.Ok.of(Hello.stateless("c1", 10, 0, 0), 7).line()).isEqualTo("OK stateless c1 10 0 7");
    }

    @Test
    void anErrorWithACodeThisClientDoesNotKnowIsKeptAndNotRetried() throws Exception {
        ServerMessage.Err err = (ServerMessage.Err) ServerMessage.parse("ERR later some text");
        assertThat(err.code()).isNull();
        assertThat(err.word()).isEqualTo("later");
        assertThat(err.text()).isEqualTo("some text");
        assertThat(err.retryable()).isFalse();
        assertThat(((ServerMessage.Err) ServerMessage.parse("ERR busy x")).retryable()).isTrue();
    }

    @Test
    void refusesLinesOffTheGrammar() {
        for (String line : new String[] {"", "HELLO", "N", "N 1", "N 01 5", "N 1 -5", "N 1 5 6", "OK", "OK fancy c1 1 0",
                "OK stateful c1 10", "OK stateless c1 10 0", "END 3", "ERR", "ERR  x"}) {
            assertThatThrownBy(() -> ServerMessage.parse(line)).as(line)
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
        }
    }
}
