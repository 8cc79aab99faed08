package io.mailgateway.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void forksGetDisjointSlicesBelowTheCeiling() {
        int[] first = FreePorts.slice(20_000, 32_768, 1, 2);
        int[] second = FreePorts.slice(20_000, 32_768, 2, 2);
        assertArrayEquals(new int[] {20_000, 26_384}, first);
        assertArrayEquals(new int[] {26_384, 32_768}, second);
        int[] third = FreePorts.slice(20_000, 32_768, 3, 3);
        assertTrue(third[1] <= 32_768, "never into the ephemeral range");
    }

    @Test
    void oneJvmOrAnUnknownForkTakesTheWholeRange() {
        assertArrayEquals(new int[] {20_000, 32_768}, FreePorts.slice(20_000, 32_768, 1, 1));
        assertArrayEquals(new int[] {20_000, 32_768}, FreePorts.slice(20_000, 32_768, 0, 2));
    }

    /** Read as the kernel has it: a short read of the sysctl file once gave 3. */
    @Test
    void theEphemeralRangeIsReadWhole() throws Exception {
        String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
        int expected = Integer.parseInt(range.trim().split("\\s+")[0]);
        assertEquals(expected > 20_000 ? expected : 32_768, FreePorts.ephemeralLow());
    }

    /** Under Maven, pom.xml fills in this JVM's number: a placeholder left literal would fail here. */
    @Test
    void thisJvmKnowsItsForkAndHandsOutPortsFromItsSlice() {
        int fork = FreePorts.fork();
        int forks = FreePorts.forks();
        assertTrue(fork >= 1 && fork <= forks, "fork " + fork + " of " + forks);
        int[] slice = FreePorts.slice(20_000, FreePorts.ephemeralLow(), fork, forks);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.next();
            assertTrue(port >= slice[0] && port < slice[1], port + " outside " + slice[0] + "-" + slice[1]);
            ports.add(port);
        }
        assertEquals(20, ports.size(), "never the same port twice");
    }
}
