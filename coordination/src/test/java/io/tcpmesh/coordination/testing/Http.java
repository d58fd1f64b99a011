package io.tcpmesh.coordination.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A plain HTTP GET for tests of the admin endpoints: {@code "200 ok\n"}, or {@code "failed: ..."}. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Timing.seconds(5)).build();

    private Http() {
    }

    /** GET http://HOST:PORT/PATH; returns the status, a space and the body. */
    public static String get(String hostPort, String path) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                    .timeout(Timing.seconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }
}
