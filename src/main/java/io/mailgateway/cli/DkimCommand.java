package io.mailgateway.cli;

import io.mailgateway.policy.dkim.DkimKeys;
import io.mailgateway.policy.dkim.DkimSigner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code dkim keygen DOMAIN SELECTOR [--bits N|--ed25519]}: writes a new private key to
 * {@code $DATA_DIR/dkim/DOMAIN.SELECTOR.key} (PKCS#8 PEM, mode 0600; an existing file is never
 * overwritten) and prints the DNS TXT record to publish.
 */
final class DkimCommand {

    static final String USAGE = "usage: java -jar mail-gateway.jar dkim keygen DOMAIN SELECTOR [--bits 2048|--ed25519]";

    private DkimCommand() {
    }

    /** @return the exit status: 0 done, 1 key file exists or cannot be written, 2 usage error */
    static int run(List<String> args, Path dataDir, PrintStream stdout, PrintStream stderr) {
        if (args.size() < 3 || !args.get(0).equals("keygen")) {
            stderr.println(USAGE);
            return 2;
        }
        String domain = args.get(1);
        String selector = args.get(2);
        int bits = 2048;
        boolean ed25519 = false;
        List<String> opts = args.subList(3, args.size());
        if (opts.equals(List.of("--ed25519"))) {
            ed25519 = true;
        } else if (opts.size() == 2 && opts.get(0).equals("--bits") && opts.get(1).matches("[0-9]{4}")) {
            bits = Integer.parseInt(opts.get(1));
            if (bits < 1024 || bits > 4096) {
                stderr.println("--bits must be 1024..4096 (2048 recommended)");
                return 2;
            }
        } else if (!opts.isEmpty()) {
            stderr.println(USAGE);
            return 2;
        }
        try {
            DkimSigner.parseDomains(domain + ":" + selector);
        } catch (IllegalArgumentException e) {
            stderr.println("not a domain and selector: " + e.getMessage());
            return 2;
        }
        Path file = DkimSigner.keyFile(dataDir, domain, selector);
        try {
            String record = DkimKeys.generate(file, ed25519, bits);
            stderr.println("wrote " + file);
            stdout.println(DkimKeys.zoneLine(selector + "._domainkey." + domain.toLowerCase(java.util.Locale.ROOT) + ".", record));
            stdout.println("; then add " + domain + ":" + selector + " to DKIM_SIGN_DOMAINS");
            return 0;
        } catch (FileAlreadyExistsException e) {
            stderr.println("key file exists, not overwritten: " + file);
            return 1;
        } catch (IOException e) {
            stderr.println("cannot write " + file + ": " + e);
            return 1;
        }
    }
}
