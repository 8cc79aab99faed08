package io.mailgateway.testing;

import io.mailgateway.cli.GatewayMain;
import io.mailgateway.config.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** One command of the gateway's CLI (queue, dlq, user ...) against the shared test gateway, in this JVM. */
public record CliRun(int status, String out, String err) {

    public static CliRun run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GatewayConfig config = GatewayConfig.load(Map.of("BROKER_PORT", String.valueOf(TestGateway.brokerPort()),
                "DATA_DIR", TestGateway.dataDir().toString()), new Properties());
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = GatewayMain.command(List.of(args), config, o, e);
        }
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
