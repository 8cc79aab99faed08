package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.TestGateway;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which next-hop addresses would reach this gateway's own listener (the relay never connects to those). */
@ExtendWith(TestGateway.class)
class OwnListenersTest {

    @Test
    void should_know_the_running_gateways_listener_and_nothing_else() {
        OwnListeners own = TestGateway.camel().getRegistry().lookupByNameAndType("ownListeners", OwnListeners.class);
        int port = TestGateway.port(); // bound to 127.0.0.1 (BIND_ADDRESS)
        assertThat(own.isOurs(new InetSocketAddress("127.0.0.1", port))).isTrue();
        assertThat(own.isOurs(new InetSocketAddress("127.0.0.1", port == 65535 ? port - 1 : port + 1))).isFalse();
        assertThat(own.isOurs(new InetSocketAddress("127.0.0.2", port))).as("another address: not bound there").isFalse();
    }

    @Test
    void should_take_every_local_address_for_a_listener_on_the_wildcard_address() throws Exception {
        OwnListeners own = new OwnListeners();
        int port = 1025; // nothing is bound: only addresses are compared
        own.listening(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
        InetAddress interfaceAddress = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress()).findFirst().orElse(InetAddress.getByName("127.0.0.1"));

        assertThat(own.isOurs(new InetSocketAddress(interfaceAddress, port))).isTrue();
        assertThat(own.isOurs(new InetSocketAddress("127.0.0.1", port))).isTrue();
        assertThat(own.isOurs(new InetSocketAddress("192.0.2.1", port))).as("a documentation address, not ours").isFalse();
        assertThat(own.isOurs(new InetSocketAddress(interfaceAddress, port + 1))).as("another port").isFalse();
    }
}
