package io.tcpmesh.proxy.load;

import io.tcpmesh.coordination.bootstrap.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadOptionsTest {

    private static LoadConfig parse(String... args) {
        LoadCommand main = new LoadCommand();
        new CommandLine(main).parseArgs(args);
        return main.config(null);
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "--mode=bogus 127.0.0.1:9               | --mode",
            "--connections=0 127.0.0.1:9            | --connections",
            "--rate=-5 127.0.0.1:9                  | --rate",
            "--rate=10 --shape=zigzag 127.0.0.1:9   | --shape",
            "--rate=10 --shape=sine --rate-max=5 127.0.0.1:9 | --rate-max",
            "--shape=sine 127.0.0.1:9               | need --rate",
            "--size=0 127.0.0.1:9                   | --size",
            "--size=10x 127.0.0.1:9                 | not a size",
            "--duration=10 127.0.0.1:9              | not a duration",
            "--size=64 --message=hi 127.0.0.1:9     | only one of",
            "--requests=-1 127.0.0.1:9              | --requests",
            "--threads=0 127.0.0.1:9                | --threads",
            "--sweep=10,0 127.0.0.1:9               | --sweep",
            "localhost                              | host:port",
            "127.0.0.1:99999                        | 1..65535",
            "--mode=echo                            | at least one target",
            "--message-file=/nonexistent/file 127.0.0.1:9 | --message-file",
            "--config=/nonexistent.json             | --config",
            "--bogus-option 127.0.0.1:9             | Unknown option"})
    void badOptionsExitTwoNamingTheOption(String args, String expected) {
        String[] result = run(args.trim().split("\\s+"));
        assertThat(result[0]).isEqualTo(String.valueOf(ExitCodes.BAD_OPTIONS));
        assertThat(result[2]).contains(expected);
    }

    @Test
    void helpListsTheOptionsAndExitsZero() {
        String[] result = run("--help");
        assertThat(result[0]).isEqualTo("0");
        assertThat(result[1]).contains("--connections", "--rate", "--shape", "--sweep", "--json", "--html", "--mode");
    }

    @Test
    void defaultsAreAClosedTenSecondEchoOfSixtyFourBytes() {
        LoadConfig c = parse("127.0.0.1:8000");
        assertThat(c.mode()).isEqualTo(Mode.ECHO);
        assertThat(c.openLoop()).isFalse();
        assertThat(c.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.payload().length()).isEqualTo(64);
        assertThat(c.targets()).containsExactly(new LoadTarget("127.0.0.1", 8000));
    }

    @Test
    void openLoopOptionsBuildTheShape() {
        LoadConfig c = parse("--rate", "100", "--shape", "step", "--rate-max", "500", "--steps", "5", "-d", "10s",
                "--sweep", "1,2", "-t", "[::1]:7000", "--message", "hello world");
        assertThat(c.shape()).isEqualTo(new RateShape.Step(100, 500, 2.0, 5));
        assertThat(c.sweep()).containsExactly(1, 2);
        assertThat(c.targets()).containsExactly(new LoadTarget("::1", 7000));
        assertThat(c.payload().length()).isEqualTo(11);
    }

    @Test
    void aRequestCountWithoutDurationIsBoundedOnlyByTheCount() {
        assertThat(parse("-n", "5", "127.0.0.1:1").duration()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theProxyConfigGivesEveryPortOfEveryApp(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("proxy.json");
        Files.writeString(file, """
                {"Apps":[{"Name":"five-thousand","Ports":[5001,5200,5000],"Targets":["tcp-echo.fly.dev:6001"]},
                         {"Name":"six","Ports":[6001],"Targets":["discovery:echo"], "RetryOnNoResponse": true}],
                 "MaxConnections": 10}""");
        LoadConfig c = parse("--config", file.toString(), "--host", "10.0.0.1");
        assertThat(c.targets()).extracting(LoadTarget::port).containsExactly(5000, 5001, 5200, 6001);
        assertThat(c.targets()).extracting(LoadTarget::host).containsOnly("10.0.0.1");
    }

    @Test
    void aConfigTheProxyWouldRefuseIsRefusedWithTheProxysMessage() {
        assertThatThrownBy(() -> ProxyConfigPorts.parse("{\"apps\":[]}", "x.json"))
                .hasMessage("--config x.json: key 'apps': unknown key (did you mean 'Apps'?)");
        assertThatThrownBy(() -> ProxyConfigPorts.parse("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[0],\"Targets\":[\"h:1\"]}]}", "x.json"))
                .hasMessageContaining("1..65535");
    }

    @Test
    void aMalformedConfigIsOneLineWithoutJacksonsSourceNote(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "nul");
        assertThatThrownBy(() -> ProxyConfigPorts.read(file))
                .hasMessageContaining("not valid JSON: Unrecognized token 'nul'").hasMessageContaining("at line 1, column")
                .hasMessageNotContaining("REDACTED").hasMessageNotContaining("\n");
    }
}
