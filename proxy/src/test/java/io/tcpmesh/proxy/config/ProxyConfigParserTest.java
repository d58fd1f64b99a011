package io.tcpmesh.proxy.config;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyConfigParserTest {

    @Test
    void originalExerciseFileParsesAsWritten() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/fly-original.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ProxyConfig config = ProxyConfigParser.parse(json, "fly-original.json");
        assertThat(config.apps()).extracting(AppConfig::name).containsExactly("five-thousand", "six-thousand", "seven-thousand");
        AppConfig six = config.app("six-thousand");
        assertThat(six.ports()).containsExactly(6001, 6200, 6300, 6400);
        assertThat(six.targets()).contains(new TargetSpec.Static("bad.target.for.testing", 6003));
        assertThat(six.balancing()).isEqualTo(Balancing.ROUND_ROBIN);
        assertThat(six.connectTimeout()).isEqualTo(AppConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(config.maxConnections()).isEqualTo(ProxyConfig.DEFAULT_MAX_CONNECTIONS);
    }

    @Test
    void extensionsParse() {
        ProxyConfig config = ProxyConfigParser.parse("""
                {"MaxConnections": 100, "Apps": [{"Name": "md5", "Ports": [7000], "Targets": ["discovery:md5", "[::1]:7001"],
                  "Balancing": "least-connections", "ConnectTimeout": "500ms", "IdleTimeout": 30000, "MaxConnections": 10},
                  {"Name": "echo", "Ports": [8000], "Targets": ["discovery:echo?leader"]}]}""", "t");
        AppConfig md5 = config.app("md5");
        assertThat(md5.targets()).containsExactly(new TargetSpec.Discovery("md5", false), new TargetSpec.Static("::1", 7001));
        assertThat(md5.balancing()).isEqualTo(Balancing.LEAST_CONNECTIONS);
        assertThat(md5.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(md5.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(md5.maxConnections()).isEqualTo(10);
        assertThat(config.app("echo").targets()).containsExactly(new TargetSpec.Discovery("echo", true));
        assertThat(config.maxConnections()).isEqualTo(100);
    }

    @Test
    void responseAndLimitKeysParseWithDefaultsOff() {
        ProxyConfig config = ProxyConfigParser.parse("""
                {"Apps": [{"Name": "md5", "Ports": [7000], "Targets": ["discovery:md5"], "ResponseTimeout": "2s",
                  "RetryOnNoResponse": true, "MaxConnectionsPerSource": 50, "MaxBandwidthPerConnection": 1048576,
                  "StallTimeout": "5s"},
                  {"Name": "echo", "Ports": [8000], "Targets": ["discovery:echo"]}]}""", "t");
        AppConfig md5 = config.app("md5");
        assertThat(md5.responseTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(md5.retryOnNoResponse()).isTrue();
        assertThat(md5.maxConnectionsPerSource()).isEqualTo(50);
        assertThat(md5.maxBandwidthPerConnection()).isEqualTo(1048576);
        AppConfig echo = config.app("echo");
        assertThat(echo.responseTimeout()).isZero();
        assertThat(echo.retryOnNoResponse()).isFalse();
        assertThat(md5.stallTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(echo.stallTimeout()).isEqualTo(AppConfig.DEFAULT_STALL_TIMEOUT);
        assertThat(echo.maxConnectionsPerSource()).isZero();
        assertThat(echo.maxBandwidthPerConnection()).isZero();
    }

    @Test
    void badResponseAndLimitValuesNameTheKey() {
        String app = "{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"h:1\"],%s}]}";
        for (var c : List.of(
                List.of("\"ResponseTimeout\":\"later\"", "p: app 'a': key 'ResponseTimeout': 'later' is not a duration: write a whole number and a unit, such as 500ms, 5s, 2m or 1h"),
                List.of("\"ResponseTimeout\":-5", "p: app 'a': key 'ResponseTimeout': cannot be negative (0s disables it)"),
                List.of("\"RetryOnNoResponse\":\"yes\"", "p: app 'a': key 'RetryOnNoResponse': \"yes\" is not true or false"),
                List.of("\"MaxConnectionsPerSource\":-1", "p: app 'a': key 'MaxConnectionsPerSource': cannot be negative (0: no limit)"),
                List.of("\"MaxConnectionsPerSource\":1.5", "p: app 'a': key 'MaxConnectionsPerSource': 1.5 is not a whole number"),
                List.of("\"MaxBandwidthPerConnection\":100", "p: app 'a': key 'MaxBandwidthPerConnection': must be 0 (no cap) or at least 1024 bytes/s, not 100"),
                List.of("\"MaxBandwidthPerConnection\":\"1MB\"", "p: app 'a': key 'MaxBandwidthPerConnection': \"1MB\" is not a whole number of bytes per second"))) {
            String json = app.formatted(c.get(0));
            assertThatThrownBy(() -> ProxyConfigParser.parse(json, "p")).as(json).hasMessage(c.get(1));
        }
    }

    @Test
    void unknownKeyGetsDidYouMean() {
        assertThatThrownBy(() -> ProxyConfigParser.parse("{\"Apps\":[{\"Name\":\"a\",\"Port\":[1],\"Targets\":[\"h:1\"]}]}", "conf/p.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("conf/p.json: app 'a': key 'Port': unknown key (did you mean 'Ports'?)");
        assertThatThrownBy(() -> ProxyConfigParser.parse("{\"apps\":[]}", "p"))
                .hasMessage("p: key 'apps': unknown key (did you mean 'Apps'?)");
        assertThatThrownBy(() -> ProxyConfigParser.parse("{\"Apps\":[], \"Zebra\": 1}", "p"))
                .hasMessageContaining("key 'Zebra': unknown key; known keys: Apps, MaxConnections");
        assertThatThrownBy(() -> ProxyConfigParser.parse("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"h:1\"],\"RetryOnNoRespons\":true}]}", "p"))
                .hasMessage("p: app 'a': key 'RetryOnNoRespons': unknown key (did you mean 'RetryOnNoResponse'?)");
    }

    @Test
    void errorsNameAppKeyAndProblem() {
        for (var c : List.of(
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[70000],\"Targets\":[\"h:1\"]}]}", "p: app 'a': key 'Ports': 70000 is not in 1..65535"),
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"nohost\"]}]}", "p: app 'a': key 'Targets': 'nohost' is not HOST:PORT or discovery:SERVICE"),
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"h:1\"],\"Balancing\":\"random\"}]}", "p: app 'a': key 'Balancing': 'random' is not one of round-robin, least-connections"),
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[]}]}", "p: app 'a': key 'Targets': list at least one target"),
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"h:1\"],\"ConnectTimeout\":\"soon\"}]}", "p: app 'a': key 'ConnectTimeout': 'soon' is not a duration: write a whole number and a unit, such as 500ms, 5s, 2m or 1h"),
                List.of("{\"Apps\":[{\"Ports\":[1],\"Targets\":[\"h:1\"]}]}", "p: app #1: key 'Name': missing or not a string"),
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"h:1\"]},{\"Name\":\"b\",\"Ports\":[1],\"Targets\":[\"h:1\"]}]}", "p: app 'b': key 'Ports': port 1 is already used by app 'a'"),
                List.of("{\"Apps\":[{\"Name\":\"a\",\"Ports\":[1],\"Targets\":[\"discovery:echo?follower\"]}]}", "p: app 'a': key 'Targets': 'discovery:echo?follower': the only option after '?' is 'leader'"))) {
            assertThatThrownBy(() -> ProxyConfigParser.parse(c.get(0), "p")).as(c.get(0)).hasMessage(c.get(1));
        }
        assertThatThrownBy(() -> ProxyConfigParser.parse("{\"Apps\": [", "p")).hasMessageStartingWith("p: not valid JSON");
    }

    @Test
    void tlsErrorsNameTheAppTheKeyAndTheFile() {
        String app = "{\"Apps\": [{\"Name\": \"md5\", \"Ports\": [7000], \"Targets\": [\"127.0.0.1:7001\"], %s}]}";
        assertThatThrownBy(() -> ProxyConfigParser.parse(app.formatted("\"Tls\": {\"Certficate\": \"server.pem\", \"Key\": \"k\"}"),
                "t", java.nio.file.Path.of("/etc/tcpmesh")))
                .hasMessage("t: app 'md5': key 'Tls': key 'Certficate': unknown key (did you mean 'Certificate'?)");
        assertThatThrownBy(() -> ProxyConfigParser.parse(app.formatted("\"Tls\": {\"Certificate\": \"server.pem\"}"), "t"))
                .hasMessage("t: app 'md5': key 'Tls': 'Key': missing or not a file name");
        assertThatThrownBy(() -> ProxyConfigParser.parse(app.formatted("\"Tls\": {\"Certificate\": \"server.pem\", \"Key\": \"server.key\"}"),
                "t", java.nio.file.Path.of("/no/such/dir")))
                .hasMessage("t: app 'md5': key 'Tls': /no/such/dir/server.pem: no such file");
        assertThatThrownBy(() -> ProxyConfigParser.parse(app.formatted(
                "\"Tls\": {\"Certificate\": \"c\", \"Key\": \"k\", \"Protocols\": [\"TLSv1.3\", \"TLSv1\"]}"), "t"))
                .hasMessage("t: app 'md5': key 'Tls': Protocols: 'TLSv1' is not supported; tcpmesh speaks only TLSv1.3 and TLSv1.2");
        assertThatThrownBy(() -> ProxyConfigParser.parse(app.formatted("\"TargetTls\": {\"Ca\": \"/no/ca.pem\"}"), "t"))
                .hasMessage("t: app 'md5': key 'TargetTls': /no/ca.pem: no such file");
        assertThatThrownBy(() -> ProxyConfigParser.parse(app.formatted("\"TargetTls\": {\"Ca\": \"ca.pem\", \"ServerName\": \"a b\"}"), "t"))
                .hasMessage("t: app 'md5': key 'TargetTls': ServerName 'a b' is not a host name or an IP address");
    }
}
