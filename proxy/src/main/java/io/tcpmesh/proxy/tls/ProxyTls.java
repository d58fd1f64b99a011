package io.tcpmesh.proxy.tls;

import io.tcpmesh.coordination.tls.TlsFilter;
import io.tcpmesh.coordination.tls.TlsStats;
import io.tcpmesh.proxy.config.AppConfig;
import io.tcpmesh.proxy.config.ProxyConfig;
import io.tcpmesh.proxy.config.TargetTls;
import io.tcpmesh.proxy.config.TlsTermination;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.FilterEvent;
import org.apache.mina.filter.ssl.SslEvent;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The proxy's TLS: the filter each app terminates its clients' TLS with ({@code Tls}), the filters it speaks
 * TLS to the targets with ({@code TargetTls}), and their handshake counters per app. {@link #update} puts in
 * place the filters of a new configuration: clients accepted from then on get its certificate, open ones keep
 * the one they have. The counters live as long as the app's name. Thread-safe.
 */
public final class ProxyTls {
    private static final AttributeKey TARGET = new AttributeKey(ProxyTls.class, "target");
    private static final AttributeKey SECURED = new AttributeKey(ProxyTls.class, "secured");
    private static final String FILTER = "tls";

    private final Supplier<String> node;
    private final ConcurrentMap<String, TlsStats> terminated = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, TlsStats> originated = new ConcurrentHashMap<>();
    private volatile Map<String, TlsFilter> terminators = Map.of();
    private volatile List<AppConfig> apps = List.of();

    /** @param node the node's name, for log lines (it is known once the admin port is bound) */
    public ProxyTls(Supplier<String> node) {
        this.node = node;
    }

    /** Makes the filters of {@code config}'s apps (their files were loaded when it was read). */
    public void update(ProxyConfig config) {
        Map<String, TlsFilter> next = new HashMap<>();
        for (AppConfig app : config.apps()) {
            app.tls().ifPresent(tls -> next.put(app.name(), terminator(app, tls)));
            if (app.targetTls().isPresent()) {
                originated.computeIfAbsent(app.name(), n -> new TlsStats());
            }
        }
        terminators = Map.copyOf(next);
        apps = config.apps();
        terminated.keySet().retainAll(config.apps().stream().filter(a -> a.tls().isPresent()).map(AppConfig::name).toList());
        originated.keySet().retainAll(config.apps().stream().filter(a -> a.targetTls().isPresent()).map(AppConfig::name).toList());
    }

    private TlsFilter terminator(AppConfig app, TlsTermination tls) {
        TlsStats stats = terminated.computeIfAbsent(app.name(), n -> new TlsStats());
        return TlsFilter.server(tls.context(), tls.mutual(), tls.handshakeTimeout(), owner(app.name()), stats)
                .withProtocols(tls.protocols());
    }

    /**
     * Puts the app's TLS in front of a client session just accepted (on its I/O thread, before it is opened).
     *
     * @return true when the app terminates TLS: the target is then connected once {@link #secured} says so
     */
    public boolean terminate(IoSession client, String app) {
        TlsFilter filter = terminators.get(app);
        if (filter == null) {
            return false;
        }
        client.getFilterChain().addFirst(FILTER, filter);
        return true;
    }

    /** True once per session, for the event that says its handshake is done. */
    public static boolean secured(IoSession session, FilterEvent event) {
        return event == SslEvent.SECURED && session.setAttributeIfAbsent(SECURED, Boolean.TRUE) == null;
    }

    /** Marks a backend session being connected for {@code app} to {@code address}; call from its initializer. */
    public static void toTarget(IoSession backend, AppConfig app, InetSocketAddress address) {
        if (app.targetTls().isPresent()) {
            TargetTls tls = app.targetTls().get();
            backend.setAttribute(TARGET, new Target(app.name(), tls, tls.handshakeTimeout(), address.getHostString()));
        }
    }

    /** Puts TLS in front of a backend session just created, when its app has {@code TargetTls}. */
    public void originate(IoSession backend) {
        Target t = (Target) backend.getAttribute(TARGET);
        if (t == null) {
            return;
        }
        TlsStats stats = originated.computeIfAbsent(t.app(), n -> new TlsStats());
        TlsFilter filter = TlsFilter.client(t.tls().context(), Optional.of(t.tls().nameFor(t.host())), true,
                t.handshakeTimeout(), owner(t.app() + " target"), stats).withProtocols(t.tls().protocols());
        backend.getFilterChain().addFirst(FILTER, filter);
    }

    /** Names the sessions in TlsFilter's log lines: {@code proxy-9000 md5}. */
    private Object owner(String what) {
        return new Object() {
            @Override
            public String toString() {
                return node.get() + " " + what;
            }
        };
    }

    /** Every certificate, key and CA file {@code config} names (watched for changes: a change reloads). */
    public static List<Path> files(ProxyConfig config) {
        List<Path> files = new ArrayList<>();
        for (AppConfig app : config.apps()) {
            app.tls().ifPresent(t -> {
                files.add(t.certificate());
                files.add(t.key());
                t.clientCa().ifPresent(files::add);
            });
            app.targetTls().ifPresent(t -> files.add(t.ca()));
        }
        return files;
    }

    /** The counters of every app with TLS, in the configuration's order. */
    public List<TlsAppStats> stats() {
        List<TlsAppStats> out = new ArrayList<>();
        for (AppConfig app : apps) {
            TlsStats t = terminated.get(app.name());
            if (t != null) {
                out.add(TlsAppStats.of(app.name(), TlsAppStats.CLIENTS, t));
            }
            TlsStats o = originated.get(app.name());
            if (o != null) {
                out.add(TlsAppStats.of(app.name(), TlsAppStats.TARGETS, o));
            }
        }
        return out;
    }

    private record Target(String app, TargetTls tls, Duration handshakeTimeout, String host) {
    }
}
