package io.mailgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.broker.JournalLock;
import io.mailgateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting a gateway: what it refuses, and what a refused start leaves alone. */
class GatewayStartTest {

    /**
     * A second gateway on the DATA_DIR of a running one (a systemd unit plus a manual
     * {@code java -jar}, or two units) is refused before it touches DATA_DIR: its spool cleanup
     * used to run first and delete the running gateway's messages in the middle of DATA/BDAT.
     */
    @Test
    void should_refuse_a_second_gateway_on_the_same_data_dir_before_touching_the_spool(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("broker"));
        Path inFlight = Files.createDirectories(data.resolve("spool")).resolve("0b6f-in-flight.eml");
        Files.writeString(inFlight, "Subject: big\r\n\r\n...");
        GatewayConfig config = GatewayConfig.load(Map.of("DATA_DIR", data.toString(), "SMTP_PORT", "0",
                "SUBMISSION_PORT", "-1", "SMTPS_PORT", "-1", "BROKER_PORT", "0", "METRICS_PORT", "-1", "HTTP_PORT", "-1",
                "STORAGE_TYPE", "memory"), new Properties());
        try (JournalLock running = JournalLock.tryAcquire(data)) { // what the running gateway's broker holds
            assertThat(running).isNotNull();
            Gateway second = new Gateway(config);
            try {
                assertThatThrownBy(second::start).hasMessageContaining("one gateway per DATA_DIR");
            } finally {
                second.close();
            }
        }
        assertThat(inFlight).as("spool file of the running gateway").exists();
        try (JournalLock released = JournalLock.tryAcquire(data)) {
            assertThat(released).as("the refused gateway holds no lock").isNotNull();
        }
    }

    @Test
    void should_warn_that_routes_reload_does_nothing_with_the_packaged_routes(@TempDir Path routes) {
        assertThat(Gateway.routesReloadWarning(true, null)).contains("ROUTES_RELOAD=true does nothing", "ROUTES_DIR");
        assertThat(Gateway.routesReloadWarning(true, routes)).isNull();
        assertThat(Gateway.routesReloadWarning(false, null)).isNull();
    }
}
