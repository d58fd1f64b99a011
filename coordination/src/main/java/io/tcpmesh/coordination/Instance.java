package io.tcpmesh.coordination;

import org.apache.curator.x.discovery.ServiceInstance;

import java.net.InetSocketAddress;

/**
 * One live instance of a service, as discovery sees it.
 *
 * @param service the service name, such as {@code md5}
 * @param id      the instance id, unique within the service
 * @param host    the advertised address
 * @param port    the bound port
 * @param details the payload
 */
public record Instance(String service, String id, String host, int port, InstanceDetails details) {

    static Instance of(ServiceInstance<InstanceDetails> instance) {
        return new Instance(instance.getName(), instance.getId(), instance.getAddress(), instance.getPort(),
                instance.getPayload());
    }

    /** An unresolved address: the caller resolves it where blocking is allowed. */
    public InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return id + "@" + host + ":" + port;
    }
}
