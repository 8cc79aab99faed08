package io.mailgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.dkim.DkimSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dkim keygen}: key file (0600, loadable by the signer) and the TXT record in 255-octet strings. */
class DkimCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path data, String... args) {
        return DkimCommand.run(List.of(args), data, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void keygen_rsa_writes_a_private_key_and_prints_the_record(@TempDir Path data) throws Exception {
        assertThat(run(data, "keygen", "Example.com", "sel1")).isZero();
        Path key = data.resolve("dkim/example.com.sel1.key");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("sel1._domainkey.example.com. IN TXT ( \"v=DKIM1; k=rsa; p=MIIB");
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(printed);
        StringBuilder joined = new StringBuilder();
        int strings = 0;
        while (m.find()) {
            assertThat(m.group(1).length()).isLessThanOrEqualTo(255);
            joined.append(m.group(1));
            strings++;
        }
        assertThat(strings).as("a 2048-bit key needs two strings").isEqualTo(2);
        assertThat(joined.toString()).matches("v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{390,}");
        assertThat(DkimSigner.fromConfig(io.mailgateway.config.GatewayConfig.load(
                java.util.Map.of("DATA_DIR", data.toString(), "DKIM_SIGN_DOMAINS", "example.com:sel1"), new java.util.Properties())).isEmpty()).isFalse();

        assertThat(run(data, "keygen", "example.com", "sel1")).as("never overwrites").isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exists");
    }

    @Test
    void keygen_ed25519_and_usage_errors(@TempDir Path data) throws Exception {
        assertThat(run(data, "keygen", "example.org", "mail", "--ed25519")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).matches("(?s)mail\\._domainkey\\.example\\.org\\. IN TXT \\( \"v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=\" \\).*");
        assertThat(run(data, "keygen", "example.org")).isEqualTo(2);
        assertThat(run(data, "keygen", "example.org", "s", "--bits", "512")).isEqualTo(2);
        assertThat(run(data, "keygen", "not a domain", "s")).isEqualTo(2);
        assertThat(run(data, "keygen", "example.net", "s", "--bits", "1024")).isZero();
    }
}
